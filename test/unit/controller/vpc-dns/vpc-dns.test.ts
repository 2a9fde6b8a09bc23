// Table-driven tests of VpcDns's pure parts: the election (one active per VPC, sticky, failover to the oldest), the
// checks that make a VpcDns ineligible or the feature misconfigured (each naming object and field), and the Deployment
// and SwitchLBRule rendered as Kube-OVN's template does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVpcDnsConfig } from '../../../../src/api/kinds/configmaps.ts';
import type { VpcDns } from '../../../../src/api/kinds/vpc-dns.ts';
import type { ClusterView, KubeObject } from '../../../../src/api/types.ts';
import { configProblem, objectProblem } from '../../../../src/controller/vpc-dns/check.ts';
import { electActive, peersOf } from '../../../../src/controller/vpc-dns/election.ts';
import {
  apiServerRoute,
  vpcDnsDeployment,
  vpcDnsSwitchLbRule,
} from '../../../../src/controller/vpc-dns/render.ts';

const dns = (name: string, created: string, vpc: string, extra: Partial<VpcDns> = {}): VpcDns => ({
  apiVersion: 'kubeovn.io/v1',
  kind: 'VpcDns',
  metadata: { name, creationTimestamp: created, uid: `uid-${name}` },
  spec: { vpc, subnet: `${vpc}-net` },
  ...extra,
});
const active = (d: VpcDns, value: boolean): VpcDns => ({ ...d, status: { active: value } });

void test('election: the oldest wins; an active one keeps the role; deleting it hands over to the next oldest', () => {
  const a = dns('a', '2026-01-01T00:00:01Z', 'v1');
  const b = dns('b', '2026-01-01T00:00:00Z', 'v1');
  const c = dns('c', '2026-01-01T00:00:00Z', 'v1');
  const cases: [string, VpcDns[], string | undefined][] = [
    ['oldest first', [a, b], 'b'],
    ['same age: by name', [c, b], 'b'],
    ['an incumbent keeps it', [active(a, true), b], 'a'],
    ['two claim it: the older claimant', [active(a, true), active(b, true)], 'b'],
    ['the active one deleted', [a, active(c, false)], 'c'],
    ['none eligible', [], undefined],
  ];
  for (const [what, list, want] of cases) assert.equal(electActive(list), want, what);
  const deleting = { ...b, metadata: { ...b.metadata, deletionTimestamp: '2026-01-02T00:00:00Z' } };
  assert.deepEqual(
    peersOf([a, deleting, dns('x', '2026-01-01T00:00:00Z', 'v2')], 'v1').map((d) => d.metadata.name),
    ['a'],
  );
});

function view(objects: KubeObject[]): ClusterView {
  return {
    get: (kind, name, ns) =>
      objects.find(
        (o) =>
          o.kind === kind && o.metadata.name === name && (ns === undefined || o.metadata.namespace === ns),
      ),
    list: (kind) => objects.filter((o) => o.kind === kind),
  };
}
const cluster = view([
  { apiVersion: 'kubeovn.io/v1', kind: 'Vpc', metadata: { name: 'v1' } },
  { apiVersion: 'kubeovn.io/v1', kind: 'Subnet', metadata: { name: 'v1-net' }, spec: { vpc: 'v1' } },
  { apiVersion: 'kubeovn.io/v1', kind: 'Subnet', metadata: { name: 'other' }, spec: { vpc: 'v2' } },
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'vpc-dns-corefile', namespace: 'kube-system' },
    data: { Corefile: '.:53 {\n}\n' },
  },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'empty', namespace: 'kube-system' }, data: {} },
  {
    apiVersion: 'k8s.cni.cncf.io/v1',
    kind: 'NetworkAttachmentDefinition',
    metadata: { name: 'ovn-nad', namespace: 'default' },
  },
]);
const cm = (data: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'vpc-dns-config', namespace: 'kube-system' },
  data,
});

void test('checks: VPC, subnet and its VPC, coredns-vip and the NAD, each named with its field', () => {
  assert.equal(objectProblem(dns('a', '', 'v1'), cluster, 'ovn-cluster'), undefined);
  assert.deepEqual(objectProblem(dns('a', '', 'nope'), cluster, 'ovn-cluster'), {
    reason: 'VpcNotFound',
    message: 'VpcDns a spec.vpc: vpc nope not found',
  });
  assert.match(
    objectProblem({ ...dns('a', '', 'v1'), spec: { vpc: 'v1', subnet: 'other' } }, cluster, 'ovn-cluster')
      ?.message ?? '',
    /VpcDns a spec\.subnet: subnet other belongs to vpc v2, not v1/,
  );
  assert.match(
    objectProblem({ ...dns('a', '', 'v1'), spec: { vpc: 'v1', subnet: 'gone' } }, cluster, 'ovn-cluster')
      ?.message ?? '',
    /spec\.subnet: subnet gone not found/,
  );
  const problemOf = (spec: NonNullable<VpcDns['spec']>) =>
    objectProblem({ ...dns('a', '', 'v1'), spec }, cluster, 'ovn-cluster');
  assert.deepEqual(problemOf({ subnet: 'v1-net' }), {
    reason: 'SpecIncomplete',
    message: 'VpcDns a spec.vpc: required',
  });
  assert.deepEqual(problemOf({ vpc: 'v1' }), {
    reason: 'SpecIncomplete',
    message: 'VpcDns a spec.subnet: required',
  });
  assert.deepEqual(problemOf({ vpc: 'v1', subnet: 'v1-net', replicas: -2 }), {
    reason: 'SpecInvalid',
    message: 'VpcDns a spec.replicas: -2 must not be negative',
  });
  assert.equal(problemOf({ vpc: 'v1', subnet: 'v1-net', replicas: 5 }), undefined);
  const withCorefile = (corefile: string): VpcDns => ({
    ...dns('a', '', 'v1'),
    spec: { vpc: 'v1', subnet: 'v1-net', corefile },
  });
  assert.match(
    objectProblem(withCorefile('gone'), cluster, 'ovn-cluster')?.message ?? '',
    /VpcDns a spec\.corefile: ConfigMap kube-system\/gone not found/,
  );
  assert.match(
    objectProblem(withCorefile('empty'), cluster, 'ovn-cluster')?.message ?? '',
    /spec\.corefile: ConfigMap kube-system\/empty has no key Corefile/,
  );
  const cases: [Record<string, string>, RegExp | undefined][] = [
    [{ 'coredns-vip': '10.96.0.3', 'nad-name': 'ovn-nad' }, undefined],
    [{ 'coredns-vip': '10.96.0.3' }, undefined],
    [{}, /data\.coredns-vip: required/],
    [{ 'coredns-vip': '10.96.0' }, /data\.coredns-vip: "10\.96\.0" is not an IP address/],
    [
      { 'coredns-vip': '10.96.0.3', 'nad-name': 'missing' },
      /data\.nad-name: NetworkAttachmentDefinition default\/missing not found/,
    ],
  ];
  for (const [data, want] of cases) {
    const problem = configProblem(parseVpcDnsConfig(cm(data)), cluster);
    if (want) assert.match(problem?.message ?? '', want, JSON.stringify(data));
    else assert.equal(problem, undefined, JSON.stringify(data));
  }
});

void test('render: the CoreDNS Deployment as Kube-OVN renders it, with the NICs and the Corefile', () => {
  const config = parseVpcDnsConfig(
    cm({
      'coredns-vip': '10.96.0.3',
      'nad-name': 'ovn-nad',
      'nad-provider': 'ovn-nad.default.ovn',
      'k8s-service-host': '10.96.0.1',
      'k8s-service-port': '443',
    }),
  );
  const input = {
    dns: {
      ...dns('test-cjh1', '', 'v1'),
      spec: { vpc: 'v1', subnet: 'v1-net', replicas: 3, corefile: 'my-corefile' },
    },
    config,
    namespace: 'kube-system',
    image: 'coredns/coredns:1.11.1',
    apiServerHost: '10.96.0.1',
    defaultGateway: '10.16.0.1',
    defaultSubnet: 'ovn-default',
  };
  const d = vpcDnsDeployment(input) as KubeObject & {
    spec: {
      replicas: number;
      selector: unknown;
      template: { metadata: { labels: unknown; annotations: unknown }; spec: Record<string, unknown> };
    };
  };
  assert.equal(d.metadata.name, 'vpc-dns-test-cjh1');
  assert.equal(d.metadata.namespace, 'kube-system');
  assert.deepEqual(d.metadata.labels, { 'ovn.kubernetes.io/vpc-dns': 'true' });
  assert.deepEqual(d.spec.template.metadata.labels, { 'k8s-app': 'vpc-dns-test-cjh1' });
  assert.equal(d.spec.replicas, 3);
  assert.deepEqual(d.spec.selector, { matchLabels: { 'k8s-app': 'vpc-dns-test-cjh1' } });
  assert.deepEqual(d.spec.template.metadata.annotations, {
    'ovn.kubernetes.io/logical_switch': 'v1-net',
    'k8s.v1.cni.cncf.io/networks': 'default/ovn-nad',
    'ovn-nad.default.ovn.kubernetes.io/logical_switch': 'ovn-default',
    'ovn-nad.default.ovn.kubernetes.io/routes': '[{"dst":"10.96.0.1/32","gw":"10.16.0.1"}]',
  });
  const pod = d.spec.template.spec as {
    containers: {
      name: string;
      image: string;
      args: string[];
      env: unknown;
      ports: unknown;
      volumeMounts: unknown;
    }[];
    volumes: unknown;
    dnsPolicy: string;
    serviceAccountName: string;
  };
  const c = pod.containers[0]!;
  assert.equal(c.name, 'coredns');
  assert.equal(c.image, 'coredns/coredns:1.11.1');
  assert.deepEqual(c.args, ['-conf', '/etc/coredns/Corefile']);
  assert.deepEqual(c.env, [
    { name: 'KUBERNETES_SERVICE_HOST', value: '10.96.0.1' },
    { name: 'KUBERNETES_SERVICE_PORT', value: '443' },
  ]);
  assert.deepEqual(c.ports, [
    { containerPort: 53, name: 'dns', protocol: 'UDP' },
    { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
    { containerPort: 9153, name: 'metrics', protocol: 'TCP' },
  ]);
  assert.deepEqual(pod.volumes, [
    {
      name: 'config-volume',
      configMap: { name: 'my-corefile', items: [{ key: 'Corefile', path: 'Corefile' }] },
    },
  ]);
  assert.equal(pod.dnsPolicy, 'Default');
  assert.equal(pod.serviceAccountName, 'vpc-dns');

  const slr = vpcDnsSwitchLbRule(input);
  assert.equal(slr.metadata.name, 'vpc-dns-test-cjh1');
  assert.deepEqual(slr.spec, {
    vip: '10.96.0.3',
    namespace: 'kube-system',
    selector: ['k8s-app:vpc-dns-test-cjh1'],
    ports: [
      { name: 'dns', port: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, protocol: 'TCP' },
      { name: 'metrics', port: 9153, protocol: 'TCP' },
    ],
  });
});

void test('render: two replicas by default; no second NIC or routes without a NAD in the ConfigMap', () => {
  const d = vpcDnsDeployment({
    dns: dns('x', '', 'v1'),
    config: parseVpcDnsConfig(cm({ 'coredns-vip': '10.96.0.3' })),
    namespace: 'kube-system',
    image: 'img',
    defaultSubnet: 'ovn-default',
  }) as KubeObject & { spec: { replicas: number; template: { metadata: { annotations: unknown } } } };
  assert.equal(d.spec.replicas, 2);
  assert.deepEqual(d.spec.template.metadata.annotations, {
    'ovn.kubernetes.io/logical_switch': 'v1-net',
  });
});

void test('render: the route to the API server as Kube-OVN sets it (prefix by family, the gateway of that family)', () => {
  const cases: [host: string | undefined, gateways: string | undefined, want: unknown][] = [
    ['10.96.0.1', '10.16.0.1', { dst: '10.96.0.1/32', gw: '10.16.0.1' }],
    ['10.96.0.1', 'fd00:10:16::1,10.16.0.1', { dst: '10.96.0.1/32', gw: '10.16.0.1' }],
    ['fd00:10:96::1', '10.16.0.1,fd00:10:16::1', { dst: 'fd00:10:96::1/128', gw: 'fd00:10:16::1' }],
    ['10.96.0.0/24', '10.16.0.1', { dst: '10.96.0.0/24', gw: '10.16.0.1' }],
    ['fd00:10:96::1', '10.16.0.1', undefined],
    ['10.96.0.1', undefined, undefined],
    [undefined, '10.16.0.1', undefined],
    ['not-an-ip', '10.16.0.1', undefined],
  ];
  for (const [host, gateways, want] of cases)
    assert.deepEqual(apiServerRoute(host, gateways), want, `${host} via ${gateways}`);
});
