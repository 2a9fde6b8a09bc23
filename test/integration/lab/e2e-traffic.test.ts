// End to end in one lab, with real traffic (ping and TCP/HTTP between pod network namespaces): the seed scenario's
// reachability; several subnets in one VPC and pods on both nodes; a static IP by annotation; `kubectl get ips`
// listing each pod NIC and dropping it with its pod; delete and re-create leaving nothing stale; a namespace the VPC
// does not list refused with a reason; spoofed source IP or MAC dropped. The lab (temp KOVN_HOME, random id) is
// removed at the end.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../../src/api/types.ts';
import { kubeRequest } from '../../../src/kube/request.ts';
import { kindCollectionPath } from '../../../src/kube/resources.ts';
import type { LabLayout } from '../../../src/lab/layout.ts';
import { probeReachability, runningEndpoints } from '../../../src/lab/reach-run.ts';
import { summarize } from '../../../src/lab/reachability.ts';
import {
  ROOT,
  inPodNetns,
  kubeApi,
  kubectlRun,
  labDown,
  labHome,
  labUp,
  nbctlRun,
  netnsList,
  poller,
  runKovn,
  runningPodIp,
  skipUnlessRoot as skip,
} from '../../support/lab-e2e.ts';

let home: string;
let layout: LabLayout;
let kc: KubeConfig;

const kovn = (...args: string[]) => runKovn(home, args);
const inPod = (ns: string, pod: string, ...cmd: string[]) => inPodNetns(layout, ns, pod, cmd, 20_000);
const ping = (ns: string, pod: string, ip: string, ...extra: string[]) =>
  inPod(ns, pod, 'ping', '-c', '2', '-i', '0.2', '-W', '1', ...extra, ip).status === 0;
const eventually = poller({ ms: 60_000, every: 250 });
const { get, create, del } = kubeApi(() => kc);
const podIp = (ns: string, name: string): Promise<string> => runningPodIp(kc, eventually, ns, name);
const pod = (
  ns: string,
  name: string,
  extra: { annotations?: Record<string, string>; nodeName?: string } = {},
) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, ...(extra.annotations ? { annotations: extra.annotations } : {}) },
  spec: {
    ...(extra.nodeName ? { nodeName: extra.nodeName } : {}),
    containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }],
  },
});

void describe('the lab end to end, with real traffic', { skip, timeout: 900_000 }, () => {
  before(() => {
    ({ home, layout } = labHome('kovn-e2e-', 'e'));
    kc = labUp(home, layout);
  });
  after(() => labDown(home, layout));

  it('seed scenario: same VPC reaches, other VPC does not, though both use 10.0.1.0/24', async () => {
    const applied = kovn('apply', '-f', join(ROOT, 'examples/seed'), '-f', join(ROOT, 'examples/lab'));
    assert.equal(applied.code, 0, applied.out);
    const pods = await eventually('5 pods running', async () => {
      const e = await runningEndpoints(kc, ['ns1', 'ns2']);
      return e.length === 5 ? e : undefined;
    });
    assert.deepEqual([...new Set(pods.map((p) => p.vpc))].sort(), ['test-vpc-1', 'test-vpc-2']);
    const results = await probeReachability(layout, pods);
    const summary = summarize(results);
    assert.equal(
      summary.failed,
      0,
      JSON.stringify(
        results.filter((r) => r.reached !== (r.expect === 'reachable') && r.expect !== 'ambiguous'),
      ),
    );
    assert.ok(summary.ok >= 20, `decided probes: ${summary.ok}`);
    // A request to another VPC's pod never reaches it: whoever answers (if anyone) is the pod of the prober's own VPC
    // that holds the same address, and only when that pod has a responder.
    const crossHttp = results.filter((r) => r.method === 'http' && !r.sameVpc);
    assert.ok(crossHttp.length >= 4, `cross-VPC HTTP probes: ${crossHttp.length}`);
    for (const r of crossHttp) {
      const local = pods.find((p) => p.vpc === r.from.vpc && p.ip === r.address);
      const want = local?.port === undefined ? undefined : `${local.namespace}/${local.name}`;
      assert.equal(r.answeredBy, want, `${r.from.namespace}/${r.from.name} -> ${r.to} (${r.address})`);
    }
  });

  it('several subnets in one VPC, pods on both nodes: routed inside the VPC', async () => {
    await create({
      apiVersion: 'kubeovn.io/v1',
      kind: 'Subnet',
      metadata: { name: 'net1b' },
      spec: { vpc: 'test-vpc-1', cidrBlock: '10.0.2.0/24', protocol: 'IPv4' },
    });
    const ls = { 'ovn.kubernetes.io/logical_switch': 'net1b' };
    await create(pod('ns1', 'b-cp', { annotations: ls, nodeName: 'kube-ovn-control-plane' }));
    await create(pod('ns1', 'b-worker', { annotations: ls, nodeName: 'kube-ovn-worker' }));
    await create(pod('ns1', 'a-worker', { nodeName: 'kube-ovn-worker' }));
    const bcp = await podIp('ns1', 'b-cp');
    const bw = await podIp('ns1', 'b-worker');
    const aw = await podIp('ns1', 'a-worker');
    assert.match(bcp, /^10\.0\.2\./);
    assert.match(aw, /^10\.0\.1\./);
    assert.ok(ping('ns1', 'b-cp', bw), 'same subnet across nodes (geneve)');
    assert.ok(ping('ns1', 'b-cp', aw), 'other subnet of the VPC across nodes');
    assert.ok(ping('ns1', 'a-worker', bcp), 'and back');
    assert.ok(ping('ns1', 'b-worker', '10.0.2.1'), 'its own gateway');
    const http = inPod(
      'ns1',
      'a-worker',
      'sh',
      '-c',
      `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${bw} 80`,
    );
    assert.match(http.stdout, /X-Kovn-Pod: ns1\/b-worker/, 'TCP across subnets and nodes');
    assert.equal(ping('ns2', 'vpc2-pod', bcp), false, 'test-vpc-2 does not reach test-vpc-1 subnets');
  });

  it('a static IP by annotation', async () => {
    await create(pod('ns1', 'fixed', { annotations: { 'ovn.kubernetes.io/ip_address': '10.0.1.50' } }));
    assert.equal(await podIp('ns1', 'fixed'), '10.0.1.50');
    const addr = inPod('ns1', 'fixed', 'ip', '-4', '-o', 'addr', 'show', 'eth0');
    assert.match(addr.stdout, /inet 10\.0\.1\.50\/24/);
    assert.ok(ping('ns1', 'vpc1-pod', '10.0.1.50'));
  });

  it('kubectl get ips: one row per pod NIC with its address, subnet and node; it goes with the pod', async () => {
    await create(pod('ns1', 'ip-row', { nodeName: 'kube-ovn-worker' }));
    const ip = await podIp('ns1', 'ip-row');
    const mac = (await get('Pod', 'ip-row', 'ns1'))?.metadata.annotations?.['ovn.kubernetes.io/mac_address'];
    const row = new RegExp(
      `^ip-row\\.ns1\\s+${ip.replaceAll('.', '\\.')}\\s+${mac ?? '-'}\\s+kube-ovn-worker\\s+net1\\s*$`,
      'm',
    );
    const table = kubectlRun(layout.kubeconfig, ['get', 'ips']);
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /^NAME\s+V4IP\s+V6IP\s+MAC\s+NODE\s+SUBNET/m);
    assert.match(table.stdout, row, table.stdout);
    assert.match(table.stdout, /^fixed\.ns1\s+10\.0\.1\.50\s/m, 'the static IP pod too');
    await del('Pod', 'ip-row', 'ns1');
    await eventually('its IP object gone', () => {
      const r = kubectlRun(layout.kubeconfig, ['get', 'ip', 'ip-row.ns1']);
      return r.status !== 0 && /NotFound|not found/.test(r.stderr);
    });
  });

  it('delete and re-create: nothing stale, the pod works again', async () => {
    await del('Pod', 'fixed', 'ns1');
    await eventually('pod gone', async () => ((await get('Pod', 'fixed', 'ns1')) ? undefined : true));
    await eventually('netns gone', () =>
      netnsList().includes(layout.podNetns('ns1', 'fixed')) ? undefined : true,
    );
    const lsp = nbctlRun(layout, ['--if-exists', 'get', 'Logical_Switch_Port', 'fixed.ns1', 'name']);
    assert.equal(lsp.stdout.trim(), '', `no switch port left: ${lsp.stderr}`);
    assert.equal(ping('ns1', 'vpc1-pod', '10.0.1.50'), false, 'the old address answers no more');
    await create(pod('ns1', 'fixed', { annotations: { 'ovn.kubernetes.io/ip_address': '10.0.1.50' } }));
    assert.equal(await podIp('ns1', 'fixed'), '10.0.1.50');
    assert.ok(ping('ns1', 'vpc1-pod', '10.0.1.50'));
  });

  it("a namespace the VPC does not list cannot join the VPC's subnet, and says why", async () => {
    await create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'intruder' } });
    await create(pod('intruder', 'sneaky', { annotations: { 'ovn.kubernetes.io/logical_switch': 'net1' } }));
    const event = await eventually('a Warning event', async () => {
      const list = await kubeRequest<{ items: KubeObject[] }>(kc, {
        method: 'GET',
        path: kindCollectionPath('Event', 'intruder'),
      });
      return list.items.find((e) => (e as { reason?: string }).reason === 'NamespaceNotAllowed');
    });
    assert.match(
      (event as { message?: string }).message ?? '',
      /namespace intruder is not in the namespaces of vpc test-vpc-1/,
    );
    const p = await get('Pod', 'sneaky', 'intruder');
    assert.notEqual((p?.['status'] as { phase?: string } | undefined)?.phase, 'Running');
    assert.equal(p?.metadata.annotations?.['ovn.kubernetes.io/ip_address'], undefined);
  });

  it('a spoofed source IP or MAC is dropped', async () => {
    const target = await podIp('ns1', 'vpc1-pod-2');
    assert.ok(ping('ns1', 'vpc1-pod', target), 'the honest packet passes');
    assert.equal(inPod('ns1', 'vpc1-pod', 'ip', 'addr', 'add', '10.0.1.77/24', 'dev', 'eth0').status, 0);
    assert.equal(ping('ns1', 'vpc1-pod', target, '-I', '10.0.1.77'), false, 'spoofed source IP dropped');
    inPod('ns1', 'vpc1-pod', 'ip', 'addr', 'del', '10.0.1.77/24', 'dev', 'eth0');
    const mac = inPod('ns1', 'vpc1-pod', 'cat', '/sys/class/net/eth0/address').stdout.trim();
    assert.equal(
      inPod('ns1', 'vpc1-pod', 'ip', 'link', 'set', 'eth0', 'address', '0a:00:00:00:00:77').status,
      0,
    );
    assert.equal(ping('ns1', 'vpc1-pod', target), false, 'spoofed source MAC dropped');
    inPod('ns1', 'vpc1-pod', 'ip', 'link', 'set', 'eth0', 'address', mac);
    assert.ok(ping('ns1', 'vpc1-pod', target), 'honest again, it passes again');
  });
});
