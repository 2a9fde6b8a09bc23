import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Subnet } from '../../../../src/api/kinds/subnet-schema.ts';
import type { ClusterView, KubeObject } from '../../../../src/api/types.ts';
import { Ipam, seededRandom } from '../../../../src/ipam/index.ts';
import {
  allocateOvnAttachments,
  nadPodsWatch,
  ovnAttachmentAnnotations,
  ovnAttachmentProviders,
  ovnAttachmentRows,
  ovnAttachmentSubnetName,
} from '../../../../src/controller/reconcilers/pod-ovn-attachments.ts';
import { podNicNames } from '../../../../src/controller/reconcilers/pod-ips.ts';

const PROVIDER = 'attnet.ns1.ovn';
const subnet = (name: string, cidr: string, provider: string, vpc = 'vpc1'): Subnet => ({
  apiVersion: 'kubeovn.io/v1',
  kind: 'Subnet',
  metadata: { name },
  spec: { cidrBlock: cidr, gateway: cidr.replace(/0\/\d+$/, '1'), provider, vpc },
});
const attSubnet = subnet('att', '10.20.0.0/24', PROVIDER);
const primary = subnet('net1', '10.0.1.0/24', 'ovn');
const other = subnet('other', '10.30.0.0/24', 'ovn', 'vpc2');

function pod(annotations: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'p1',
      namespace: 'ns1',
      annotations: { 'k8s.v1.cni.cncf.io/networks': 'attnet', ...annotations },
    },
  };
}

function ipam(...subnets: Subnet[]): Ipam {
  const i = new Ipam({ random: seededRandom(1) });
  for (const s of subnets) {
    const r = i.addOrUpdateSubnet({
      name: s.metadata.name ?? '',
      cidrBlock: s.spec?.cidrBlock ?? '',
      gateway: s.spec?.gateway ?? '',
      excludeIps: [s.spec?.gateway ?? ''],
      reservedMacs: [],
    });
    assert.ok(r.ok);
  }
  return i;
}

describe('OVN attachments (multi-NIC pods on OVN subnets)', () => {
  it('keeps only the <nad>.<ns>.ovn providers', () => {
    assert.deepEqual(ovnAttachmentProviders(['attnet.ns1.ovn', 'ext.kube-system', 'ovn', 'b.n.ovn']), [
      'attnet.ns1.ovn',
      'b.n.ovn',
    ]);
  });

  it('places the NIC: the logical_switch annotation, else the subnet of the provider, else the primary one', () => {
    const cases: [string, Record<string, string>, Subnet[], Subnet | undefined, string | undefined][] = [
      [
        'annotation',
        { [`${PROVIDER}.kubernetes.io/logical_switch`]: 'other' },
        [attSubnet, other],
        primary,
        'other',
      ],
      ['provider', {}, [other, attSubnet], primary, 'att'],
      ['primary fallback', {}, [other], primary, 'net1'],
      ['nothing (non-primary mode)', {}, [other], undefined, undefined],
    ];
    for (const [what, annotations, subnets, prim, want] of cases)
      assert.equal(ovnAttachmentSubnetName(pod(annotations), PROVIDER, subnets, prim), want, what);
  });

  it('allocates an address and a MAC, idempotently, and honours the static request of the provider', () => {
    const i = ipam(attSubnet, primary);
    const out = allocateOvnAttachments(
      pod(),
      [PROVIDER, 'ext.kube-system'],
      [attSubnet, primary],
      i,
      primary,
    );
    assert.equal(out.kind, 'allocated');
    if (out.kind !== 'allocated') return;
    assert.equal(out.nics.length, 1);
    const nic = out.nics[0]!;
    assert.equal(nic.owner, 'p1.ns1.attnet.ns1.ovn');
    assert.equal(nic.allocation.ipAddress, '10.20.0.2');
    assert.match(nic.allocation.mac, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    assert.deepEqual(out.changedSubnets, ['att']);
    const again = allocateOvnAttachments(pod(), [PROVIDER], [attSubnet, primary], i, primary);
    assert.ok(again.kind === 'allocated');
    assert.deepEqual(again.changedSubnets, []);
    assert.equal(again.nics[0]!.allocation.mac, nic.allocation.mac);

    const fixed = allocateOvnAttachments(
      pod({
        [`${PROVIDER}.kubernetes.io/ip_address`]: '10.20.0.77',
        [`${PROVIDER}.kubernetes.io/mac_address`]: '00:00:00:aa:bb:cc',
      }),
      [PROVIDER],
      [attSubnet],
      ipam(attSubnet),
      undefined,
    );
    assert.ok(fixed.kind === 'allocated');
    assert.equal(fixed.nics[0]!.allocation.ipAddress, '10.20.0.77');
    assert.equal(fixed.nics[0]!.allocation.mac, '00:00:00:aa:bb:cc');
  });

  it('waits for a subnet that is not there or not in IPAM yet; refuses a taken address with the Kube-OVN wording', () => {
    const none = allocateOvnAttachments(pod(), [PROVIDER], [other], ipam(other), undefined);
    assert.equal(none.kind, 'wait');
    const notInIpam = allocateOvnAttachments(pod(), [PROVIDER], [attSubnet], ipam(), undefined);
    assert.equal(notInIpam.kind, 'wait');
    const i = ipam(attSubnet);
    assert.ok(i.allocate('att', 'someone', { ips: '10.20.0.9' }).ok);
    const taken = allocateOvnAttachments(
      pod({ [`${PROVIDER}.kubernetes.io/ip_address`]: '10.20.0.9' }),
      [PROVIDER],
      [attSubnet],
      i,
      undefined,
    );
    assert.equal(taken.kind, 'refused');
    if (taken.kind === 'refused') {
      assert.equal(taken.reason, 'AcquireAddressFailed');
      assert.match(taken.message, /subnet att/);
    }
  });

  it('moves the NIC when the pod asks for another subnet', () => {
    const i = ipam(attSubnet, other);
    assert.ok(
      allocateOvnAttachments(pod(), [PROVIDER], [attSubnet, other], i, undefined).kind === 'allocated',
    );
    const moved = allocateOvnAttachments(
      pod({ [`${PROVIDER}.kubernetes.io/logical_switch`]: 'other' }),
      [PROVIDER],
      [attSubnet, other],
      i,
      undefined,
    );
    assert.ok(moved.kind === 'allocated');
    assert.deepEqual(moved.changedSubnets.sort(), ['att', 'other']);
    assert.deepEqual(
      i.lookup('p1.ns1.attnet.ns1.ovn').map((a) => a.subnet),
      ['other'],
    );
  });

  it('gives each NIC a port <pod>.<ns>.<provider> on its switch and the primary annotations under its prefix', () => {
    const i = ipam(attSubnet);
    const out = allocateOvnAttachments(pod(), [PROVIDER], [attSubnet], i, undefined);
    assert.ok(out.kind === 'allocated');
    const rows = ovnAttachmentRows(pod(), out.nics, () => 'full');
    assert.equal(rows.length, 1);
    const row = rows[0]!;
    assert.deepEqual(row.parent, { table: 'Logical_Switch', name: 'att' });
    const mac = out.nics[0]!.allocation.mac;
    assert.equal(row.columns['name'], 'p1.ns1.attnet.ns1.ovn');
    assert.deepEqual(row.columns['addresses'], [`${mac} 10.20.0.2`]);
    assert.deepEqual(row.columns['port_security'], [`${mac} 10.20.0.2`]);
    const a = ovnAttachmentAnnotations(pod(), out.nics);
    const k = (key: string) => a[`${PROVIDER}.kubernetes.io/${key}`];
    assert.deepEqual(
      [
        'allocated',
        'ip_address',
        'mac_address',
        'cidr',
        'gateway',
        'logical_switch',
        'logical_router',
        'routed',
      ].map(k),
      ['true', '10.20.0.2', mac, '10.20.0.0/24', '10.20.0.1', 'att', 'vpc1', 'true'],
    );
    assert.equal(a['ovn.kubernetes.io/ip_address'], undefined);
  });

  it('a gone pod releases its OVN attachment NICs too (by the subnets, and by its recorded annotations)', () => {
    assert.deepEqual(podNicNames('p1', 'ns1', [attSubnet, primary]), ['p1.ns1', 'p1.ns1.attnet.ns1.ovn']);
    const placedElsewhere = pod({ 'b.n.ovn.kubernetes.io/allocated': 'true' });
    assert.deepEqual(podNicNames('p1', 'ns1', [primary], placedElsewhere), ['p1.ns1', 'p1.ns1.b.n.ovn']);
  });

  it('a NAD change enqueues exactly the pods whose networks annotation names it', () => {
    const pods: KubeObject[] = [
      pod(),
      {
        ...pod({ 'k8s.v1.cni.cncf.io/networks': 'ns1/attnet2' }),
        metadata: {
          name: 'p2',
          namespace: 'ns1',
          annotations: { 'k8s.v1.cni.cncf.io/networks': 'ns1/attnet2' },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'p3',
          namespace: 'ns2',
          annotations: { 'k8s.v1.cni.cncf.io/networks': 'ns1/attnet' },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p4', namespace: 'ns2', annotations: { 'k8s.v1.cni.cncf.io/networks': 'attnet' } },
      },
    ];
    const view = { list: () => pods } as unknown as ClusterView;
    const nad: KubeObject = {
      apiVersion: 'k8s.cni.cncf.io/v1',
      kind: 'NetworkAttachmentDefinition',
      metadata: { name: 'attnet', namespace: 'ns1' },
    };
    assert.deepEqual(nadPodsWatch.map(nad, view), ['Pod/ns1/p1', 'Pod/ns2/p3']);
  });
});
