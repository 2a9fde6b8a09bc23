// Custom routing in the lab with real traffic (issue #6). One VPC, three subnets: rt-a (client-a 10.20.1.10),
// rt-b (client-b 10.20.2.10, bound to route table rtb) and rt-r holding two router pods r1 10.20.3.11 and
// r2 10.20.3.12 (no annotation: kovn relaxes their port security while they are next hops, ADR 22; ip_forward on)
// that also hold 198.51.100.9 and 198.51.100.100 on their loopback (RFC 5737 TEST-NET-2, inside the pod namespaces only). HTTP to those addresses is answered by whichever router the
// VPC routed the packet to (the lab responder names the pod), so each answer shows the routing decision; forwarding
// through a hop is seen in its kernel's Ip ForwDatagrams counter. kovn trace runs against the same lab. The lab
// (temp KOVN_HOME, random id) is removed at the end.
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

const R1 = '10.20.3.11';
const R2 = '10.20.3.12';
const NEAR = '198.51.100.9';
const FAR = '198.51.100.100';

let home: string;
let layout: LabLayout;
let kc: KubeConfig;

const kovn = (...args: string[]) => runKovn(home, args);
const inPod = (pod: string, ...cmd: string[]) => inPodNetns(layout, 'rt', pod, cmd, 20_000);
const ping = (pod: string, ip: string, count = 2) =>
  inPod(pod, 'ping', '-c', String(count), '-i', '0.2', '-W', '1', ip).status === 0;
/** The pod that answered HTTP on ip:80 from `pod`, or '' if nobody did. */
const answeredBy = (pod: string, ip: string): string =>
  /X-Kovn-Pod: (\S+)/.exec(
    inPod(pod, 'sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${ip} 80`).stdout,
  )?.[1] ?? '';
/** A counter of the kernel's /proc/net/snmp in a pod (`Ip` ForwDatagrams, `Icmp` InEchos...). */
const snmpCounter = (pod: string, group: string, name: string): number => {
  const snmp = inPod(pod, 'cat', '/proc/net/snmp')
    .stdout.split('\n')
    .filter((l) => l.startsWith(`${group}:`));
  const [names, values] = snmp.map((l) => l.trim().split(/\s+/));
  return Number(values![names!.indexOf(name)]);
};
/** The kernel's forwarded-datagram counter in a router pod. */
const forwarded = (pod: string): number => snmpCounter(pod, 'Ip', 'ForwDatagrams');
/** The `port_security` column of a pod's switch port. */
const portSecurity = (pod: string): string =>
  nbctl(
    '--data=bare',
    '--no-headings',
    '--columns=port_security',
    'find',
    'Logical_Switch_Port',
    `name=${pod}.rt`,
  ).stdout.trim();
const annotatePortSecurity = (pod: string, value: string | null) =>
  kubeRequest(kc, {
    method: 'PATCH',
    path: objectPath('Pod', pod, 'rt'),
    body: { metadata: { annotations: { 'ovn.kubernetes.io/port_security': value } } },
  });
const nbctl = (...args: string[]) => nbctlRun(layout, args);
const eventually = poller({ ms: 60_000, every: 300 });
const { create } = kubeApi(() => kc);
const setRoutes = (spec: { staticRoutes?: unknown[]; policyRoutes?: unknown[] }) =>
  kubeRequest(kc, {
    method: 'PATCH',
    path: objectPath('Vpc', 'rt-vpc'),
    body: { spec: { staticRoutes: spec.staticRoutes ?? [], policyRoutes: spec.policyRoutes ?? [] } },
  });
/** Waits until HTTP from `pod` to `ip` is answered by `want` ('' = by nobody). */
const expectAnswer = (pod: string, ip: string, want: string) =>
  eventually(`${pod} -> ${ip} answered by ${want || 'nobody'}`, () => answeredBy(pod, ip) === want);
const route = (cidr: string, nextHopIP: string, extra: Record<string, string> = {}) => ({
  cidr,
  nextHopIP,
  ...extra,
});
const pod = (name: string, subnet: string, ip: string): KubeObject =>
  webPodAt({ name, namespace: 'rt', subnet, ip });
const subnet = (name: string, cidrBlock: string, extra: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'kubeovn.io/v1',
  kind: 'Subnet',
  metadata: { name },
  spec: { vpc: 'rt-vpc', cidrBlock, protocol: 'IPv4', ...extra },
});

void describe('custom routing in the lab, with real traffic', { skip, timeout: 900_000 }, () => {
  before(async () => {
    ({ home, layout } = labHome('kovn-routing-', 'r'));
    kc = labUp(home, layout);
    await create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'rt' } });
    await create({
      apiVersion: 'kubeovn.io/v1',
      kind: 'Vpc',
      metadata: { name: 'rt-vpc' },
      spec: { namespaces: ['rt'] },
    });
    await create(subnet('rt-a', '10.20.1.0/24'));
    await create(subnet('rt-b', '10.20.2.0/24', { routeTable: 'rtb' }));
    await create(subnet('rt-r', '10.20.3.0/24'));
    await create(pod('client-a', 'rt-a', '10.20.1.10'));
    await create(pod('client-b', 'rt-b', '10.20.2.10'));
    await create(pod('r1', 'rt-r', R1));
    await create(pod('r2', 'rt-r', R2));
    for (const p of ['client-a', 'client-b', 'r1', 'r2']) {
      await eventually(`${p} running`, () => inPod(p, 'true').status === 0, 120_000);
    }
    await eventually(
      'pods reach their router pods',
      () => ping('client-a', R1, 1) && ping('client-b', R2, 1),
    );
    for (const r of ['r1', 'r2']) {
      assert.equal(inPod(r, 'sysctl', '-qw', 'net.ipv4.ip_forward=1').status, 0);
      for (const ip of [NEAR, FAR])
        assert.equal(inPod(r, 'ip', 'addr', 'add', `${ip}/32`, 'dev', 'lo').status, 0);
    }
  });
  after(() => labDown(home, layout));

  it('a match OVN would refuse is rejected by kubectl with the reason; a priority next to the subnet allows warns', () => {
    const file = join(home, 'bad-vpc.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: kubeovn.io/v1',
        'kind: Vpc',
        'metadata: {name: rt-bad}',
        'spec:',
        '  policyRoutes:',
        "  - {priority: 31000, match: 'ip4.src == 10.0.0.0/8', action: allow}",
        "  - {priority: 100, match: 'ip4.src == 10.0.0.0/8 || ip4.dst == 1.1.1.1 && tcp', action: drop}",
        '',
      ].join('\n'),
    );
    const r = kubectlRun(layout.kubeconfig, ['apply', '-f', file]);
    assert.notEqual(r.status, 0);
    // Was refused as "reserved for kovn": Kube-OVN accepts it, so kovn only warns (ADR 2, ADR 12).
    assert.match(
      r.stderr,
      /Warning: spec\.policyRoutes\[0\]\.priority: 31000 is the priority of the allow policy/,
    );
    assert.match(r.stderr, /spec\.policyRoutes\[1\]\.match.*&& and \|\| must be parenthesized/);
    const got = kubectlRun(layout.kubeconfig, ['get', 'vpc', 'rt-bad']);
    assert.notEqual(got.status, 0, 'nothing was created');
  });

  it('a default route to a next-hop pod', async () => {
    await setRoutes({ staticRoutes: [route('0.0.0.0/0', R1)] });
    await expectAnswer('client-a', NEAR, 'rt/r1');
    await expectAnswer('client-a', FAR, 'rt/r1');
  });

  it('a more specific route overrides it', async () => {
    await setRoutes({ staticRoutes: [route('0.0.0.0/0', R1), route('198.51.100.0/28', R2)] });
    await expectAnswer('client-a', NEAR, 'rt/r2');
    assert.equal(answeredBy('client-a', FAR), 'rt/r1', 'outside the /28 the default route still holds');
  });

  it('a source route beats a shorter destination route; on a tie the destination route wins', async () => {
    const src = route('10.20.1.10', R2, { policy: 'policySrc' });
    await setRoutes({ staticRoutes: [route('0.0.0.0/0', R1), src] });
    await expectAnswer('client-a', FAR, 'rt/r2');
    await setRoutes({ staticRoutes: [route('0.0.0.0/0', R1), src, route(`${FAR}/32`, R1)] });
    await expectAnswer('client-a', FAR, 'rt/r1');
  });

  it('a route table bound to one subnet and not the other', async () => {
    await setRoutes({ staticRoutes: [route('0.0.0.0/0', R1)] });
    await expectAnswer('client-a', NEAR, 'rt/r1');
    // OVN does not give a port bound to a table the main table's default route (ADR 12)
    assert.equal(answeredBy('client-b', NEAR), '', 'rt-b (table rtb) has no default route yet');
    await setRoutes({
      staticRoutes: [route('0.0.0.0/0', R1), route('0.0.0.0/0', R2, { routeTable: 'rtb' })],
    });
    await expectAnswer('client-b', NEAR, 'rt/r2');
    assert.equal(answeredBy('client-a', NEAR), 'rt/r1');
    const trace = kovn('trace', 'rt/client-b', NEAR, '--tcp', '80');
    assert.equal(trace.code, 0, trace.out);
    assert.match(
      trace.out,
      /route: +dst-ip 0\.0\.0\.0\/0 via 10\.20\.3\.12 \(table rtb\) <- spec\.staticRoutes\[1\]/,
    );
    assert.match(trace.out, /verdict: +delivered to r2\.rt/);
  });

  it('a drop policy cuts exactly the matched flow', async () => {
    const drop = { priority: 1000, match: `ip4.dst == ${FAR} && tcp.dst == 80`, action: 'drop' };
    await setRoutes({ staticRoutes: [route('0.0.0.0/0', R1)], policyRoutes: [drop] });
    await expectAnswer('client-a', FAR, '');
    assert.equal(answeredBy('client-a', NEAR), 'rt/r1', 'other destinations still pass');
    assert.ok(ping('client-a', FAR), 'ICMP to the same address still passes');
    const trace = kovn('trace', 'rt/client-a', FAR, '--tcp', '80');
    assert.match(trace.out, /policy: +priority 1000 drop: .* <- spec\.policyRoutes\[0\]/);
    assert.match(trace.out, /verdict: +dropped in lr_in_policy/);
  });

  it('a reroute policy sends traffic through another hop', async () => {
    const reroute = {
      priority: 31500,
      match: 'inport == "rt-vpc-rt-a" && ip4.dst == 10.20.2.0/24',
      action: 'reroute',
      nextHopIP: R2,
    };
    assert.ok(ping('client-a', '10.20.2.10'), 'direct before the policy');
    const before = [forwarded('r1'), forwarded('r2')];
    assert.ok(ping('client-a', '10.20.2.10'), 'still direct');
    assert.equal(forwarded('r2'), before[1], 'no hop in the way yet');
    await setRoutes({ policyRoutes: [reroute] });
    await eventually('the trace shows the reroute', () =>
      /reroute via 10\.20\.3\.12/.test(kovn('trace', 'rt/client-a', '10.20.2.10').out),
    );
    const start = forwarded('r2');
    assert.ok(ping('client-a', '10.20.2.10', 5), 'client-b answers through r2');
    assert.ok(forwarded('r2') - start >= 5, `r2 forwarded ${forwarded('r2') - start} packets`);
    assert.equal(forwarded('r1'), before[0], 'r1 forwarded nothing');
    assert.equal(answeredBy('client-a', '10.20.2.10'), 'rt/client-b', 'TCP through the hop');
    const trace = kovn('trace', 'rt/client-a', '10.20.2.10');
    assert.match(
      trace.out,
      /policy: +priority 31500 reroute via 10\.20\.3\.12: .* <- spec\.policyRoutes\[0\]/,
    );
    // two next hops: connections (each its own source port) spread over both hops
    await setRoutes({ policyRoutes: [{ ...reroute, nextHopIP: `${R1},${R2}` }] });
    await eventually('both hops in the policy', () =>
      /10\.20\.3\.11, ?10\.20\.3\.12/.test(nbctl('lr-policy-list', 'rt-vpc').stdout),
    );
    const counts = [forwarded('r1'), forwarded('r2')];
    for (let i = 0; i < 16; i++) assert.equal(answeredBy('client-a', '10.20.2.10'), 'rt/client-b');
    assert.ok(
      forwarded('r1') > counts[0]! && forwarded('r2') > counts[1]!,
      `both hops forwarded: r1 +${forwarded('r1') - counts[0]!}, r2 +${forwarded('r2') - counts[1]!}`,
    );
  });

  it('ECMP across two next hops', async () => {
    await setRoutes({ staticRoutes: [route(NEAR, R1), route(`${NEAR}/32`, R2)] });
    await eventually(
      'both hops in NB',
      () => nbctl('lr-route-list', 'rt-vpc').stdout.match(/ecmp/g)?.length === 2,
    );
    const seen = new Map<string, number>();
    for (let i = 0; i < 24; i++) {
      const who = answeredBy('client-a', NEAR);
      seen.set(who, (seen.get(who) ?? 0) + 1);
    }
    assert.deepEqual([...seen.keys()].sort(), ['rt/r1', 'rt/r2'], JSON.stringify([...seen]));
  });

  it('updates touch only what changed; routes and policies we do not own stay', async () => {
    const spec = {
      staticRoutes: [
        route('0.0.0.0/0', R1),
        route('198.51.100.0/28', R2),
        route('10.20.1.10', R2, { policy: 'policySrc' }),
      ],
      policyRoutes: [{ priority: 1000, match: `ip4.dst == ${FAR} && tcp.dst == 80`, action: 'drop' }],
    };
    await setRoutes(spec);
    assert.equal(nbctl('lr-route-add', 'rt-vpc', '203.0.113.0/24', R1).status, 0);
    assert.equal(nbctl('lr-policy-add', 'rt-vpc', '2000', 'ip4.dst == 203.0.113.9', 'drop').status, 0);
    // rt-vpc's routes (ovn-cluster has its own default route: ADR 27)
    const uuids = () => {
      const mine = new Set(
        nbctl('--bare', '--columns=static_routes', 'find', 'Logical_Router', 'name=rt-vpc')
          .stdout.trim()
          .split(/\s+/),
      );
      return new Map(
        nbctl(
          '--format=csv',
          '--data=bare',
          '--no-headings',
          '--columns=_uuid,ip_prefix,nexthop',
          'list',
          'Logical_Router_Static_Route',
        )
          .stdout.trim()
          .split('\n')
          .map((l) => l.split(','))
          .filter(([u]) => mine.has(u!))
          .map(([u, p, h]) => [`${p}>${h}`, u!]),
      );
    };
    const first = await eventually('three spec routes and the foreign one', () =>
      uuids().size === 4 ? uuids() : undefined,
    );
    // reorder, change one next hop
    await setRoutes({
      ...spec,
      staticRoutes: [spec.staticRoutes[2]!, route('0.0.0.0/0', R2), spec.staticRoutes[1]!],
    });
    const second = await eventually('the changed route', () =>
      uuids().has(`0.0.0.0/0>${R2}`) && uuids().size === 4 ? uuids() : undefined,
    );
    assert.equal(
      second.get(`198.51.100.0/28>${R2}`),
      first.get(`198.51.100.0/28>${R2}`),
      'unchanged route kept its row',
    );
    assert.equal(
      second.get(`10.20.1.10/32>${R2}`),
      first.get(`10.20.1.10/32>${R2}`),
      'reordered route kept its row',
    );
    assert.equal(
      second.get(`203.0.113.0/24>${R1}`),
      first.get(`203.0.113.0/24>${R1}`),
      'foreign route untouched',
    );
    await setRoutes({});
    await eventually('spec routes gone', () => uuids().size === 1);
    assert.ok(uuids().has(`203.0.113.0/24>${R1}`), 'the foreign route stays');
    assert.match(nbctl('lr-policy-list', 'rt-vpc').stdout, /2000 +ip4\.dst == 203\.0\.113\.9 +drop/);
    assert.doesNotMatch(nbctl('lr-policy-list', 'rt-vpc').stdout, /^ +1000 /m, 'our policy is gone');
  });

  it('port security: only next hops may forward, the annotation wins, kovn trace says why a packet was dropped', async () => {
    await setRoutes({ staticRoutes: [route('0.0.0.0/0', R1)] });
    await eventually('r1, a next hop, has only its MAC checked', () =>
      /^[0-9a-f:]{17}$/.test(portSecurity('r1')),
    );
    await eventually('r2, no next hop now, has all of it back', () => portSecurity('r2').endsWith(` ${R2}`));
    assert.match(portSecurity('client-a'), / 10\.20\.1\.10$/, 'a client keeps anti-spoofing');
    // The next hop sends from, and receives for, an address not its own...
    assert.ok(inPod('r1', 'ping', '-c', '2', '-i', '0.2', '-W', '1', '-I', NEAR, '10.20.1.10').status === 0);
    // ...a client that is no next hop may not: its spoofed echo requests never reach r1.
    assert.equal(inPod('client-a', 'ip', 'addr', 'add', '10.20.1.99/32', 'dev', 'lo').status, 0);
    const echos = snmpCounter('r1', 'Icmp', 'InEchos');
    assert.notEqual(
      inPod('client-a', 'ping', '-c', '3', '-i', '0.2', '-W', '1', '-I', '10.20.1.99', R1).status,
      0,
    );
    assert.equal(snmpCounter('r1', 'Icmp', 'InEchos'), echos, 'no spoofed echo reached r1');
    assert.ok(ping('client-a', R1, 1), 'the same client from its own address does reach r1');
    assert.equal(snmpCounter('r1', 'Icmp', 'InEchos'), echos + 1);

    // The annotation wins over kovn's choice, both ways.
    await annotatePortSecurity('r1', 'true');
    await eventually('r1 asked for port security', () => portSecurity('r1').endsWith(` ${R1}`));
    await expectAnswer('client-a', NEAR, '');
    const asked = kovn('trace', 'rt/client-a', NEAR, '--tcp', '80');
    assert.match(asked.out, /verdict: +dropped in ls_out_\w*port_sec/);
    assert.match(
      asked.out,
      /why: +port security of pod rt\/r1 \(switch port r1\.rt\) allows only .* 10\.20\.3\.11; it may not receive for 198\.51\.100\.9/,
    );
    assert.match(asked.out, /the pod asks for it: ovn\.kubernetes\.io\/port_security: "true"/);
    await annotatePortSecurity('r1', null);
    await expectAnswer('client-a', NEAR, 'rt/r1');

    // A route kovn does not own may point at a pod that is no next hop of the spec: dropped, and explained.
    assert.equal(nbctl('lr-route-add', 'rt-vpc', '198.51.100.0/24', R2).status, 0);
    try {
      await expectAnswer('client-a', NEAR, '');
      const trace = kovn('trace', 'rt/client-a', NEAR, '--tcp', '80');
      assert.match(trace.out, /why: +port security of pod rt\/r2 .* it may not receive for 198\.51\.100\.9/);
      assert.match(trace.out, /kovn keeps anti-spoofing on: 10\.20\.3\.12 is no next hop of VPC rt-vpc/);
      assert.match(trace.out, /fix: +route through it .*ovn\.kubernetes\.io\/port_security=false$/m);
    } finally {
      nbctl('lr-route-del', 'rt-vpc', '198.51.100.0/24');
    }
    await setRoutes({});
    await eventually('r1 has all of it back once no route names it', () =>
      portSecurity('r1').endsWith(` ${R1}`),
    );
  });
});
