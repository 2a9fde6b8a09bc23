// A pod's IP objects through the in-memory writer: each NIC's record written once and not again when unchanged;
// when the pod goes, each NIC's object decides (kovn's record deleted and the address released; a user's reservation
// kept, labelled and given its address, or refused with a reason, or waiting for its subnet; an object for another
// pod left alone; one held by Kube-OVN's finalizer let go; on a non-OVN subnet no MAC); and the IP watch maps only
// what its pod must look at.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IpObject } from '../../../../src/api/kinds/ip.ts';
import type { KubeObject } from '../../../../src/api/types.ts';
import { Ipam } from '../../../../src/ipam/index.ts';
import { InformerClusterView } from '../../../../src/kube/informer-view.ts';
import { podNicRecords } from '../../../../src/controller/reconcilers/ip-objects.ts';
import { podIpWatch } from '../../../../src/controller/reconcilers/pod-ip-watch.ts';
import { releaseNics, writeNicRecords } from '../../../../src/controller/reconcilers/pod-ips.ts';
import { FakeClock } from '../../../../src/util/clock.ts';
import { InMemoryInformer } from '../../../support/informer-memory.ts';
import { kubeovn } from '../../../support/objects.ts';
import { MemoryObjectWriter } from '../../../support/writer-memory.ts';

const EXT = 'ovn-vpc-external-network.kube-system';

function world(objects: KubeObject[], unready = false) {
  const informers = ['IP', 'Subnet', 'Pod'].map(
    (kind) => new InMemoryInformer({ kind, objects: objects.filter((o) => o.kind === kind) }),
  );
  for (const i of informers) void i.start();
  const subnets = [
    kubeovn('Subnet', 'net1', { cidrBlock: '10.0.1.0/24' }),
    kubeovn('Subnet', 'ext', { cidrBlock: '192.168.0.0/24', provider: EXT }),
  ];
  for (const s of subnets) informers[1]!.set(s);
  const ipam = new Ipam();
  for (const [name, cidrBlock, gateway] of [
    ['net1', '10.0.1.0/24', '10.0.1.1'],
    ['ext', '192.168.0.0/24', '192.168.0.1'],
  ] as const) {
    if (unready && name === 'net1') continue;
    assert.ok(ipam.addOrUpdateSubnet({ name, cidrBlock, gateway, excludeIps: [], reservedMacs: [] }).ok);
  }
  const writer = new MemoryObjectWriter(informers, new FakeClock(0));
  return { view: new InformerClusterView(informers), ipam, writer, ip: (n: string) => informers[0]!.get(n) };
}

const ip = (name: string, labels: Record<string, string>, spec: Record<string, unknown>, extra = {}) =>
  kubeovn('IP', name, spec, { metadata: { name, labels, ...extra } });
const OURS = { 'ovn.kubernetes.io/ip_reserved': 'false' };
const NIC = { podName: 'a', namespace: 'ns1', subnet: 'net1' };
const pod = (nodeName?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'a', namespace: 'ns1' },
  spec: nodeName ? { nodeName } : {},
});

describe('a live pod: each NIC recorded once', () => {
  it('creates, writes nothing when unchanged, updates what changed', async () => {
    const w = world([]);
    const alloc = w.ipam.allocate('net1', 'a.ns1');
    assert.ok(alloc.ok);
    const nics = (node?: string) =>
      podNicRecords(pod(node), { subnet: 'net1', allocation: alloc.allocation }, []);
    await writeNicRecords(w.writer, w.view, nics('n1'));
    assert.equal(w.writer.writes, 1);
    assert.equal((w.ip('a.ns1') as IpObject).spec?.ipAddress, '10.0.1.2');
    await writeNicRecords(w.writer, w.view, nics('n1'));
    assert.equal(w.writer.writes, 1, 'converged: no write');
    await writeNicRecords(w.writer, w.view, nics('n2'));
    assert.equal(w.writer.writes, 2);
    assert.equal((w.ip('a.ns1') as IpObject).spec?.nodeName, 'n2');
    assert.equal(w.ip('a.ns1')?.metadata.labels?.['ovn.kubernetes.io/node-name'], 'n2');
  });

  it("an object being deleted loses Kube-OVN's finalizer and is not written", async () => {
    const held = ip('a.ns1', OURS, NIC, {
      finalizers: ['kubeovn.io/kube-ovn-controller', 'example.io/keep'],
      deletionTimestamp: '2026-01-01T00:00:00Z',
    });
    const w = world([held]);
    const alloc = w.ipam.allocate('net1', 'a.ns1');
    assert.ok(alloc.ok);
    await writeNicRecords(
      w.writer,
      w.view,
      podNicRecords(pod(), { subnet: 'net1', allocation: alloc.allocation }, []),
    );
    assert.deepEqual(w.ip('a.ns1')?.metadata.finalizers, ['example.io/keep']);
    assert.equal((w.ip('a.ns1') as IpObject).spec?.ipAddress, undefined);
  });
});

describe('a gone pod: what each NIC keeps', () => {
  const reservation = (spec: Record<string, unknown>, labels = {}) =>
    ip('a.ns1', labels, { ...NIC, ...spec });
  const cases: {
    name: string;
    objects: KubeObject[];
    before?: [string, string, string?][];
    unready?: boolean;
    want: {
      object: 'gone' | 'same' | Record<string, string>;
      holds: string | undefined;
      changed: string[];
      refused?: string;
      waiting?: boolean;
    };
  }[] = [
    {
      name: "kovn's record: deleted, the address released",
      objects: [ip('a.ns1', OURS, { ...NIC, ipAddress: '10.0.1.2' })],
      before: [['net1', 'a.ns1']],
      want: { object: 'gone', holds: undefined, changed: ['net1'] },
    },
    {
      name: 'no object: the address released',
      objects: [],
      before: [['net1', 'a.ns1']],
      want: { object: 'gone', holds: undefined, changed: ['net1'] },
    },
    {
      name: "a user's reservation: kept, labelled reserved, given its address",
      objects: [reservation({ v4IpAddress: '10.0.1.77' }, { team: 'a' })],
      want: {
        object: { team: 'a', 'ovn.kubernetes.io/ip_reserved': 'true', ipAddress: '10.0.1.77' },
        holds: '10.0.1.77',
        changed: ['net1'],
      },
    },
    {
      name: 'a reservation still held by its pod: kept, nothing changes',
      objects: [reservation({ ipAddress: '10.0.1.2' }, { 'ovn.kubernetes.io/ip_reserved': 'true' })],
      before: [['net1', 'a.ns1']],
      want: {
        object: { 'ovn.kubernetes.io/ip_reserved': 'true', ipAddress: '10.0.1.2' },
        holds: '10.0.1.2',
        changed: [],
      },
    },
    {
      name: 'a reservation of an address another NIC holds: refused, kept as it is',
      objects: [reservation({ ipAddress: '10.0.1.2' })],
      before: [['net1', 'b.ns1']],
      want: { object: 'same', holds: undefined, changed: [], refused: 'AddressConflict' },
    },
    {
      name: 'a reservation without a subnet: refused',
      objects: [reservation({ subnet: '', ipAddress: '10.0.1.9' })],
      want: { object: 'same', holds: undefined, changed: [], refused: 'SubnetMissing' },
    },
    {
      name: 'a reservation whose subnet IPAM does not know yet: waits',
      objects: [reservation({ ipAddress: '10.0.1.9' })],
      unready: true,
      want: { object: 'same', holds: undefined, changed: [], waiting: true },
    },
    {
      name: "a user's object naming another pod: left alone, the address released",
      objects: [ip('a.ns1', {}, { ...NIC, podName: 'x' })],
      before: [['net1', 'a.ns1']],
      want: { object: 'same', holds: undefined, changed: ['net1'] },
    },
    {
      name: "an object held by Kube-OVN's finalizer: let go",
      objects: [
        ip('a.ns1', OURS, NIC, {
          finalizers: ['kube-ovn-controller'],
          deletionTimestamp: '2026-01-01T00:00:00Z',
        }),
      ],
      want: { object: 'gone', holds: undefined, changed: [] },
    },
  ];
  for (const c of cases)
    it(c.name, async () => {
      const w = world(c.objects, c.unready);
      for (const [subnet, owner, ips] of c.before ?? [])
        assert.ok(w.ipam.allocate(subnet, owner, ips ? { ips } : {}).ok);
      const before = w.ip('a.ns1');
      const out = await releaseNics(w, w.view, 'a', 'ns1');
      const after = w.ip('a.ns1') as IpObject | undefined;
      if (c.want.object === 'gone') assert.equal(after, undefined);
      else if (c.want.object === 'same') assert.equal(after, before);
      else {
        const { ipAddress, ...labels } = c.want.object;
        assert.equal(after?.spec?.ipAddress, ipAddress);
        assert.ok(after?.spec?.macAddress);
        for (const [k, v] of Object.entries(labels)) assert.equal(after?.metadata.labels?.[k], v, k);
      }
      assert.equal(w.ipam.get('net1', 'a.ns1')?.ipAddress, c.want.holds);
      assert.deepEqual(out.changedSubnets, c.want.changed);
      assert.deepEqual(
        out.refusals.map((r) => r.reason),
        c.want.refused ? [c.want.refused] : [],
      );
      assert.equal(out.waiting, c.want.waiting ?? false);
    });

  it("an attachment's record goes with it, its address released from the attachment's subnet", async () => {
    const name = `a.ns1.${EXT}`;
    const w = world([ip(name, OURS, { ...NIC, subnet: 'ext', ipAddress: '192.168.0.2' })]);
    assert.ok(w.ipam.allocate('ext', name).ok);
    const out = await releaseNics(w, w.view, 'a', 'ns1');
    assert.equal(w.ip(name), undefined);
    assert.equal(w.ipam.get('ext', name), undefined);
    assert.deepEqual(out.changedSubnets, ['ext']);
  });
});

describe("a reservation of an attachment NIC on a non-OVN subnet (Kube-OVN's ipAcquireAddress)", () => {
  it('holds its address, asks for no MAC and records none', async () => {
    const name = `a.ns1.${EXT}`;
    const mac = '0a:00:00:00:00:42';
    const w = world([ip(name, {}, { ...NIC, subnet: 'ext', ipAddress: '192.168.0.42', macAddress: mac })]);
    const out = await releaseNics(w, w.view, 'a', 'ns1');
    assert.deepEqual([out.held, out.refusals], [[name], []]);
    assert.equal(w.ipam.get('ext', name)?.ipAddress, '192.168.0.42');
    assert.equal(w.ipam.subnet('ext')?.ownerOfMac(mac), undefined, 'the MAC is not taken');
    assert.equal((w.ip(name) as IpObject).spec?.macAddress, '');
  });
});

describe('the IP watch', () => {
  it("maps an object to its pod unless it records its live pod's NIC exactly, or nothing is left", async () => {
    const w = world([]);
    const alloc = w.ipam.allocate('net1', 'a.ns1');
    assert.ok(alloc.ok);
    const podInformer = w.view.informer('Pod') as InMemoryInformer;
    podInformer.set(pod('n1'));
    const watch = podIpWatch(w.ipam);
    await writeNicRecords(
      w.writer,
      w.view,
      podNicRecords(pod('n1'), { subnet: 'net1', allocation: alloc.allocation }, []),
    );
    const record = w.ip('a.ns1')!;
    assert.deepEqual(watch.map(record, w.view), [], 'the echo of our own write');
    podInformer.set(pod('n2'));
    assert.deepEqual(watch.map(record, w.view), ['Pod/ns1/a'], 'the pod moved on');
    podInformer.set(pod('n1'));
    const edited = { ...record, spec: { ...(record['spec'] as object), ipAddress: '10.0.1.99' } };
    assert.deepEqual(watch.map(edited, w.view), ['Pod/ns1/a'], 'not the cached version');
    w.writer.delete({ kind: 'IP', name: 'a.ns1' });
    assert.deepEqual(watch.map(record, w.view), ['Pod/ns1/a'], 'deleted behind its back');
    podInformer.delete('a', 'ns1');
    assert.deepEqual(watch.map(record, w.view), ['Pod/ns1/a'], 'gone with its pod, the address still held');
    w.ipam.release('net1', 'a.ns1');
    assert.deepEqual(watch.map(record, w.view), [], 'the echo of its deletion: nothing left to do');
    const reservation = ip('r.ns1', {}, { ...NIC, podName: 'r' });
    (w.view.informer('IP') as InMemoryInformer).set(reservation);
    assert.deepEqual(watch.map(w.ip('r.ns1')!, w.view), ['Pod/ns1/r'], 'a reservation before its pod');
    assert.deepEqual(watch.map(ip('x', {}, { subnet: 'net1' }), w.view), [], 'naming no pod');
    assert.equal(watch.changed!(record, record), false);
    assert.equal(watch.changed!(edited, record), true);
  });
});
