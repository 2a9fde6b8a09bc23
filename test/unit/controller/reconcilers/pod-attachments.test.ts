import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Subnet } from '../../../../src/api/kinds/subnet-schema.ts';
import type { KubeObject } from '../../../../src/api/types.ts';
import { Ipam } from '../../../../src/ipam/index.ts';
import {
  allocateAttachments,
  attachmentNics,
  attachmentProviders,
} from '../../../../src/controller/reconcilers/pod-attachments.ts';
import { podNicNames } from '../../../../src/controller/reconcilers/pod-ips.ts';

const external: Subnet = {
  apiVersion: 'kubeovn.io/v1',
  kind: 'Subnet',
  metadata: { name: 'ovn-vpc-external-network' },
  spec: {
    cidrBlock: '192.168.0.0/24',
    gateway: '192.168.0.1',
    provider: 'ovn-vpc-external-network.kube-system',
    excludeIps: ['192.168.0.1..192.168.0.10'],
  },
};

function pod(networks: string | undefined, extra: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'vpc-nat-gw-gw1-0',
      namespace: 'kube-system',
      annotations: { ...(networks ? { 'k8s.v1.cni.cncf.io/networks': networks } : {}), ...extra },
    },
  };
}

function ipam(): Ipam {
  const i = new Ipam();
  const r = i.addOrUpdateSubnet({
    name: 'ovn-vpc-external-network',
    cidrBlock: '192.168.0.0/24',
    gateway: '192.168.0.1',
    excludeIps: ['192.168.0.1..192.168.0.10'],
    reservedMacs: [],
  });
  assert.ok(r.ok);
  return i;
}

const P = 'ovn-vpc-external-network.kube-system.kubernetes.io';

describe('pod attachments (secondary networks with our IPAM)', () => {
  it('names providers <name>.<namespace>, the namespace defaulting to the pod', () => {
    const cases: [string | undefined, string[]][] = [
      [undefined, []],
      ['kube-system/ovn-vpc-external-network', ['ovn-vpc-external-network.kube-system']],
      ['attnet', ['attnet.kube-system']],
      ['[{"name":"a","namespace":"n","interface":"x1"}]', ['a.n']],
      ['not valid//', []],
    ];
    for (const [annotation, want] of cases) assert.deepEqual(attachmentProviders(pod(annotation)), want);
  });

  it('allocates the first address outside excludeIps and writes the provider annotations', () => {
    const i = ipam();
    const out = allocateAttachments(pod('kube-system/ovn-vpc-external-network'), [external], i);
    assert.equal(out.kind, 'allocated');
    if (out.kind !== 'allocated') return;
    assert.equal(out.annotations[`${P}/ip_address`], '192.168.0.11');
    assert.equal(out.annotations[`${P}/allocated`], 'true');
    assert.equal(out.annotations[`${P}/cidr`], '192.168.0.0/24');
    assert.equal(out.annotations[`${P}/gateway`], '192.168.0.1');
    // Kube-OVN removes these for a non-OVN subnet (its NIC has no MAC and no logical switch)
    for (const key of ['mac_address', 'logical_switch', 'pod_nic_type'])
      assert.equal(out.annotations[`${P}/${key}`], null, key);
    assert.deepEqual(out.changedSubnets, ['ovn-vpc-external-network']);
    const written = Object.fromEntries(
      Object.entries(out.annotations).filter((e): e is [string, string] => e[1] !== null),
    );
    const again = allocateAttachments(pod('kube-system/ovn-vpc-external-network', written), [external], i);
    assert.equal(again.kind, 'allocated');
    if (again.kind === 'allocated') assert.deepEqual(again.changedSubnets, []);
    const nics = podNicNames('vpc-nat-gw-gw1-0', 'kube-system', [external]);
    assert.deepEqual(
      nics.flatMap((nic) => i.releaseOwnerEverywhere(nic)),
      ['ovn-vpc-external-network'],
    );
  });

  it('asks for a reservation of the NIC in its subnet; attachmentNics reads back what IPAM holds', () => {
    const owner = 'vpc-nat-gw-gw1-0.kube-system.ovn-vpc-external-network.kube-system';
    const cases: [string, Record<string, string>, string | undefined, string][] = [
      ['the reserved address', {}, 'ovn-vpc-external-network', '192.168.0.50'],
      ['a reservation in another subnet asks nothing', {}, 'elsewhere', '192.168.0.11'],
      [
        "the pod's own annotation wins",
        { [`${P}/ip_address`]: '192.168.0.60' },
        'ovn-vpc-external-network',
        '192.168.0.60',
      ],
    ];
    for (const [name, extra, reservedIn, want] of cases) {
      const i = ipam();
      const p = pod('kube-system/ovn-vpc-external-network', extra);
      const reserved = (o: string) =>
        o === owner && reservedIn ? { subnet: reservedIn, request: { ips: '192.168.0.50' } } : undefined;
      const out = allocateAttachments(p, [external], i, reserved);
      assert.equal(out.kind === 'allocated' && out.annotations[`${P}/ip_address`], want, name);
      assert.deepEqual(
        attachmentNics(p, [external], i).map((n) => [n.provider, n.owner, n.subnet, n.allocation.ipAddress]),
        [['ovn-vpc-external-network.kube-system', owner, 'ovn-vpc-external-network', want]],
        name,
      );
    }
    assert.deepEqual(attachmentNics(pod('kube-system/other'), [external], ipam()), []);
  });

  it('skips networks no subnet serves, and refuses a static address outside the subnet', () => {
    const none = allocateAttachments(pod('kube-system/other'), [external], ipam());
    assert.deepEqual(none, { kind: 'allocated', annotations: {}, changedSubnets: [] });
    const bad = allocateAttachments(
      pod('kube-system/ovn-vpc-external-network', { [`${P}/ip_address`]: '10.9.0.5' }),
      [external],
      ipam(),
    );
    assert.equal(bad.kind, 'refused');
  });

  it("refuses with Kube-OVN's AcquireAddressFailed; a requested MAC is ignored, none is reported", () => {
    const mac = '0a:00:00:00:00:99';
    const cases: [string, Record<string, string>, string | undefined][] = [
      [
        'out of range',
        { [`${P}/ip_address`]: '10.9.0.5' },
        'stage=acquireAddress error=AddressOutOfRange (subnet ovn-vpc-external-network: ip 10.9.0.5 is out of range of subnet ovn-vpc-external-network)',
      ],
      [
        'malformed',
        { [`${P}/ip_address`]: '10.9.0' },
        'stage=acquireAddress error=10.9.0 is not a valid IP address (subnet ovn-vpc-external-network)',
      ],
      ['a malformed MAC is never read', { [`${P}/mac_address`]: 'not-a-mac' }, undefined],
      ['a MAC is never taken', { [`${P}/mac_address`]: mac }, undefined],
    ];
    for (const [name, extra, want] of cases) {
      const i = ipam();
      const p = pod('kube-system/ovn-vpc-external-network', extra);
      const out = allocateAttachments(p, [external], i);
      if (want === undefined) {
        assert.equal(out.kind, 'allocated', name);
        assert.equal(out.kind === 'allocated' && out.annotations[`${P}/mac_address`], null, name);
        assert.deepEqual(
          attachmentNics(p, [external], i).map((n) => n.allocation.mac),
          [''],
          name,
        );
        assert.equal(i.subnet('ovn-vpc-external-network')?.ownerOfMac(mac), undefined, name);
      } else assert.deepEqual(out, { kind: 'refused', reason: 'AcquireAddressFailed', message: want }, name);
    }
  });
});
