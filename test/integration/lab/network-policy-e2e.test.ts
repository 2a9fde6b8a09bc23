// Kubernetes NetworkPolicy in the lab with real traffic (issue 16 point 5), in a custom VPC (np-vpc, subnet np-s
// 10.50.1.0/24, namespace np) and in the default VPC (subnet np-ds 10.60.1.0/24 of ovn-cluster, namespace np-def):
// in each, api (app=api, ports 80 and 8080, HTTP readiness on 80), web (app=web) and other (app=other). A policy
// allowing only app=web to app=api:80 holds (web reaches api:80, other does not, web does not reach api:8080), kovn
// trace shows the drop in the ACL stage and names the policy, and deleting it reopens everything. An egress policy
// on web (only to api's named port `http`) holds the same way. A default-deny ingress policy keeps
// the kubelet's readiness probes passing (custom VPC through TProxy, default VPC from the node's join address): a pod
// created under it becomes Ready while web cannot reach it. HTTP is answered by the lab responder, which names the
// pod. The lab (temp KOVN_HOME, random id) is removed at the end.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../../src/api/types.ts';
import type { LabLayout } from '../../../src/lab/layout.ts';
import {
  inPodNetns,
  kubeApi,
  labDown,
  labHome,
  labUp,
  listObjects,
  poller,
  runKovn,
  skipUnlessRoot as skip,
  sleep,
  webPodAt,
} from '../../support/lab-e2e.ts';

/** The two places the same scenario runs: a custom VPC and the default one. */
const SITES = [
  { ns: 'np', subnet: 'np-s', prefix: '10.50.1' },
  { ns: 'np-def', subnet: 'np-ds', prefix: '10.60.1' },
] as const;
type Site = (typeof SITES)[number];

let home: string;
let layout: LabLayout;
let kc: KubeConfig;
/** When the first policy was applied: no probe of a pod that was Ready then may fail after it. */
let policiesSince = '';
const eventually = poller({ ms: 60_000, every: 300 });
const { create, get, del } = kubeApi(() => kc);
const ipOf = (site: Site, pod: 'api' | 'web' | 'other' | 'late') =>
  `${site.prefix}.${{ api: 10, web: 20, other: 30, late: 40 }[pod]}`;

/** The pod that answered HTTP on ip:port from `from`, or '' if nobody did. */
const answeredBy = (site: Site, from: string, ip: string, port: number): string =>
  /X-Kovn-Pod: (\S+)/.exec(
    inPodNetns(
      layout,
      site.ns,
      from,
      ['sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${ip} ${port}`],
      20_000,
    ).stdout,
  )?.[1] ?? '';
const expectReach = (site: Site, from: string, to: 'api' | 'late', port: number, open: boolean) =>
  eventually(`${site.ns}: ${from} -> ${to}:${port} ${open ? 'answered' : 'not answered'}`, () => {
    const who = answeredBy(site, from, ipOf(site, to), port);
    return open ? who === `${site.ns}/${to}` : who === '';
  });

const labelledPod = (site: Site, name: 'api' | 'web' | 'other' | 'late', app: string): KubeObject => {
  const pod = webPodAt({
    name,
    namespace: site.ns,
    subnet: site.subnet,
    ip: ipOf(site, name),
    readiness: true,
  });
  const spec = pod['spec'] as { containers: { ports: { containerPort: number; name?: string }[] }[] };
  spec.containers[0]!.ports = [{ containerPort: 80, name: 'http' }, { containerPort: 8080 }];
  return { ...pod, metadata: { ...pod.metadata, labels: { app } } };
};
const policy = (site: Site, name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: site.ns },
  spec,
});
const ALLOW_WEB = {
  podSelector: { matchLabels: { app: 'api' } },
  ingress: [
    { from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ protocol: 'TCP', port: 80 }] },
  ],
};
const isReady = async (ns: string, name: string): Promise<boolean> => {
  const status = (await get('Pod', name, ns))?.['status'] as
    { conditions?: { type: string; status: string }[] } | undefined;
  return status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
};

void describe('NetworkPolicy in the lab, with real traffic', { skip, timeout: 900_000 }, () => {
  before(async () => {
    ({ home, layout } = labHome('kovn-netpol-', 'n'));
    kc = labUp(home, layout);
    for (const site of SITES)
      await create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: site.ns } });
    await create({
      apiVersion: 'kubeovn.io/v1',
      kind: 'Vpc',
      metadata: { name: 'np-vpc' },
      spec: { namespaces: ['np'] },
    });
    const subnet = (name: string, vpc: string, cidrBlock: string, namespace: string): KubeObject => ({
      apiVersion: 'kubeovn.io/v1',
      kind: 'Subnet',
      metadata: { name },
      spec: { vpc, cidrBlock, protocol: 'IPv4', namespaces: [namespace] },
    });
    await create(subnet('np-s', 'np-vpc', '10.50.1.0/24', 'np'));
    await create(subnet('np-ds', 'ovn-cluster', '10.60.1.0/24', 'np-def'));
    for (const site of SITES) {
      await create(labelledPod(site, 'api', 'api'));
      await create(labelledPod(site, 'web', 'web'));
      await create(labelledPod(site, 'other', 'other'));
    }
    for (const site of SITES) {
      for (const p of ['api', 'web', 'other']) {
        await eventually(`${site.ns}/${p} Ready`, () => isReady(site.ns, p), 120_000);
      }
    }
  });
  after(() => labDown(home, layout));

  it('without a policy every pod reaches api on both ports', async () => {
    for (const site of SITES) {
      await expectReach(site, 'web', 'api', 80, true);
      await expectReach(site, 'other', 'api', 80, true);
      await expectReach(site, 'other', 'api', 8080, true);
    }
  });

  it('allowing only app=web to app=api:80 holds, in a custom VPC and in the default VPC', async () => {
    policiesSince = new Date().toISOString();
    for (const site of SITES) await create(policy(site, 'allow-web', ALLOW_WEB));
    for (const site of SITES) {
      await expectReach(site, 'other', 'api', 80, false);
      await expectReach(site, 'web', 'api', 80, true);
      await expectReach(site, 'web', 'api', 8080, false);
      await expectReach(site, 'other', 'api', 8080, false);
    }
  });

  it('kovn trace shows the drop in the ACL stage', () => {
    for (const site of SITES) {
      const trace = runKovn(home, ['trace', `${site.ns}/other`, ipOf(site, 'api'), '--tcp', '80']);
      assert.equal(trace.code, 0, trace.out);
      assert.match(trace.out, /verdict: +dropped in ls_out_acl/);
      assert.match(trace.out, /priority 2000 "outport == @allow\.web\.np(\.def)? && ip"/);
      assert.match(trace.out, new RegExp(`<- NetworkPolicy ${site.ns}/allow-web: it selects the pod`));
      assert.match(trace.out, /fix: +add an ingress rule allowing it/);
      const allowed = runKovn(home, ['trace', `${site.ns}/web`, ipOf(site, 'api'), '--tcp', '80']);
      assert.doesNotMatch(allowed.out, /verdict: +dropped/);
    }
  });

  it('the api pods stay Ready under the policy (probes come from the node)', async () => {
    await sleep(8_000); // four probe periods: a probe stopped by the ACLs would have made them unready by now
    for (const site of SITES) assert.ok(await isReady(site.ns, 'api'), `${site.ns}/api still Ready`);
  });

  it('deleting the policy reopens', async () => {
    for (const site of SITES) await del('NetworkPolicy', 'allow-web', site.ns);
    for (const site of SITES) {
      await expectReach(site, 'other', 'api', 80, true);
      await expectReach(site, 'web', 'api', 8080, true);
    }
  });

  it('an egress policy lets web reach only api:80, leaves other alone, and its deletion reopens', async () => {
    const egress = {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ podSelector: { matchLabels: { app: 'api' } } }],
          ports: [{ protocol: 'TCP', port: 'http' }],
        },
      ],
    };
    for (const site of SITES) await create(policy(site, 'web-egress', egress));
    for (const site of SITES) {
      await expectReach(site, 'web', 'api', 8080, false);
      await expectReach(site, 'web', 'api', 80, true);
      await expectReach(site, 'other', 'api', 8080, true);
    }
    await sleep(8_000);
    for (const site of SITES) assert.ok(await isReady(site.ns, 'web'), `${site.ns}/web still Ready`);
    for (const site of SITES) await del('NetworkPolicy', 'web-egress', site.ns);
    for (const site of SITES) await expectReach(site, 'web', 'api', 8080, true);
  });

  it('under a default-deny ingress policy readiness probes pass and pods are not reached', async () => {
    for (const site of SITES)
      await create(policy(site, 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] }));
    for (const site of SITES) await expectReach(site, 'web', 'api', 80, false);
    for (const site of SITES) await create(labelledPod(site, 'late', 'late'));
    for (const site of SITES) {
      await eventually(`${site.ns}/late Ready under default deny`, () => isReady(site.ns, 'late'), 120_000);
      await expectReach(site, 'web', 'late', 80, false);
    }
    await sleep(8_000);
    for (const site of SITES) {
      assert.ok(await isReady(site.ns, 'api'), `${site.ns}/api still Ready`);
      // the pods Ready before any policy: none of their probes failed since (late's first probes may race its start)
      const unhealthy = (await listObjects(kc, 'Event', site.ns)).filter(
        (e) =>
          e['reason'] === 'Unhealthy' &&
          (e['involvedObject'] as { name?: string }).name !== 'late' &&
          String(e['lastTimestamp']) >= policiesSince,
      );
      assert.deepEqual(unhealthy, [], `no failed probe in ${site.ns} since the first policy`);
    }
  });
});
