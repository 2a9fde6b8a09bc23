// Table-driven tests of the StatefulSet rendered from a VpcNatGateway: names, labels, owner, the pod template's
// annotations (LAN switch and lanIp, port security off, external NAD, routes), image, nodeSelector from `selector`,
// tolerations, affinity, noDefaultEIP, a custom prefix and namespace, the change hash, and the container that runs
// kovn's gateway agent (command, ServiceAccount, downward-API env, privileged).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Subnet } from '../../../../../src/api/kinds/subnet-schema.ts';
import type { VpcNatGateway } from '../../../../../src/api/kinds/vpc-nat-gateway.ts';
import {
  externalNad,
  nodeSelectorOf,
  renderGatewayWorkload,
  type GatewayWorkloadInput,
} from '../../../../../src/controller/reconcilers/natgw/gateway-workload.ts';

const subnet = (name: string, spec: NonNullable<Subnet['spec']>): Subnet => ({
  apiVersion: 'kubeovn.io/v1',
  kind: 'Subnet',
  metadata: { name },
  spec,
});
const seedGateway = (spec: Partial<NonNullable<VpcNatGateway['spec']>> = {}): VpcNatGateway => ({
  apiVersion: 'kubeovn.io/v1',
  kind: 'VpcNatGateway',
  metadata: { name: 'gw1', uid: 'u-1' },
  spec: {
    vpc: 'test-vpc-1',
    subnet: 'net1',
    lanIp: '10.0.1.254',
    selector: ['kubernetes.io/hostname: kube-ovn-worker', 'kubernetes.io/os: linux'],
    externalSubnets: ['ovn-vpc-external-network'],
    ...spec,
  },
});
const input = (over: Partial<GatewayWorkloadInput> = {}): GatewayWorkloadInput => ({
  gateway: seedGateway(),
  image: 'docker.io/kubeovn/vpc-nat-gateway:v1.12.26',
  prefix: 'vpc-nat-gw',
  lanSubnet: subnet('net1', {
    vpc: 'test-vpc-1',
    cidrBlock: '10.0.1.0/24',
    gateway: '10.0.1.1',
    provider: 'ovn',
  }),
  externalSubnets: [
    {
      name: 'ovn-vpc-external-network',
      subnet: subnet('ovn-vpc-external-network', {
        cidrBlock: '192.168.0.0/24',
        gateway: '192.168.0.1',
        provider: 'ovn-vpc-external-network.kube-system',
      }),
    },
  ],
  vpcSubnets: [],
  ...over,
});
type Rendered = {
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    ownerReferences: { kind: string; name: string; uid: string }[];
  };
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
      spec: {
        containers: { name: string; image: string; env: { name: string; value: string }[] }[];
        nodeSelector?: Record<string, string>;
        tolerations?: unknown[];
        affinity?: unknown;
      };
    };
  };
};
const render = (over: Partial<GatewayWorkloadInput> = {}) =>
  renderGatewayWorkload(input(over)) as unknown as Rendered;

void test('the seed gateway renders as Kube-OVN does', () => {
  const sts = render();
  assert.equal(sts.metadata.name, 'vpc-nat-gw-gw1');
  assert.equal(sts.metadata.namespace, 'kube-system');
  assert.deepEqual(sts.metadata.labels, { app: 'vpc-nat-gw-gw1', 'ovn.kubernetes.io/vpc-nat-gw': 'true' });
  assert.deepEqual(sts.spec.selector.matchLabels, sts.metadata.labels);
  assert.deepEqual(
    sts.metadata.ownerReferences.map((o) => [o.kind, o.name, o.uid]),
    [['VpcNatGateway', 'gw1', 'u-1']],
  );
  assert.equal(sts.spec.replicas, 1);
  assert.deepEqual(sts.spec.template.metadata.annotations, {
    'k8s.v1.cni.cncf.io/networks': 'kube-system/ovn-vpc-external-network',
    'ovn.kubernetes.io/vpc_nat_gw': 'gw1',
    'ovn.kubernetes.io/logical_switch': 'net1',
    'ovn.kubernetes.io/ip_address': '10.0.1.254',
    'ovn.kubernetes.io/port_security': 'false',
    'ovn-vpc-external-network.kube-system.kubernetes.io/routes': '[{"dst":"0.0.0.0/0","gw":"192.168.0.1"}]',
  });
  const container = sts.spec.template.spec.containers[0]!;
  assert.equal(container.name, 'vpc-nat-gw');
  assert.equal(container.image, 'docker.io/kubeovn/vpc-nat-gateway:v1.12.26');
  assert.deepEqual(container.env.slice(0, 2), [
    { name: 'GATEWAY_V4', value: '192.168.0.1' },
    { name: 'GATEWAY_V6', value: '' },
  ]);
  assert.deepEqual(sts.spec.template.spec.nodeSelector, {
    'kubernetes.io/hostname': 'kube-ovn-worker',
    'kubernetes.io/os': 'linux',
  });
});

void test("the container runs kovn's gateway agent, not Kube-OVN's sleep", () => {
  const { spec } = render().spec.template as unknown as {
    spec: {
      serviceAccountName: string;
      containers: { command: string[]; env: unknown[]; securityContext: unknown }[];
    };
  };
  const container = spec.containers[0]!;
  assert.deepEqual(container.command, ['/opt/kovn/node_modules/.bin/node', '/opt/kovn/src/natgw/main.ts']);
  assert.equal(spec.serviceAccountName, 'vpc-nat-gw');
  assert.deepEqual(container.env.slice(2), [
    { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    { name: 'KUBE_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
  ]);
  assert.deepEqual(container.securityContext, { privileged: true, allowPrivilegeEscalation: true });
});

void test('template variations', () => {
  const cases: { name: string; over: Partial<GatewayWorkloadInput>; check: (s: Rendered) => void }[] = [
    {
      name: 'other subnets of the VPC routed via the LAN gateway; spec routes appended',
      over: {
        gateway: seedGateway({ routes: [{ cidr: '172.31.0.0/24', nextHopIP: 'gateway' }] }),
        vpcSubnets: [subnet('net3', { vpc: 'test-vpc-1', cidrBlock: '10.0.3.0/24' })],
      },
      check: (s) =>
        assert.deepEqual(JSON.parse(s.spec.template.metadata.annotations['ovn.kubernetes.io/routes']!), [
          { dst: '10.0.3.0/24', gw: '10.0.1.1' },
          { dst: '172.31.0.0/24', gw: '10.0.1.1' },
        ]),
    },
    {
      name: 'noDefaultEIP: net1 marked allocated, no default route',
      over: { gateway: seedGateway({ noDefaultEIP: true }) },
      check: (s) => {
        const a = s.spec.template.metadata.annotations;
        assert.equal(a['ovn-vpc-external-network.kube-system.kubernetes.io/allocated'], 'true');
        assert.equal(a['ovn-vpc-external-network.kube-system.kubernetes.io/routes'], undefined);
      },
    },
    {
      name: 'tolerations and affinity copied; malformed selector entries ignored',
      over: {
        gateway: seedGateway({
          selector: ['bad-entry', 'zone: a'],
          tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }],
          affinity: { nodeAffinity: { x: 1 } },
        }),
      },
      check: (s) => {
        assert.deepEqual(s.spec.template.spec.nodeSelector, { zone: 'a' });
        assert.deepEqual(s.spec.template.spec.tolerations, [
          { key: 'k', operator: 'Exists', effect: 'NoSchedule' },
        ]);
        assert.deepEqual(s.spec.template.spec.affinity, { nodeAffinity: { x: 1 } });
      },
    },
    {
      name: 'prefix from ovn-vpc-nat-config and spec.namespace',
      over: { prefix: 'natgw', gateway: seedGateway({ namespace: 'infra' }) },
      check: (s) => {
        assert.equal(s.metadata.name, 'natgw-gw1');
        assert.equal(s.metadata.namespace, 'infra');
      },
    },
    {
      name: 'user annotations kept, system keys win',
      over: { gateway: seedGateway({ annotations: { mine: 'x', 'ovn.kubernetes.io/vpc_nat_gw': 'spoof' } }) },
      check: (s) => {
        assert.equal(s.spec.template.metadata.annotations['mine'], 'x');
        assert.equal(s.spec.template.metadata.annotations['ovn.kubernetes.io/vpc_nat_gw'], 'gw1');
      },
    },
  ];
  for (const c of cases) {
    try {
      c.check(render(c.over));
    } catch (err) {
      throw new Error(`${c.name}: ${(err as Error).message}`, { cause: err });
    }
  }
});

void test('the change hash follows what needs a new pod, and only that', () => {
  const hash = (over: Partial<GatewayWorkloadInput>) =>
    render(over).metadata.annotations['kovn.io/template-hash'];
  const base = hash({});
  assert.equal(hash({}), base, 'stable');
  assert.notEqual(
    hash({ gateway: seedGateway({ selector: ['kubernetes.io/hostname: kube-ovn-control-plane'] }) }),
    base,
  );
  assert.notEqual(hash({ image: 'other:1' }), base);
  assert.notEqual(hash({ gateway: seedGateway({ tolerations: [{ key: 'k', operator: 'Exists' }] }) }), base);
  assert.equal(
    hash({ gateway: { ...seedGateway(), metadata: { name: 'gw1', uid: 'u-1', resourceVersion: '99' } } }),
    base,
  );
  const net = (name: string, cidr: string) => subnet(name, { vpc: 'test-vpc-1', cidrBlock: cidr });
  assert.equal(
    hash({ vpcSubnets: [net('a', '10.0.2.0/24'), net('b', '10.0.3.0/24')] }),
    hash({ vpcSubnets: [net('b', '10.0.3.0/24'), net('a', '10.0.2.0/24')] }),
    'the order the informer lists subnets in does not matter',
  );
});

void test('external NAD and selectors', () => {
  const ext = (provider: string | undefined) =>
    subnet('ext', provider ? { cidrBlock: '1.0.0.0/24', provider } : { cidrBlock: '1.0.0.0/24' });
  const cases: [string, Subnet | undefined, string][] = [
    ['nad.ns provider', ext('macvlan1.infra'), 'infra/macvlan1'],
    ['nad.ns.ovn provider', ext('att.default.ovn'), 'default/att'],
    ['no provider: kube-system/<subnet>', ext(undefined), 'kube-system/ext'],
    ['default ovn provider: kube-system/<subnet>', ext('ovn'), 'kube-system/ext'],
    ['missing subnet', undefined, 'kube-system/ext'],
  ];
  for (const [name, s, want] of cases) assert.equal(externalNad('ext', s), want, name);
  assert.deepEqual(nodeSelectorOf(['a: b', 'c:d', 'x', 'e: f: g', ': v']), { a: 'b', c: 'd' });
});

void test('several external subnets: one NAD each in order (net1, net2, ...), the default route via the first', () => {
  const ext2 = subnet('ext2', {
    cidrBlock: '192.168.1.0/24',
    gateway: '192.168.1.1',
    provider: 'ext2.infra',
  });
  const both = (spec: Partial<NonNullable<VpcNatGateway['spec']>>) => {
    const first = input().externalSubnets[0]!;
    return render({
      gateway: seedGateway({ externalSubnets: ['ovn-vpc-external-network', 'ext2'], ...spec }),
      externalSubnets: [first, { name: 'ext2', subnet: ext2 }],
    }).spec.template;
  };
  const t = both({
    routes: [
      { cidr: '198.51.100.0/24', nextHopIP: '192.168.1.1' },
      { cidr: '10.9.0.0/16', nextHopIP: 'gateway' },
    ],
  });
  const a = t.metadata.annotations;
  assert.equal(a['k8s.v1.cni.cncf.io/networks'], 'kube-system/ovn-vpc-external-network,infra/ext2');
  assert.equal(
    a['ovn-vpc-external-network.kube-system.kubernetes.io/routes'],
    '[{"dst":"0.0.0.0/0","gw":"192.168.0.1"}]',
  );
  assert.equal(a['ext2.infra.kubernetes.io/routes'], undefined, 'only the first NIC has the default route');
  // A route via the second network is the gateway agent's to add on net2; the LAN NIC keeps the others.
  assert.equal(a['ovn.kubernetes.io/routes'], '[{"dst":"10.9.0.0/16","gw":"10.0.1.1"}]');
  assert.deepEqual(t.spec.containers[0]!.env.slice(0, 1), [{ name: 'GATEWAY_V4', value: '192.168.0.1' }]);
  const none = both({ noDefaultEIP: true }).metadata.annotations;
  assert.equal(none['ovn-vpc-external-network.kube-system.kubernetes.io/allocated'], 'true');
  assert.equal(none['ext2.infra.kubernetes.io/allocated'], 'true');
  assert.equal(none['ovn-vpc-external-network.kube-system.kubernetes.io/routes'], undefined);
});
