// Table-driven tests of the pure Service/SwitchLBRule logic: which load balancers a Service wants (VIPs, backends per
// VPC of the pods behind them, named ports), the rows they become, what a SwitchLBRule renders, and when the applier
// must write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SwitchLbRule } from '../../../../src/api/kinds/switch-lb-rule.ts';
import type { ClusterView, KubeObject } from '../../../../src/api/types.ts';
import { desiredServiceLbs } from '../../../../src/controller/nb/load-balancer.ts';
import { contains, mergedForUpdate, needsWrite } from '../../../../src/kube/applier.ts';
import {
  desiredServiceInputs,
  serviceVips,
  switchesOfVpc,
} from '../../../../src/controller/services/backends.ts';
import {
  parseSelector,
  slrEndpoints,
  slrService,
  slrStatus,
} from '../../../../src/controller/services/slr-render.ts';

function view(objects: KubeObject[]): ClusterView {
  const key = (kind: string, name: string, ns?: string) => `${kind}/${ns ?? ''}/${name}`;
  const map = new Map(objects.map((o) => [key(o.kind, o.metadata.name ?? '', o.metadata.namespace), o]));
  return {
    get: (kind, name, ns) => map.get(key(kind, name, ns)),
    list: (kind, ns) =>
      objects.filter((o) => o.kind === kind && (ns === undefined || o.metadata.namespace === ns)),
  };
}
const subnet = (name: string, vpc?: string): KubeObject => ({
  apiVersion: 'kubeovn.io/v1',
  kind: 'Subnet',
  metadata: { name },
  spec: { cidrBlock: '10.0.1.0/24', ...(vpc ? { vpc } : {}) },
});
const pod = (ns: string, name: string, ls: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, annotations: { 'ovn.kubernetes.io/logical_switch': ls } },
});
const svc = (spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'ns1', ...(annotations ? { annotations } : {}) },
  spec,
});
const ep = (subsets: unknown[]): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: { name: 'web', namespace: 'ns1' },
  subsets,
});
const addr = (ip: string, podName?: string, ns = 'ns1') => ({
  ip,
  ...(podName ? { targetRef: { kind: 'Pod', name: podName, namespace: ns } } : {}),
});

const cluster = view([
  subnet('net1', 'vpc-a'),
  subnet('net2', 'vpc-a'),
  subnet('other', 'vpc-b'),
  subnet('ovn-default'),
  pod('ns1', 'a1', 'net1'),
  pod('ns1', 'a2', 'net2'),
  pod('ns1', 'b1', 'other'),
  pod('ns1', 'd1', 'ovn-default'),
]);

void test('serviceVips: the SwitchLBRule annotation, else the cluster IPs; none for headless or ExternalName', () => {
  const cases: [KubeObject, string[]][] = [
    [svc({ clusterIP: '10.96.0.10' }), ['10.96.0.10']],
    [svc({ clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10', 'fd00::a'] }), ['10.96.0.10', 'fd00::a']],
    [svc({ clusterIP: 'None' }), []],
    [svc({ clusterIP: 'None' }, { 'ovn.kubernetes.io/switch_lb_vip': '10.96.0.3' }), ['10.96.0.3']],
    [svc({ type: 'ExternalName', clusterIP: '' }), []],
  ];
  for (const [s, want] of cases) assert.deepEqual(serviceVips(s), want);
});

void test('backends are grouped by the VPC of the pod behind each address; named ports map to endpoint ports', () => {
  const s = svc({
    clusterIP: '10.96.0.10',
    ports: [
      { name: 'http', port: 80, protocol: 'TCP' },
      { name: 'dns', port: 53, protocol: 'UDP' },
    ],
  });
  const e = ep([
    {
      addresses: [addr('10.0.1.5', 'a1'), addr('10.0.2.5', 'a2'), addr('10.0.1.5', 'b1'), addr('10.0.9.9')],
      ports: [
        { name: 'http', port: 8080, protocol: 'TCP' },
        { name: 'dns', port: 5353, protocol: 'UDP' },
      ],
    },
  ]);
  const inputs = desiredServiceInputs(s, e, cluster, 'ovn-cluster');
  assert.deepEqual(
    inputs.map((i) => i.vpc),
    ['vpc-a', 'vpc-b'],
    'an address with no pod and no ovn.kubernetes.io/vpc is nowhere',
  );
  const rows = desiredServiceLbs(inputs);
  assert.deepEqual(
    rows.map((r) => [r.columns['name'], r.columns['protocol'], r.columns['vips']]),
    [
      ['kovn-svc_ns1/web_vpc-a_tcp', 'tcp', { '10.96.0.10:80': '10.0.1.5:8080,10.0.2.5:8080' }],
      ['kovn-svc_ns1/web_vpc-a_udp', 'udp', { '10.96.0.10:53': '10.0.1.5:5353,10.0.2.5:5353' }],
      ['kovn-svc_ns1/web_vpc-b_tcp', 'tcp', { '10.96.0.10:80': '10.0.1.5:8080' }],
      ['kovn-svc_ns1/web_vpc-b_udp', 'udp', { '10.96.0.10:53': '10.0.1.5:5353' }],
    ],
  );
  assert.deepEqual(rows[0]!.columns['external_ids'], {
    'kovn-vpc': 'vpc-a',
    'kovn-service': 'ns1/web',
    vendor: 'kube-ovn',
    'kovn-owner': 'service/ns1/web',
  });
});

void test('no endpoints, a deleting Service or no VIP: no load balancer', () => {
  const s = svc({ clusterIP: '10.96.0.10', ports: [{ port: 80 }] });
  const e = ep([{ addresses: [addr('10.0.1.5', 'a1')], ports: [{ port: 80 }] }]);
  assert.equal(desiredServiceInputs(s, undefined, cluster, 'ovn-cluster').length, 0);
  assert.equal(
    desiredServiceInputs(svc({ clusterIP: 'None', ports: [{ port: 80 }] }), e, cluster, 'ovn-cluster').length,
    0,
  );
  const deleting = { ...s, metadata: { ...s.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } };
  assert.equal(desiredServiceInputs(deleting, e, cluster, 'ovn-cluster').length, 0);
  assert.equal(desiredServiceInputs(s, ep([]), cluster, 'ovn-cluster').length, 0);
});

void test('a default-VPC pod counts in the cluster router; explicit endpoints in the VPC the Service names', () => {
  const s = svc(
    { clusterIP: 'None', ports: [{ port: 53, protocol: 'UDP' }] },
    {
      'ovn.kubernetes.io/switch_lb_vip': '10.96.0.3',
      'ovn.kubernetes.io/vpc': 'vpc-b',
    },
  );
  const e = ep([
    { addresses: [addr('10.16.0.5', 'd1'), addr('10.0.1.9')], ports: [{ port: 53, protocol: 'UDP' }] },
  ]);
  const inputs = desiredServiceInputs(s, e, cluster, 'ovn-cluster');
  assert.deepEqual(
    inputs.map((i) => [
      i.vpc,
      i.ports.map((p) => `${p.vip}:${p.port}/${p.protocol} ${p.backends.join(',')}`),
    ]),
    [
      ['ovn-cluster', ['10.96.0.3:53/udp 10.16.0.5:53']],
      ['vpc-b', ['10.96.0.3:53/udp 10.0.1.9:53']],
    ],
  );
});

void test('ClientIP affinity becomes affinity_timeout; IPv6 VIPs and backends are bracketed', () => {
  const s = svc({
    clusterIPs: ['fd00::a'],
    clusterIP: 'fd00::a',
    sessionAffinity: 'ClientIP',
    ports: [{ port: 80 }],
  });
  const e = ep([{ addresses: [addr('fd00:1::5', 'a1'), addr('10.0.1.5', 'a2')], ports: [{ port: 8080 }] }]);
  const rows = desiredServiceLbs(desiredServiceInputs(s, e, cluster, 'ovn-cluster'));
  assert.deepEqual(
    rows.map((r) => [r.columns['vips'], r.columns['options']]),
    [[{ '[fd00::a]:80': '[fd00:1::5]:8080' }, { affinity_timeout: '10800' }]],
  );
});

void test('switchesOfVpc: the subnets of the VPC, the default VPC for subnets naming none', () => {
  assert.deepEqual(switchesOfVpc(cluster, 'vpc-a', 'ovn-cluster'), ['net1', 'net2']);
  assert.deepEqual(switchesOfVpc(cluster, 'ovn-cluster', 'ovn-cluster'), ['ovn-default']);
});

const rule = (
  spec: NonNullable<SwitchLbRule['spec']>,
  annotations?: Record<string, string>,
): SwitchLbRule => ({
  apiVersion: 'kubeovn.io/v1',
  kind: 'SwitchLBRule',
  metadata: { name: 'dns', uid: 'u1', ...(annotations ? { annotations } : {}) },
  spec,
});

void test('a SwitchLBRule renders a headless Service slr-<name> with the VIP annotation, and its status', () => {
  const slr = rule({
    vip: '10.96.0.3',
    namespace: 'kube-system',
    selector: ['k8s-app:vpc-dns-x', 'tier: dns'],
    ports: [
      { name: 'dns', port: 53, targetPort: 5353, protocol: 'UDP' },
      { name: 'metrics', port: 9153 },
    ],
  });
  const s = slrService(slr);
  assert.equal(s.metadata.name, 'slr-dns');
  assert.equal(s.metadata.namespace, 'kube-system');
  assert.deepEqual(s.metadata.annotations, { 'ovn.kubernetes.io/switch_lb_vip': '10.96.0.3' });
  assert.deepEqual(s.metadata.ownerReferences?.[0]?.kind, 'SwitchLBRule');
  assert.deepEqual(s['spec'], {
    clusterIP: 'None',
    type: 'ClusterIP',
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    selector: { 'k8s-app': 'vpc-dns-x', tier: 'dns' },
    ports: [
      { name: 'dns', port: 53, targetPort: 5353, protocol: 'UDP' },
      { name: 'metrics', port: 9153, targetPort: 9153, protocol: 'TCP' },
    ],
    sessionAffinity: 'None',
  });
  assert.equal(slrEndpoints(slr), undefined, 'the endpoints controller writes those of a selector rule');
  assert.deepEqual(slrStatus(slr), { ports: '53/UDP,9153/TCP', service: 'kube-system/slr-dns' });
  assert.deepEqual(parseSelector(['a:b:c', 'bad', ' k : v ']), { a: 'b:c', k: 'v' });
});

void test('a SwitchLBRule with explicit endpoints also renders their Endpoints, in namespace default', () => {
  const slr = rule(
    {
      vip: '1.1.1.1',
      endpoints: ['10.0.1.5', '10.0.1.6'],
      ports: [{ name: 'web', port: 80, targetPort: 8080 }],
    },
    {
      'ovn.kubernetes.io/vpc': 'vpc-a',
    },
  );
  const e = slrEndpoints(slr)!;
  assert.equal(e.metadata.namespace, 'default');
  assert.equal(e.metadata.annotations?.['ovn.kubernetes.io/vpc'], 'vpc-a');
  assert.deepEqual(e['subsets'], [
    {
      addresses: [{ ip: '10.0.1.5' }, { ip: '10.0.1.6' }],
      ports: [{ name: 'web', port: 8080, protocol: 'TCP' }],
    },
  ]);
  assert.equal((slrService(slr)['spec'] as { selector?: unknown }).selector, undefined);
});

void test('the applier writes only when a field it sets differs, and keeps what it does not set', () => {
  const current: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 's', namespace: 'n', labels: { other: 'x', a: '1' }, resourceVersion: '7' },
    spec: { clusterIP: 'None', clusterIPs: ['None'], ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] },
  };
  const same: KubeObject = {
    ...current,
    metadata: { name: 's', namespace: 'n', labels: { a: '1' } },
    spec: { clusterIP: 'None', ports: [{ port: 80 }] },
  };
  assert.equal(needsWrite(same, current), false);
  const changed: KubeObject = { ...same, spec: { clusterIP: 'None', ports: [{ port: 81 }] } };
  assert.equal(needsWrite(changed, current), true);
  assert.equal(needsWrite({ ...same, metadata: { ...same.metadata, labels: { a: '2' } } }, current), true);
  const merged = mergedForUpdate(current, changed);
  assert.deepEqual(merged.metadata.labels, { other: 'x', a: '1' });
  assert.equal(merged.metadata.resourceVersion, '7');
  assert.deepEqual(merged['spec'], { clusterIP: 'None', clusterIPs: ['None'], ports: [{ port: 81 }] });
  assert.equal(contains([1, 2], [1]), false, 'arrays compare whole');
  assert.equal(contains({ a: { b: 1, c: 2 } }, { a: { b: 1 } }), true);
});
