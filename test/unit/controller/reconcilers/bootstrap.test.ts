// Table-driven tests of what a restarting controller restores IPAM from: IP objects that record a pod NIC first
// (kovn's records, kept StatefulSet addresses, reservations whose pod does not exist), then the pod annotations of
// the NICs that have none (an attachment's subnet found by its provider), then nodes; objects that name no NIC of
// their own spec, being deleted, or without an address or a known subnet restore nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/types.ts';
import { recordedAllocations } from '../../../../src/controller/reconcilers/bootstrap.ts';
import { kubeovn, memoryView } from '../../../support/objects.ts';

const EXT = 'ovn-vpc-external-network.kube-system';
const subnets = [
  kubeovn('Subnet', 'net1', { cidrBlock: '10.0.1.0/24' }),
  kubeovn('Subnet', 'ext', { cidrBlock: '192.168.0.0/24', provider: EXT }),
];
const ip = (name: string, spec: Record<string, unknown>, deleting = false): KubeObject =>
  kubeovn(
    'IP',
    name,
    spec,
    deleting ? { metadata: { name, deletionTimestamp: '2026-01-01T00:00:00Z' } } : {},
  );
const pod = (name: string, annotations: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'ns1', annotations },
});
const allocated = (ip4: string, mac: string) => ({
  'ovn.kubernetes.io/allocated': 'true',
  'ovn.kubernetes.io/logical_switch': 'net1',
  'ovn.kubernetes.io/ip_address': ip4,
  'ovn.kubernetes.io/mac_address': mac,
});
const nic = { podName: 'a', namespace: 'ns1', subnet: 'net1' };

void test('IP objects first, pod annotations where they are missing', () => {
  const cases: { name: string; objects: KubeObject[]; want: [string, string, string, string?][] }[] = [
    {
      name: 'a pod without an IP object: its annotations',
      objects: [pod('a', allocated('10.0.1.2', 'm2'))],
      want: [['net1', 'a.ns1', '10.0.1.2', 'm2']],
    },
    {
      name: 'a pod and its record: the record, once',
      objects: [
        pod('a', allocated('10.0.1.2', 'm2')),
        ip('a.ns1', { ...nic, ipAddress: '10.0.1.2', macAddress: 'm2' }),
      ],
      want: [['net1', 'a.ns1', '10.0.1.2', 'm2']],
    },
    {
      name: "a StatefulSet's kept address, its pod gone",
      objects: [ip('a.ns1', { ...nic, ipAddress: '10.0.1.9', macAddress: 'm9', podType: 'StatefulSet' })],
      want: [['net1', 'a.ns1', '10.0.1.9', 'm9']],
    },
    {
      name: 'a reservation by its v4/v6 fields, no MAC',
      objects: [ip('a.ns1', { ...nic, v4IpAddress: '10.0.1.7' })],
      want: [['net1', 'a.ns1', '10.0.1.7']],
    },
    {
      name: "an attachment's record: named <pod>.<ns>.<provider of its subnet>",
      objects: [ip(`a.ns1.${EXT}`, { ...nic, subnet: 'ext', ipAddress: '192.168.0.11', macAddress: 'me' })],
      want: [['ext', `a.ns1.${EXT}`, '192.168.0.11', 'me']],
    },
    {
      name: 'an attachment on a pod without its record: the subnet serving the provider (Kube-OVN writes no logical_switch)',
      objects: [
        pod('a', {
          ...allocated('10.0.1.2', 'm2'),
          'k8s.v1.cni.cncf.io/networks': 'kube-system/ovn-vpc-external-network',
          [`${EXT}.kubernetes.io/allocated`]: 'true',
          [`${EXT}.kubernetes.io/ip_address`]: '192.168.0.12',
        }),
        pod('b', {
          'k8s.v1.cni.cncf.io/networks': 'kube-system/no-subnet-serves-it',
          'no-subnet-serves-it.kube-system.kubernetes.io/allocated': 'true',
          'no-subnet-serves-it.kube-system.kubernetes.io/ip_address': '192.168.9.12',
        }),
      ],
      want: [
        ['net1', 'a.ns1', '10.0.1.2', 'm2'],
        ['ext', `a.ns1.${EXT}`, '192.168.0.12'],
      ],
    },
    {
      name: 'skipped: a name that is not the NIC of its spec, deleting, no address, unknown subnet',
      objects: [
        ip('other', { ...nic, ipAddress: '10.0.1.5' }),
        ip('a.ns1', { ...nic, ipAddress: '10.0.1.6' }, true),
        ip('b.ns1', { ...nic, podName: 'b' }),
        ip('c.ns1', { ...nic, podName: 'c', subnet: 'gone', ipAddress: '10.0.1.8' }),
      ],
      want: [],
    },
  ];
  for (const c of cases) {
    const got = recordedAllocations(memoryView([...subnets, ...c.objects]));
    assert.deepEqual(
      got.map((a) => [a.subnet, a.owner, a.ips, ...(a.mac === undefined ? [] : [a.mac])]),
      c.want,
      c.name,
    );
  }
});
