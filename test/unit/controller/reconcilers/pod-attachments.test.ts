import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Subnet } from '../../../../src/api/kinds/subnet-schema.ts';
import type { KubeObject } from '../../../../src/api/types.ts';
import { Ipam } from '../../../../src/ipam/index.ts';
import {
  allocateAttachments,
  attachmentProviders,
  releaseAttachments,
} from '../../../../src/controller/reconcilers/pod-attachments.ts';

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
    assert.equal(out.annotations[`${P}/logical_switch`], 'ovn-vpc-external-network');
    assert.deepEqual(out.changedSubnets, ['ovn-vpc-external-network']);
    const again = allocateAttachments(
      pod('kube-system/ovn-vpc-external-network', out.annotations),
      [external],
      i,
    );
    assert.equal(again.kind, 'allocated');
    if (again.kind === 'allocated') assert.deepEqual(again.changedSubnets, []);
    assert.deepEqual(releaseAttachments('vpc-nat-gw-gw1-0', 'kube-system', [external], i), [
      'ovn-vpc-external-network',
    ]);
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
});
