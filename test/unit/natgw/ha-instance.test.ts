// Which EIP addresses an instance of a NAT gateway holds (src/natgw/agent.ts heldByThisInstance, ADR 37): a
// single-instance gateway holds all; an HA gateway's instance holds them only when the controller marked it active
// (kovn.io/vpc-nat-gw-role), and a standby or an unmarked instance keeps the rules but no address.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ANNOTATION_NAT_GW_ROLE } from '../../../src/api/annotations.ts';
import type { KubeObject } from '../../../src/api/types.ts';
import type { VpcNatGateway } from '../../../src/api/kinds/vpc-nat-gateway.ts';
import { heldByThisInstance } from '../../../src/natgw/agent.ts';
import type { GatewayDesired } from '../../../src/natgw/desired.ts';

const gateway = (replicas?: number): VpcNatGateway => ({
  apiVersion: 'kubeovn.io/v1',
  kind: 'VpcNatGateway',
  metadata: { name: 'gw1' },
  spec: { vpc: 'vpc1', subnet: 'net1', ...(replicas === undefined ? {} : { replicas }) },
});
const pod = (role?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'vpc-nat-gw-gw1-0',
    namespace: 'kube-system',
    annotations: role ? { [ANNOTATION_NAT_GW_ROLE]: role } : {},
  },
});
const desired = {
  rules: [{ kind: 'snat', name: 's1', eip: '192.168.0.11', cidr: '10.0.1.0/24', prefix: 24 }],
  nics: [
    { subnet: 'ext', ifname: 'net1', provider: 'ext.kube-system', addresses: ['192.168.0.11/24'] },
    { subnet: 'ext2', ifname: 'net2', provider: 'ext2.kube-system', addresses: ['192.168.1.11/24'] },
  ],
} as unknown as GatewayDesired;
const held = (d: GatewayDesired) => d.nics.map((n) => n.addresses.join(',')).join(' | ');

test('EIP addresses held by an instance: all for one instance; for HA, only when marked active', () => {
  const cases: [string, VpcNatGateway, KubeObject, string][] = [
    ['single instance, no role', gateway(), pod(), '192.168.0.11/24 | 192.168.1.11/24'],
    ['replicas 1, marked standby (ignored)', gateway(1), pod('standby'), '192.168.0.11/24 | 192.168.1.11/24'],
    ['HA, active', gateway(2), pod('active'), '192.168.0.11/24 | 192.168.1.11/24'],
    ['HA, standby', gateway(2), pod('standby'), ' | '],
    ['HA, not marked yet', gateway(3), pod(), ' | '],
  ];
  for (const [name, gw, p, want] of cases) {
    const d = heldByThisInstance(desired, gw, p);
    assert.equal(held(d), want, name);
    assert.deepEqual(d.rules, desired.rules, `${name}: the rules are kept`);
  }
});
