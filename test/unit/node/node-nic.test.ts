// The node's ovn0 from its Node annotations and the default VPC's subnets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/types.ts';
import { defaultVpcCidrs, nodeNicSpec } from '../../../src/node/node-nic.ts';

const node = (annotations: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'kube-ovn-worker', annotations },
});
const annotated = {
  'ovn.kubernetes.io/allocated': 'true',
  'ovn.kubernetes.io/ip_address': '100.64.0.3',
  'ovn.kubernetes.io/mac_address': '00:00:00:aa:00:03',
  'ovn.kubernetes.io/cidr': '100.64.0.0/16',
  'ovn.kubernetes.io/gateway': '100.64.0.1',
  'ovn.kubernetes.io/logical_switch': 'join',
  'ovn.kubernetes.io/port_name': 'node-kube-ovn-worker',
};
const subnet = (name: string, cidrBlock: string, vpc?: string, provider?: string, deleting = false) => ({
  metadata: { name, ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  spec: { cidrBlock, ...(vpc ? { vpc } : {}), ...(provider ? { provider } : {}) },
});
const place = { nodeNetns: 'lab-n-kube-ovn-worker', ovsRundir: '/lab/nodes/w/ovs' };

void test('routes go to the default VPC subnets only (not join, custom VPCs, non-OVN providers, deleting ones)', () => {
  const subnets = [
    subnet('ovn-default', '10.16.0.0/16', 'ovn-cluster'),
    subnet('join', '100.64.0.0/16', 'ovn-cluster'),
    subnet('net1', '10.0.1.0/24', 'test-vpc-1'),
    subnet('ovn-vpc-external-network', '192.168.0.0/24', undefined, 'ovn-vpc-external-network.kube-system'),
    subnet('legacy', '10.17.0.0/16'),
    subnet('dual', '10.18.0.0/16,fd00:18::/64', 'ovn-cluster'),
    subnet('going', '10.19.0.0/16', 'ovn-cluster', undefined, true),
  ];
  assert.deepEqual(defaultVpcCidrs(subnets), [
    '10.16.0.0/16',
    '10.17.0.0/16',
    '10.18.0.0/16',
    'fd00:18::/64',
  ]);
});

void test('ovn0 spec: the node port in the node namespace, no default route', () => {
  const state = nodeNicSpec(node(annotated), [subnet('ovn-default', '10.16.0.0/16', 'ovn-cluster')], place);
  assert.deepEqual(state, {
    kind: 'ready',
    spec: {
      nodeNetns: place.nodeNetns,
      ovsRundir: place.ovsRundir,
      podNetns: place.nodeNetns,
      hostIf: 'ovn0_h',
      ifname: 'ovn0',
      ifaceId: 'node-kube-ovn-worker',
      mac: '00:00:00:aa:00:03',
      ips: ['100.64.0.3/16'],
      gateways: ['100.64.0.1'],
      routes: [{ dst: '10.16.0.0/16', gw: '100.64.0.1' }],
      defaultRoute: false,
      externalIds: { ip: '100.64.0.3', vendor: 'kube-ovn' },
    },
  });
});

void test('ovn0 waits for every annotation it needs, and names the missing ones', () => {
  for (const key of Object.keys(annotated).filter((k) => !/allocated|logical_switch/.test(k))) {
    const rest = Object.fromEntries(Object.entries(annotated).filter(([k]) => k !== key));
    const state = nodeNicSpec(node(rest), [], place);
    assert.equal(state.kind, 'wait', key);
    if (state.kind === 'wait') assert.match(state.reason, new RegExp(key.replace('.', '\\.')));
  }
});
