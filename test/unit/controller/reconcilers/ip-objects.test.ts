// Table-driven tests of the pure IP-object mapping: a pod's NICs -> the IP objects Kube-OVN's createOrUpdateIPCR
// writes (names, every spec field, labels), the one write that converges an existing object (nothing when equal; a
// reservation keeps being one), and the readers: who an object belongs to, what it asks for, the pod it names.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IpObject } from '../../../../src/api/kinds/ip.ts';
import type { KubeObject } from '../../../../src/api/types.ts';
import {
  goesWithPod,
  ipObjectFor,
  ipObjectWrite,
  isReservationFor,
  podKeyOf,
  podNicRecords,
  podTypeOf,
  requestOf,
  type NicRecord,
} from '../../../../src/controller/reconcilers/ip-objects.ts';

const pod = (name: string, extra: { nodeName?: string; stsOwner?: string } = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'ns1',
    ...(extra.stsOwner
      ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: extra.stsOwner, uid: 'u1' }] }
      : {}),
  },
  spec: extra.nodeName ? { nodeName: extra.nodeName } : {},
});
const v4 = { v4: '10.0.1.2', ipAddress: '10.0.1.2', mac: '0a:00:00:00:00:02' };
const dual = { v4: '10.0.1.3', v6: 'fd00::3', ipAddress: '10.0.1.3,fd00::3', mac: '0a:00:00:00:00:03' };

const labels = (subnet: string, node: string, reserved: 'true' | 'false'): Record<string, string> => ({
  'ovn.kubernetes.io/subnet': subnet,
  'ovn.kubernetes.io/node-name': node,
  [subnet]: '',
  'ovn.kubernetes.io/ip_reserved': reserved,
});
const spec = (over: Record<string, unknown>) => ({
  podName: 'web',
  namespace: 'ns1',
  subnet: 'net1',
  attachSubnets: [],
  nodeName: 'kube-ovn-worker',
  ipAddress: '10.0.1.2',
  v4IpAddress: '10.0.1.2',
  v6IpAddress: '',
  attachIps: [],
  macAddress: '0a:00:00:00:00:02',
  attachMacs: [],
  containerID: '',
  podType: '',
  ...over,
});

describe('a pod NIC -> its IP object', () => {
  it('names, fields and labels as Kube-OVN writes them', () => {
    const ext = 'ovn-vpc-external-network.kube-system';
    const cases: {
      name: string;
      pod: KubeObject;
      primary: { subnet: string; allocation: NicRecord['allocation'] };
      attachments?: { owner: string; subnet: string; allocation: NicRecord['allocation'] }[];
      want: { name: string; labels: Record<string, string>; spec: Record<string, unknown> }[];
    }[] = [
      {
        name: 'a primary NIC on a node',
        pod: pod('web', { nodeName: 'kube-ovn-worker' }),
        primary: { subnet: 'net1', allocation: v4 },
        want: [{ name: 'web.ns1', labels: labels('net1', 'kube-ovn-worker', 'false'), spec: spec({}) }],
      },
      {
        name: 'not scheduled yet: no node',
        pod: pod('web'),
        primary: { subnet: 'net1', allocation: v4 },
        want: [{ name: 'web.ns1', labels: labels('net1', '', 'false'), spec: spec({ nodeName: '' }) }],
      },
      {
        name: 'dual stack',
        pod: pod('web', { nodeName: 'n' }),
        primary: { subnet: 'net1', allocation: dual },
        want: [
          {
            name: 'web.ns1',
            labels: labels('net1', 'n', 'false'),
            spec: spec({
              nodeName: 'n',
              ipAddress: '10.0.1.3,fd00::3',
              v4IpAddress: '10.0.1.3',
              v6IpAddress: 'fd00::3',
              macAddress: '0a:00:00:00:00:03',
            }),
          },
        ],
      },
      {
        name: "a StatefulSet's pod with an attachment: one object per NIC",
        pod: pod('gw-0', { nodeName: 'n', stsOwner: 'gw' }),
        primary: { subnet: 'net1', allocation: v4 },
        attachments: [
          {
            owner: `gw-0.ns1.${ext}`,
            subnet: 'ovn-vpc-external-network',
            allocation: { v4: '192.168.0.11', ipAddress: '192.168.0.11', mac: '0a:00:00:00:00:11' },
          },
        ],
        want: [
          {
            name: 'gw-0.ns1',
            labels: labels('net1', 'n', 'false'),
            spec: spec({ podName: 'gw-0', nodeName: 'n', podType: 'StatefulSet' }),
          },
          {
            name: `gw-0.ns1.${ext}`,
            labels: labels('ovn-vpc-external-network', 'n', 'false'),
            spec: spec({
              podName: 'gw-0',
              subnet: 'ovn-vpc-external-network',
              nodeName: 'n',
              ipAddress: '192.168.0.11',
              v4IpAddress: '192.168.0.11',
              macAddress: '0a:00:00:00:00:11',
              podType: 'StatefulSet',
            }),
          },
        ],
      },
    ];
    for (const c of cases) {
      const objects = podNicRecords(c.pod, c.primary, c.attachments ?? []).map((nic) => ipObjectFor(nic));
      assert.deepEqual(
        objects.map((o) => ({ name: o.metadata.name, labels: o.metadata.labels, spec: o.spec })),
        c.want,
        c.name,
      );
      for (const o of objects) {
        assert.equal(o.apiVersion, 'kubeovn.io/v1', c.name);
        assert.equal(o.kind, 'IP', c.name);
        assert.equal(o.metadata.finalizers, undefined, `${c.name}: no finalizer`);
        assert.equal(o.metadata.ownerReferences, undefined, `${c.name}: no owner reference`);
      }
    }
  });

  it('a subnet name too long for a label key, or a node name too long for a value, is left out', () => {
    const long = 'x'.repeat(64);
    const [nic] = podNicRecords(pod('web', { nodeName: long }), { subnet: long, allocation: v4 }, []);
    assert.deepEqual(ipObjectFor(nic!).metadata.labels, {
      'ovn.kubernetes.io/subnet': long,
      'ovn.kubernetes.io/ip_reserved': 'false',
    });
  });
});

describe('the one write that converges an existing object', () => {
  const nic: NicRecord = {
    name: 'web.ns1',
    podName: 'web',
    namespace: 'ns1',
    subnet: 'net1',
    nodeName: 'kube-ovn-worker',
    podType: '',
    allocation: v4,
  };
  const ip = (labelsOf: Record<string, string>, specOf: Record<string, unknown>): IpObject => ({
    apiVersion: 'kubeovn.io/v1',
    kind: 'IP',
    metadata: { name: 'web.ns1', resourceVersion: '7', labels: labelsOf },
    spec: specOf,
  });
  it('creates, updates only what differs, and keeps what it does not own', () => {
    const ours = labels('net1', 'kube-ovn-worker', 'false');
    const cases: {
      name: string;
      current: IpObject | undefined;
      want: 'create' | 'none' | { labels: Record<string, string>; spec: Record<string, unknown> };
    }[] = [
      { name: 'absent', current: undefined, want: 'create' },
      { name: 'equal', current: ip(ours, spec({})), want: 'none' },
      {
        name: 'the node changed',
        current: ip(labels('net1', '', 'false'), spec({ nodeName: '' })),
        want: { labels: ours, spec: spec({}) },
      },
      {
        name: 'the subnet changed: the old subnet label goes',
        current: ip(labels('net0', 'kube-ovn-worker', 'false'), spec({ subnet: 'net0' })),
        want: { labels: ours, spec: spec({}) },
      },
      {
        name: "a user's reservation: filled in, labelled reserved, its own labels and containerID kept",
        current: ip({ team: 'a' }, { podName: 'web', namespace: 'ns1', subnet: 'net1', containerID: 'c1' }),
        want: {
          labels: { team: 'a', ...labels('net1', 'kube-ovn-worker', 'true') },
          spec: spec({ containerID: 'c1' }),
        },
      },
      {
        name: 'a reservation already filled in',
        current: ip(labels('net1', 'kube-ovn-worker', 'true'), spec({})),
        want: 'none',
      },
    ];
    for (const c of cases) {
      const write = ipObjectWrite(nic, c.current);
      if (c.want === 'none') assert.equal(write, undefined, c.name);
      else if (c.want === 'create') assert.equal(write?.verb, 'create', c.name);
      else {
        assert.equal(write?.verb, 'update', c.name);
        assert.deepEqual(write?.object.metadata.labels, c.want.labels, c.name);
        assert.deepEqual(write?.object.spec, c.want.spec, c.name);
        assert.equal(write?.object.metadata.resourceVersion, '7', `${c.name}: written against its version`);
      }
    }
  });
});

describe('reading an IP object', () => {
  const ip = (labelsOf: Record<string, string>, specOf: IpObject['spec'], deleting = false): IpObject => ({
    apiVersion: 'kubeovn.io/v1',
    kind: 'IP',
    metadata: {
      name: 'web.ns1',
      labels: labelsOf,
      ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    ...(specOf ? { spec: specOf } : {}),
  });
  const names = { podName: 'web', namespace: 'ns1', subnet: 'net1' };
  it('who it belongs to: ip_reserved "false" goes with its pod, anything else is a reservation', () => {
    const cases: [string, IpObject, boolean, boolean][] = [
      ['kovn record', ip({ 'ovn.kubernetes.io/ip_reserved': 'false' }, names), true, false],
      ["a user's, unlabelled", ip({}, names), false, true],
      ['labelled reserved', ip({ 'ovn.kubernetes.io/ip_reserved': 'true' }, names), false, true],
      ['for another pod', ip({}, { ...names, podName: 'other' }), false, false],
      ['in another namespace', ip({}, { ...names, namespace: 'ns2' }), false, false],
      ['being deleted', ip({}, names, true), false, false],
      ['no spec', ip({}, undefined), false, false],
    ];
    for (const [name, obj, goes, reserves] of cases) {
      assert.equal(goesWithPod(obj), goes, name);
      assert.equal(isReservationFor(obj, 'web', 'ns1'), reserves, name);
    }
    assert.equal(isReservationFor(undefined, 'web', 'ns1'), false);
  });

  it('what it asks for, and the pod it names', () => {
    const cases: [string, IpObject['spec'], object, string | undefined][] = [
      ['nothing', names, {}, 'Pod/ns1/web'],
      [
        'ipAddress and MAC',
        { ...names, ipAddress: '10.0.1.7', macAddress: 'aa' },
        { ips: '10.0.1.7', mac: 'aa' },
        'Pod/ns1/web',
      ],
      [
        'v4 and v6 fields',
        { ...names, v4IpAddress: '10.0.1.7', v6IpAddress: 'fd00::7' },
        { ips: '10.0.1.7,fd00::7' },
        'Pod/ns1/web',
      ],
      ['v6 only', { ...names, v6IpAddress: 'fd00::7' }, { ips: 'fd00::7' }, 'Pod/ns1/web'],
      ['no pod', { subnet: 'net1', ipAddress: '10.0.1.7' }, { ips: '10.0.1.7' }, undefined],
    ];
    for (const [name, specOf, request, key] of cases) {
      assert.deepEqual(requestOf(ip({}, specOf)), request, name);
      assert.equal(podKeyOf(ip({}, specOf)), key, name);
    }
  });

  it("a pod's type: StatefulSet only when an apps StatefulSet whose name prefixes the pod's owns it", () => {
    const owned = (apiVersion: string, kind: string, owner: string, name = 'web-0'): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'ns1', ownerReferences: [{ apiVersion, kind, name: owner, uid: 'u' }] },
    });
    const cases: [string, KubeObject, string][] = [
      ['no owner', pod('web-0'), ''],
      ['a StatefulSet', owned('apps/v1', 'StatefulSet', 'web'), 'StatefulSet'],
      ['a ReplicaSet', owned('apps/v1', 'ReplicaSet', 'web'), ''],
      ['another group', owned('example.io/v1', 'StatefulSet', 'web'), ''],
      ['a name it does not prefix', owned('apps/v1', 'StatefulSet', 'db'), ''],
    ];
    for (const [name, p, want] of cases) assert.equal(podTypeOf(p), want, name);
  });
});
