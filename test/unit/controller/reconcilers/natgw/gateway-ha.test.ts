// Table-driven tests of an HA gateway's pure parts (ADR 37): the StatefulSet of N instances (replicas, no lanIp,
// required anti-affinity merged with the user's affinity), the instances read from the pods and which are live, the
// active instance (kept while live, else the lowest live ordinal), the internal CIDRs, the NB routes, the status
// (lanIp of every instance, their nodes) and the admission of the HA fields.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Subnet } from '../../../../../src/api/kinds/subnet-schema.ts';
import type { VpcNatGateway } from '../../../../../src/api/kinds/vpc-nat-gateway.ts';
import { haGatewayIssues } from '../../../../../src/api/kinds/vpc-nat-gateway-ha.ts';
import type { KubeObject } from '../../../../../src/api/types.ts';
import { gatewayAffinity } from '../../../../../src/controller/reconcilers/natgw/gateway-affinity.ts';
import { gatewayStatus } from '../../../../../src/controller/reconcilers/natgw/gateway-plan.ts';
import {
  activeInstance,
  currentNextHop,
  desiredGatewayRoutes,
  gatewayInstances,
  instanceRoles,
  internalCidrs,
  type GatewayInstance,
} from '../../../../../src/controller/reconcilers/natgw/gateway-routes.ts';
import { renderGatewayWorkload } from '../../../../../src/controller/reconcilers/natgw/gateway-workload.ts';
import { memoryView } from '../../../../support/objects.ts';

const subnet = (name: string, spec: NonNullable<Subnet['spec']>): Subnet => ({
  apiVersion: 'kubeovn.io/v1',
  kind: 'Subnet',
  metadata: { name },
  spec,
});
const lan = subnet('net1', { vpc: 'vpc1', cidrBlock: '10.0.1.0/24', gateway: '10.0.1.1', provider: 'ovn' });
const gateway = (spec: Partial<NonNullable<VpcNatGateway['spec']>> = {}): VpcNatGateway => ({
  apiVersion: 'kubeovn.io/v1',
  kind: 'VpcNatGateway',
  metadata: { name: 'gw1', uid: 'u-1' },
  spec: { vpc: 'vpc1', subnet: 'net1', replicas: 2, internalSubnets: ['net1'], ...spec },
});
const LABELS = { app: 'vpc-nat-gw-gw1', 'ovn.kubernetes.io/vpc-nat-gw': 'true' };
const SPREAD = {
  requiredDuringSchedulingIgnoredDuringExecution: [
    { labelSelector: { matchLabels: LABELS }, topologyKey: 'kubernetes.io/hostname' },
  ],
};

const render = (gw: VpcNatGateway) =>
  renderGatewayWorkload({
    gateway: gw,
    image: 'img',
    prefix: 'vpc-nat-gw',
    lanSubnet: lan,
    externalSubnets: [],
    vpcSubnets: [],
  }) as unknown as {
    spec: {
      replicas: number;
      template: { metadata: { annotations: Record<string, string> }; spec: { affinity: unknown } };
    };
  };

test('the StatefulSet of an HA gateway: N replicas, no lanIp, one instance per node', () => {
  const sts = render(gateway({ lanIp: '10.0.1.254', replicas: 3 }));
  assert.equal(sts.spec.replicas, 3);
  assert.equal(sts.spec.template.metadata.annotations['ovn.kubernetes.io/ip_address'], undefined);
  assert.deepEqual(sts.spec.template.spec.affinity, { podAntiAffinity: SPREAD });
  const single = render(gateway({ lanIp: '10.0.1.254', replicas: 1 }));
  assert.equal(single.spec.replicas, 1);
  assert.equal(single.spec.template.metadata.annotations['ovn.kubernetes.io/ip_address'], '10.0.1.254');
  assert.deepEqual(single.spec.template.spec.affinity, {});
});

test("the user's affinity merges as Kube-OVN's mergeGatewayAffinity: each part set replaces ours", () => {
  const node = { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } };
  const anti = { preferredDuringSchedulingIgnoredDuringExecution: [] };
  const cases: [string, number, Record<string, unknown> | undefined, Record<string, unknown>][] = [
    ['one replica: as written', 1, { nodeAffinity: node }, { nodeAffinity: node }],
    ['one replica, none', 1, undefined, {}],
    ['HA, none: ours', 2, undefined, { podAntiAffinity: SPREAD }],
    ['HA, node affinity: both', 2, { nodeAffinity: node }, { podAntiAffinity: SPREAD, nodeAffinity: node }],
    ['HA, pod anti-affinity: theirs', 2, { podAntiAffinity: anti }, { podAntiAffinity: anti }],
  ];
  for (const [name, replicas, user, want] of cases) {
    assert.deepEqual(gatewayAffinity(replicas, LABELS, user), want, name);
  }
});

const pod = (
  ordinal: number | string,
  {
    ip = `10.0.1.${10 + Number(ordinal)}`,
    phase = 'Running',
    ready = true,
    node = `n${ordinal}`,
    deleting = false,
  } = {},
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: `vpc-nat-gw-gw1-${ordinal}`,
    namespace: 'kube-system',
    annotations: ip ? { 'ovn.kubernetes.io/ip_address': ip } : {},
    ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
  },
  spec: { nodeName: node },
  status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

test('instances: by ordinal, live when Running, Ready, bound, addressed and not deleting', () => {
  const other: KubeObject = { ...pod(0), metadata: { name: 'vpc-nat-gw-gw10-0', namespace: 'kube-system' } };
  const got = gatewayInstances(
    [
      pod(2, { ready: false }),
      pod(0),
      pod(1, { ip: '10.0.1.11,fd00::11' }),
      pod(3, { phase: 'Pending' }),
      pod(4, { deleting: true }),
      pod(5, { ip: '' }),
      pod(6, { node: '' }),
      other,
    ],
    'vpc-nat-gw-gw1',
    lan,
  );
  assert.deepEqual(
    got.map((i) => [i.ordinal, i.lanIp, i.live]),
    [
      [0, '10.0.1.10', true],
      [1, '10.0.1.11', true],
      [2, '10.0.1.12', false],
      [3, '10.0.1.13', false],
      [4, '10.0.1.14', false],
      [5, '', false],
      [6, '10.0.1.16', false],
    ],
  );
});

const inst = (ordinal: number, live: boolean): GatewayInstance => ({
  pod: `p-${ordinal}`,
  ordinal,
  lanIp: `10.0.1.${10 + ordinal}`,
  node: `n${ordinal}`,
  live,
});

test('the active instance: kept while live (no fail-back), else the lowest live ordinal, else none', () => {
  const cases: [string, GatewayInstance[], string | undefined, string | undefined][] = [
    ['first time: the lowest live', [inst(0, true), inst(1, true)], undefined, '10.0.1.10'],
    ['current kept', [inst(0, true), inst(1, true)], '10.0.1.11', '10.0.1.11'],
    ['current gone: next live', [inst(0, false), inst(1, true), inst(2, true)], '10.0.1.10', '10.0.1.11'],
    ['current not an instance', [inst(0, true)], '10.0.1.99', '10.0.1.10'],
    ['none live', [inst(0, false), inst(1, false)], '10.0.1.10', undefined],
  ];
  for (const [name, instances, current, want] of cases) {
    assert.equal(activeInstance(instances, current)?.lanIp, want, name);
  }
});

test('instance roles: the active one active, every other standby; none live, all standby', () => {
  const cases: [string, GatewayInstance[], string | undefined, Record<string, string>][] = [
    [
      'two live, first active',
      [inst(0, true), inst(1, true)],
      undefined,
      { 'p-0': 'active', 'p-1': 'standby' },
    ],
    ['failed over to 1', [inst(0, false), inst(1, true)], '10.0.1.10', { 'p-0': 'standby', 'p-1': 'active' }],
    ['none live', [inst(0, false), inst(1, false)], undefined, { 'p-0': 'standby', 'p-1': 'standby' }],
  ];
  for (const [name, instances, current, want] of cases) {
    const named = instances.map((i) => ({ ...i, pod: `p-${i.ordinal}` }));
    const roles = instanceRoles(named, activeInstance(named, current));
    assert.deepEqual(Object.fromEntries(roles), want, name);
  }
});

test('internal CIDRs: subnets (IPv4 part) then CIDRs, normalised, once each; unknown and IPv6 left out', () => {
  const view = memoryView([
    lan,
    subnet('dual', { vpc: 'vpc1', cidrBlock: '10.0.2.0/24,fd00:2::/64' }),
    subnet('v6', { vpc: 'vpc1', cidrBlock: 'fd00:3::/64' }),
  ]);
  const gw = gateway({
    internalSubnets: ['net1', 'dual', 'v6', 'missing'],
    internalCIDRs: ['10.0.1.0/24', '10.9.0.7/16', 'fd00::/64', 'bad'],
  });
  assert.deepEqual(internalCidrs(view, gw), ['10.0.1.0/24', '10.0.2.0/24', '10.9.0.0/16']);
});

test("NB rows: one reroute policy per internal CIDR (Kube-OVN's 29200) to the active instance, ours", () => {
  const rows = desiredGatewayRoutes({
    gateway: 'gw1',
    router: 'vpc1',
    cidrs: ['10.0.1.0/24', '10.0.2.0/24'],
    nextHop: '10.0.1.11',
  });
  assert.deepEqual(
    rows.map((r) => [r.table, r.parent, r.columns]),
    ['10.0.1.0/24', '10.0.2.0/24'].map((cidr) => [
      'Logical_Router_Policy',
      { table: 'Logical_Router', name: 'vpc1' },
      {
        priority: 29200,
        match: `ip4.src == ${cidr}`,
        action: 'reroute',
        nexthops: ['10.0.1.11'],
        external_ids: { 'vpc-nat-gw': 'gw1', vendor: 'kube-ovn', 'kovn-owner': 'natgw/gw1' },
      },
    ]),
  );
  assert.deepEqual(
    desiredGatewayRoutes({ gateway: 'gw1', router: 'vpc1', cidrs: ['10.0.1.0/24'], nextHop: undefined }),
    [],
  );
  assert.equal(currentNextHop([{ nexthops: ['10.0.1.12'] }, { nexthops: ['10.0.1.12'] }]), '10.0.1.12');
  assert.equal(currentNextHop([{ nexthops: [] }]), undefined);
  assert.equal(currentNextHop([]), undefined);
});

test("status of an HA gateway: lanIp lists every instance's address (sorted), workload.nodes their nodes", () => {
  const { fields } = gatewayStatus(
    gateway({ lanIp: '10.0.1.254' }),
    { name: 'vpc-nat-gw-gw1', namespace: 'kube-system' },
    undefined,
    undefined,
    [inst(1, true), inst(0, false), { ...inst(2, false), lanIp: '', node: '' }],
  );
  assert.equal(fields['lanIp'], '10.0.1.10,10.0.1.11');
  assert.deepEqual((fields['workload'] as { nodes: string[] }).nodes, ['n0', 'n1']);
  assert.equal(fields['replicas'], 2);
});

test('admission of the HA fields: refusals name the field and reason; what Kube-OVN ignores warns', () => {
  const view = memoryView([
    lan,
    subnet('other', { vpc: 'vpc2', cidrBlock: '10.2.0.0/24' }),
    subnet('dual', { vpc: 'vpc1', cidrBlock: '10.0.2.0/24,fd00:2::/64' }),
    subnet('v6', { vpc: 'vpc1', cidrBlock: 'fd00:3::/64' }),
  ]);
  const cases: [string, Partial<NonNullable<VpcNatGateway['spec']>>, [string, string, string][]][] = [
    ['clean', {}, []],
    ['bfd enabled', { bfd: { enabled: true } }, [['error', 'spec.bfd.enabled', 'not supported yet']]],
    ['bfd timers alone', { bfd: { minRX: 300, minTX: 300, multiplier: 3 } }, []],
    ['lanIp with HA', { lanIp: '10.0.1.254' }, [['warning', 'spec.lanIp', 'ignored with replicas 2']]],
    [
      'internal with one replica',
      { replicas: 1 },
      [['warning', 'spec.internalSubnets', 'ignored with one replica']],
    ],
    [
      'subnet of another vpc',
      { internalSubnets: ['other'] },
      [['error', 'spec.internalSubnets[0]', 'in vpc vpc2']],
    ],
    [
      'missing subnet',
      { internalSubnets: ['nope'] },
      [['warning', 'spec.internalSubnets[0]', 'does not exist']],
    ],
    [
      'dual-stack subnet',
      { internalSubnets: ['dual'] },
      [['warning', 'spec.internalSubnets[0]', 'only 10.0.2.0/24']],
    ],
    ['IPv6 subnet', { internalSubnets: ['v6'] }, [['error', 'spec.internalSubnets[0]', 'IPv6 only']]],
    [
      'bad CIDR',
      { internalCIDRs: ['10.0.0.0/33'] },
      [['error', 'spec.internalCIDRs[0]', 'not a valid CIDR']],
    ],
    ['IPv6 CIDR', { internalCIDRs: ['fd00::/64'] }, [['error', 'spec.internalCIDRs[0]', 'IPv4 only yet']]],
  ];
  for (const [name, spec, want] of cases) {
    const got = haGatewayIssues(gateway(spec).spec, view).map((i) => [
      i.severity === 'warning' ? 'warning' : 'error',
      i.field,
      i.message,
    ]);
    assert.equal(got.length, want.length, `${name}: ${JSON.stringify(got)}`);
    want.forEach(([severity, field, text], k) => {
      assert.equal(got[k]![0], severity, name);
      assert.equal(got[k]![1], field, name);
      assert.ok(String(got[k]![2]).includes(text), `${name}: ${String(got[k]![2])}`);
    });
  }
});
