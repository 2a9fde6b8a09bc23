// Table-driven tests of the pure VpcNatGateway steps: what the reconcile reads before rendering (in Kube-OVN's order
// of checks, which stop retries and which do not, the workload removed when the feature is off), whether the
// StatefulSet is created, replaced or kept, and the status from the StatefulSet and its pod.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { VpcNatGateway } from '../../../../../src/api/kinds/vpc-nat-gateway.ts';
import type { KubeObject } from '../../../../../src/api/types.ts';
import {
  gatewayStatus,
  readGateway,
  workloadChange,
  workloadRef,
} from '../../../../../src/controller/reconcilers/natgw/gateway-plan.ts';
import { configMap, kubeovn, memoryView, natEnabled } from '../../../../support/objects.ts';

const gateway = (spec: Record<string, unknown> = { vpc: 'v1', subnet: 'lan', lanIp: '10.0.1.254' }) =>
  kubeovn('VpcNatGateway', 'gw1', spec) as VpcNatGateway;
const statefulSet = (name: string, namespace: string, extra: Partial<KubeObject> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  ...extra,
  metadata: { name, namespace, ...extra.metadata },
});
const vpc = kubeovn('Vpc', 'v1');
const lan = kubeovn('Subnet', 'lan', { vpc: 'v1', cidrBlock: '10.0.1.0/24' });

describe('readGateway: why it stops', () => {
  const cases: {
    name: string;
    gw?: VpcNatGateway;
    objects: KubeObject[];
    reason: string;
    retry: boolean;
    remove?: string;
  }[] = [
    { name: 'no ConfigMap', objects: [], reason: 'NatGwNotConfigured', retry: false },
    {
      name: 'a ConfigMap without image, even when enabled',
      objects: [configMap('ovn-vpc-nat-config', {}), natEnabled()[1]!],
      reason: 'NatGwNotConfigured',
      retry: false,
    },
    {
      name: 'not enabled, no workload',
      objects: [natEnabled()[0]!],
      reason: 'NatGwNotEnabled',
      retry: false,
    },
    {
      name: 'not enabled: the workload (custom prefix) is removed',
      objects: [
        configMap('ovn-vpc-nat-config', { image: 'i', natGwNamePrefix: 'pfx' }),
        statefulSet('pfx-gw1', 'kube-system'),
      ],
      reason: 'NatGwNotEnabled',
      retry: false,
      remove: 'kube-system/pfx-gw1',
    },
    {
      name: 'switched off: the workload in the gateway namespace is removed',
      gw: gateway({ vpc: 'v1', subnet: 'lan', namespace: 'other' }),
      objects: [
        natEnabled()[0]!,
        configMap('ovn-vpc-nat-gw-config', { 'enable-vpc-nat-gw': 'false' }),
        statefulSet('vpc-nat-gw-gw1', 'other'),
      ],
      reason: 'NatGwNotEnabled',
      retry: false,
      remove: 'other/vpc-nat-gw-gw1',
    },
    { name: 'no VPC', objects: natEnabled(), reason: 'VpcNotFound', retry: true },
    {
      name: 'no VPC named',
      gw: gateway({ subnet: 'lan' }),
      objects: natEnabled(),
      reason: 'VpcNotFound',
      retry: true,
    },
    { name: 'no LAN subnet', objects: [...natEnabled(), vpc], reason: 'SubnetNotFound', retry: true },
    {
      name: 'no LAN subnet named',
      gw: gateway({ vpc: 'v1' }),
      objects: [...natEnabled(), vpc, lan],
      reason: 'SubnetNotFound',
      retry: true,
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const got = readGateway(memoryView(c.objects), c.gw ?? gateway());
      assert.ok(!got.ok);
      assert.equal(got.notReady.condition.reason, c.reason);
      assert.deepEqual(got.notReady.fields, { ready: false });
      assert.equal(got.notReady.requeueAfterMs, c.retry ? 5_000 : undefined);
      assert.equal(got.remove && `${got.remove.namespace ?? ''}/${got.remove.name}`, c.remove);
    });
});

describe('readGateway: the workload inputs', () => {
  it('image and prefix from the ConfigMap, the LAN and external subnets, the VPC other live subnets', () => {
    const others = [
      kubeovn('Subnet', 'b', { vpc: 'v1' }),
      kubeovn('Subnet', 'gone', { vpc: 'v1' }, { metadata: { name: 'gone', deletionTimestamp: 'x' } }),
      kubeovn('Subnet', 'x', { vpc: 'v2' }),
    ];
    const external = kubeovn('Subnet', 'ext2', { cidrBlock: '172.16.0.0/16' });
    const gw = gateway({ vpc: 'v1', subnet: 'lan', externalSubnets: ['ext2'] });
    const got = readGateway(memoryView([...natEnabled(), vpc, lan, external, ...others]), gw);
    assert.ok(got.ok);
    assert.equal(got.workload.gateway, gw);
    assert.equal(got.workload.image, 'kubeovn/vpc-nat-gateway:v1.12.26');
    assert.equal(got.workload.prefix, 'vpc-nat-gw');
    assert.equal(got.workload.lanSubnet, lan);
    assert.deepEqual(got.workload.externalSubnets, [{ name: 'ext2', subnet: external }]);
    assert.deepEqual(
      got.workload.vpcSubnets.map((s) => s.metadata.name),
      ['b'],
    );
  });
  it('the default external subnet, absent is fine', () => {
    const got = readGateway(memoryView([...natEnabled(), vpc, lan]), gateway());
    assert.ok(got.ok);
    assert.deepEqual(got.workload.externalSubnets, [{ name: 'ovn-vpc-external-network', subnet: undefined }]);
  });
});

describe('workloadChange', () => {
  const hashed = (hash: string) =>
    statefulSet('vpc-nat-gw-gw1', 'kube-system', {
      metadata: { name: 'vpc-nat-gw-gw1', annotations: { 'kovn.io/template-hash': hash } },
    });
  const cases: [string, KubeObject | undefined, string][] = [
    ['absent: create', undefined, 'create'],
    ['another hash: replace', hashed('old'), 'replace'],
    ['no hash (not ours yet): replace', statefulSet('vpc-nat-gw-gw1', 'kube-system'), 'replace'],
    ['the same hash: keep', hashed('h1'), 'keep'],
  ];
  for (const [name, existing, want] of cases)
    it(name, () => assert.equal(workloadChange(existing, hashed('h1')), want));
  it('workloadRef defaults the namespace', () => {
    assert.deepEqual(workloadRef({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'n' } }), {
      name: 'n',
      namespace: 'kube-system',
    });
  });
});

describe('gatewayStatus', () => {
  const ref = { name: 'vpc-nat-gw-gw1', namespace: 'kube-system' };
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'vpc-nat-gw-gw1-0' },
    spec: { nodeName: 'n1' },
  };
  const cases: {
    name: string;
    existing: KubeObject | undefined;
    pod: KubeObject | undefined;
    ready: boolean;
    nodes: string[];
    reason: string;
  }[] = [
    {
      name: 'no StatefulSet yet',
      existing: undefined,
      pod: undefined,
      ready: false,
      nodes: [],
      reason: 'Pending',
    },
    {
      name: 'no ready replica, pod scheduled',
      existing: statefulSet(ref.name, ref.namespace, { status: { readyReplicas: 0 } }),
      pod,
      ready: false,
      nodes: ['n1'],
      reason: 'Pending',
    },
    {
      name: 'a ready replica (as a StatefulSet controller reports it: current and updated too)',
      existing: statefulSet(ref.name, ref.namespace, {
        status: { readyReplicas: 1, currentReplicas: 1, updatedReplicas: 1 },
      }),
      pod,
      ready: true,
      nodes: ['n1'],
      reason: 'WorkloadReady',
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const gw = gateway({ vpc: 'v1', subnet: 'lan', lanIp: '10.0.1.254', selector: ['a: b'] });
      const got = gatewayStatus(gw, ref, c.existing, c.pod);
      assert.deepEqual(got.fields, {
        ready: c.ready,
        lanIp: '10.0.1.254',
        externalSubnets: [],
        selector: ['a: b'],
        tolerations: [],
        affinity: {},
        replicas: 0,
        workload: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: ref.name, nodes: c.nodes },
      });
      assert.equal(got.condition.reason, c.reason);
      assert.match(got.condition.message, /StatefulSet kube-system\/vpc-nat-gw-gw1/);
    });
});
