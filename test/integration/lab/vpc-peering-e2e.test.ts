// VPC peering in the lab with real traffic (issue 16 point 4, Kube-OVN's docs/vpc/vpc-peering). Three custom VPCs,
// one subnet and one pod each: pa (a1 10.31.0.10), pb (b1 10.32.0.10), pc (c1 10.33.0.10). pa and pb peer on
// 169.254.0.0/30 (pa .1, pb .2), each with a static route to the other's subnet via the other's connect address; pc
// peers with nobody (and routes toward pa anyway). Declared on one side only, nothing connects and the Vpc says it
// waits; declared on both, a1 and b1 ping each other both ways, `kovn trace` shows the route over the link, and c1
// stays cut off from both (its trace ends in lr_in_ip_routing); a disagreeing connect address is refused by kubectl
// with the field named; removing the peering on one side cuts the path again (and the trace says where). The lab (temp KOVN_HOME, random id) is removed at the end.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../../src/api/types.ts';
import { kubeRequest } from '../../../src/kube/request.ts';
import { objectPath } from '../../../src/kube/resources.ts';
import type { LabLayout } from '../../../src/lab/layout.ts';
import {
  inPodNetns,
  kubeApi,
  kubectlRun,
  labDown,
  labHome,
  labUp,
  nbctlRun,
  poller,
  runKovn,
  skipUnlessRoot as skip,
  webPodAt,
} from '../../support/lab-e2e.ts';

const A1 = '10.31.0.10';
const B1 = '10.32.0.10';
const C1 = '10.33.0.10';
const PEER_PA = { remoteVpc: 'vpc-pb', localConnectIP: '169.254.0.1/30' };
const PEER_PB = { remoteVpc: 'vpc-pa', localConnectIP: '169.254.0.2/30' };
const ROUTE_PA = { cidr: '10.32.0.0/24', nextHopIP: '169.254.0.2', policy: 'policyDst' };
const ROUTE_PB = { cidr: '10.31.0.0/24', nextHopIP: '169.254.0.1', policy: 'policyDst' };

let home: string;
let layout: LabLayout;
let kc: KubeConfig;

const kovn = (...args: string[]) => runKovn(home, args);
const ping = (ns: string, pod: string, ip: string, count = 2) =>
  inPodNetns(layout, ns, pod, ['ping', '-c', String(count), '-i', '0.2', '-W', '1', ip], 20_000).status === 0;
const nbctl = (...args: string[]) => nbctlRun(layout, args);
const eventually = poller({ ms: 60_000, every: 300 });
const { create, get } = kubeApi(() => kc);
const setVpc = (name: string, spec: { vpcPeerings?: unknown[]; staticRoutes?: unknown[] }) =>
  kubeRequest(kc, {
    method: 'PATCH',
    path: objectPath('Vpc', name),
    body: { spec: { vpcPeerings: spec.vpcPeerings ?? [], staticRoutes: spec.staticRoutes ?? [] } },
  });
const peeredCondition = async (vpc: string) =>
  (
    (await get('Vpc', vpc))?.['status'] as {
      conditions?: { type: string; reason: string; message?: string }[];
    }
  )?.conditions?.find((c) => c.type === 'Peered');

const pod = (name: string, namespace: string, subnet: string, ip: string): KubeObject =>
  webPodAt({ name, namespace, subnet, ip });

void describe('vpc peering in the lab, with real traffic', { skip, timeout: 900_000 }, () => {
  before(async () => {
    ({ home, layout } = labHome('kovn-peering-', 'p'));
    kc = labUp(home, layout);
    for (const [ns, cidr, ip] of [
      ['pa', '10.31.0.0/24', A1],
      ['pb', '10.32.0.0/24', B1],
      ['pc', '10.33.0.0/24', C1],
    ] as const) {
      await create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      await create({
        apiVersion: 'kubeovn.io/v1',
        kind: 'Vpc',
        metadata: { name: `vpc-${ns}` },
        spec: { namespaces: [ns] },
      });
      await create({
        apiVersion: 'kubeovn.io/v1',
        kind: 'Subnet',
        metadata: { name: `${ns}-net` },
        spec: { vpc: `vpc-${ns}`, cidrBlock: cidr, protocol: 'IPv4' },
      });
      await create(pod(`${ns[1]}1`, ns, `${ns}-net`, ip));
    }
    for (const [ns, p] of [
      ['pa', 'a1'],
      ['pb', 'b1'],
      ['pc', 'c1'],
    ] as const) {
      await eventually(
        `${p} running`,
        () => inPodNetns(layout, ns, p, ['true'], 20_000).status === 0,
        120_000,
      );
      await eventually(`${p} reaches its gateway`, () => ping(ns, p, ip0(ns), 1));
    }
  });
  after(() => labDown(home, layout));

  it('declared on one side only: no link, and the Vpc says it waits for the peer', async () => {
    assert.ok(!ping('pa', 'a1', B1, 1), 'no path before any peering');
    await setVpc('vpc-pa', { vpcPeerings: [PEER_PA], staticRoutes: [ROUTE_PA] });
    await eventually('vpc-pa waits for vpc-pb', async () => {
      const c = await peeredCondition('vpc-pa');
      return (
        c?.reason === 'PeerWaiting' &&
        c.message === 'vpc-pb: waiting for peer VPC vpc-pb to declare the peering'
      );
    });
    assert.equal(
      nbctl('--bare', '--columns=name', 'find', 'Logical_Router_Port', 'name=vpc-pa-vpc-pb').stdout.trim(),
      '',
    );
    assert.ok(!ping('pa', 'a1', B1, 1));
  });

  it('declared on both sides: the peers reach each other both ways, and kovn trace shows the link', async () => {
    await setVpc('vpc-pb', { vpcPeerings: [PEER_PB], staticRoutes: [ROUTE_PB] });
    await eventually('a1 -> b1 over the peering', () => ping('pa', 'a1', B1, 1));
    assert.ok(ping('pa', 'a1', B1, 3), 'a1 -> b1');
    assert.ok(ping('pb', 'b1', A1, 3), 'b1 -> a1');
    await eventually(
      'both Vpcs peered',
      async () =>
        (await peeredCondition('vpc-pa'))?.reason === 'PeeringsLinked' &&
        (await peeredCondition('vpc-pb'))?.reason === 'PeeringsLinked',
    );
    const trace = kovn('trace', 'pa/a1', B1);
    assert.equal(trace.code, 0, trace.out);
    assert.match(
      trace.out,
      /dst-ip 10\.32\.0\.0\/24 via 169\.254\.0\.2 .*<- spec\.staticRoutes\[0\]/,
      trace.out,
    );
    assert.match(trace.out, /path: +pa-net -> router vpc-pa -> router vpc-pb -> pb-net/, trace.out);
    assert.match(trace.out, /next hop: 169\.254\.0\.2 out vpc-pa-vpc-pb/, trace.out);
    assert.match(trace.out, /verdict: +delivered to b1\.pb/, trace.out);
  });

  it('a third VPC stays isolated from both, even with a route toward them', async () => {
    await setVpc('vpc-pc', {
      staticRoutes: [{ cidr: '10.31.0.0/24', nextHopIP: '169.254.0.1', policy: 'policyDst' }],
    });
    for (const [ns, p, ip] of [
      ['pc', 'c1', A1],
      ['pc', 'c1', B1],
      ['pa', 'a1', C1],
      ['pb', 'b1', C1],
    ] as const) {
      assert.ok(!ping(ns, p, ip, 2), `${p} must not reach ${ip}`);
    }
    assert.ok(ping('pa', 'a1', B1, 1), 'the peering still carries traffic');
    const trace = kovn('trace', 'pc/c1', A1);
    assert.match(trace.out, /route: +no route matched: dropped/, trace.out);
    assert.match(trace.out, /verdict: +dropped in lr_in_ip_routing/, trace.out);
  });

  it('a connect address that disagrees with the peer is refused by kubectl, naming the field', () => {
    const file = join(home, 'bad-peering.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: kubeovn.io/v1',
        'kind: Vpc',
        'metadata: {name: vpc-pb}',
        'spec:',
        '  namespaces: [pb]',
        '  vpcPeerings:',
        '  - {remoteVpc: vpc-pa, localConnectIP: 169.254.0.5/30}',
        '',
      ].join('\n'),
    );
    const r = kubectlRun(layout.kubeconfig, ['apply', '-f', file]);
    assert.notEqual(r.status, 0, r.stdout);
    assert.match(
      r.stderr,
      /spec\.vpcPeerings\[0\]\.localConnectIP: Invalid value: "169\.254\.0\.5\/30": 169\.254\.0\.5\/30 and vpc vpc-pa's 169\.254\.0\.1\/30 are not in one network/,
    );
    assert.ok(ping('pa', 'a1', B1, 1), 'the stored peering is untouched');
  });

  it('removing the peering on one side cuts the path both ways', async () => {
    await setVpc('vpc-pb', { staticRoutes: [ROUTE_PB] });
    await eventually('a1 -> b1 cut', () => !ping('pa', 'a1', B1, 1));
    assert.ok(!ping('pb', 'b1', A1, 2), 'b1 -> a1 cut');
    await eventually(
      'vpc-pa waits again',
      async () => (await peeredCondition('vpc-pa'))?.reason === 'PeerWaiting',
    );
    const trace = kovn('trace', 'pa/a1', B1);
    assert.match(trace.out, /route: +no route matched: dropped/, trace.out);
    assert.match(trace.out, /verdict: +dropped in lr_in_ip_routing/, trace.out);
    assert.equal(
      nbctl('--bare', '--columns=name', 'find', 'Logical_Router_Port', 'name=vpc-pa-vpc-pb').stdout.trim(),
      '',
    );
  });
});

/** The gateway of a namespace's subnet (.1 of its /24). */
function ip0(ns: string): string {
  return { pa: '10.31.0.1', pb: '10.32.0.1', pc: '10.33.0.1' }[ns] ?? '';
}
