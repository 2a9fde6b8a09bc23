// vpc-dns's enablement lifecycle, through the VpcDns reconciler and the one of vpc-dns-config on a ControllerManager
// over in-memory informers: a VpcDns created before the ConfigMap is kept, not active, with a NotEnabled condition and
// one Warning Event, and its reconcile fails until the ConfigMap activates it; only the enabled -> disabled transition
// (the ConfigMap deleted or `enable-vpc-dns: "false"`) deletes every VpcDns and what they created; a controller that
// starts and finds vpc-dns disabled, or a ConfigMap deleted while it was disabled, deletes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_NETWORK } from '../../../../src/api/default-network.ts';
import type { KubeObject } from '../../../../src/api/types.ts';
import { mergedForUpdate, needsWrite, type ObjectApplier } from '../../../../src/kube/applier.ts';
import { ControllerManager } from '../../../../src/kube/manager.ts';
import { vpcDnsReconcilers } from '../../../../src/controller/vpc-dns/reconciler.ts';
import { FakeClock } from '../../../../src/util/clock.ts';
import { InMemoryInformer } from '../../../support/informer-memory.ts';
import { configMap, kubeovn } from '../../../support/objects.ts';
import { MemoryObjectWriter } from '../../../support/writer-memory.ts';

const KINDS = [
  'VpcDns',
  'ConfigMap',
  'Deployment',
  'SwitchLBRule',
  'Vpc',
  'Subnet',
  'NetworkAttachmentDefinition',
];
const cluster: KubeObject[] = [
  kubeovn('Vpc', 'v1'),
  kubeovn('Subnet', 'v1-net', { vpc: 'v1' }),
  kubeovn('Subnet', 'ovn-default', { gateway: '10.16.0.1' }),
  configMap('vpc-dns-corefile', { Corefile: '.:53 {\n}\n' }),
];
const dns = (name: string): KubeObject =>
  kubeovn('VpcDns', name, { vpc: 'v1', subnet: 'v1-net' }, { metadata: { name, creationTimestamp: name } });
const enabled = () => configMap('vpc-dns-config', { 'coredns-vip': '10.96.0.3' });
const disabled = () => configMap('vpc-dns-config', { 'coredns-vip': '10.96.0.3', 'enable-vpc-dns': 'false' });
const ABSENT = 'failed to add or update vpc-dns, not enabled: ConfigMap kube-system/vpc-dns-config not found';
const FALSE =
  'failed to add or update vpc-dns, not enabled: ConfigMap kube-system/vpc-dns-config data.enable-vpc-dns is "false"';

/** One controller process: the two reconcilers on a manager, an applier over the in-memory writer. */
async function controller(objects: readonly KubeObject[]) {
  const clock = new FakeClock();
  const informers = new Map(
    KINDS.map((kind) => [
      kind,
      new InMemoryInformer({ kind, objects: objects.filter((o) => o.kind === kind) }),
    ]),
  );
  const writer = new MemoryObjectWriter(informers.values(), clock);
  const applier: ObjectApplier = {
    async apply(desired, current) {
      if (!current) return (await writer.create(desired), 'created');
      if (!needsWrite(desired, current)) return 'unchanged';
      return (await writer.update(mergedForUpdate(current, desired)), 'updated');
    },
    remove: (ref) => writer.remove(ref),
  };
  const manager = new ControllerManager({ informers: informers.values(), clock, concurrency: 4 });
  for (const r of vpcDnsReconcilers({ writer, network: DEFAULT_NETWORK }, applier)) manager.register(r);
  await manager.start();
  await clock.advanceAsync(0);
  const informer = (kind: string) => informers.get(kind)!;
  return {
    manager,
    writer,
    /** Lets the reconciles run and `ms` pass (retries, requeues). */
    settle: (ms = 0) => clock.advanceAsync(ms),
    set: (obj: KubeObject) => informer(obj.kind).set(obj),
    deleteConfig: () => informer('ConfigMap').delete('vpc-dns-config', 'kube-system'),
    objects: () => [...informers.values()].flatMap((i) => i.list()),
    /** A VpcDns as text: absent, or its active flag and Ready reason/message, and whether its workload exists. */
    state(name: string): string {
      const d = informer('VpcDns').get(name);
      const workload = [
        informer('Deployment').get(`vpc-dns-${name}`, 'kube-system'),
        informer('SwitchLBRule').get(`vpc-dns-${name}`),
      ].filter(Boolean).length;
      if (!d) return `absent, workload ${workload}`;
      const status = d['status'] as
        { active?: boolean; conditions?: { type: string; reason: string; message: string }[] } | undefined;
      const ready = status?.conditions?.find((c) => c.type === 'Ready');
      return `active=${String(status?.active)} ${ready?.reason ?? '-'}: ${ready?.message ?? '-'}, workload ${workload}`;
    },
    events: () => writer.events.map((e) => `${e.ref.name} ${e.type} ${e.reason}: ${e.message}`),
    stop: () => manager.stop({ drain: false }),
  };
}

void test('a VpcDns created before vpc-dns-config is kept, not active, with an event; the ConfigMap activates it', async () => {
  const c = await controller([...cluster, dns('a')]);
  assert.equal(c.state('a'), `active=false NotEnabled: ${ABSENT}, workload 0`);
  assert.deepEqual(c.events(), [`a Warning NotEnabled: ${ABSENT}`]);
  const failedBefore = c.manager.metrics().failed;
  assert.ok(failedBefore >= 1, 'the reconcile fails while vpc-dns is not enabled');
  await c.settle(120_000); // retried with backoff, a minute and more: still there, one Event
  assert.ok(c.manager.metrics().failed > failedBefore, 'retried');
  assert.equal(c.state('a'), `active=false NotEnabled: ${ABSENT}, workload 0`);
  assert.equal(c.events().length, 1);

  c.set(enabled());
  await c.settle();
  assert.equal(
    c.state('a'),
    'active=true Active: serving vpc v1 at 10.96.0.3 from subnet v1-net, workload 2',
  );
  await c.stop();
});

void test('only the enabled -> disabled transition deletes every VpcDns and what they created', async () => {
  const cases: {
    name: string;
    turnOff: (c: Awaited<ReturnType<typeof controller>>) => void;
    after: string;
  }[] = [
    { name: 'enable-vpc-dns "false"', turnOff: (c) => c.set(disabled()), after: FALSE },
    { name: 'the ConfigMap deleted', turnOff: (c) => c.deleteConfig(), after: ABSENT },
  ];
  for (const { name, turnOff, after } of cases) {
    const c = await controller([...cluster, dns('a'), dns('b'), enabled()]);
    assert.match(c.state('a'), /^active=true .*workload 2$/, name);
    assert.match(c.state('b'), /^active=false AnotherActive: .*workload 0$/, name);
    turnOff(c);
    await c.settle();
    assert.deepEqual([c.state('a'), c.state('b')], ['absent, workload 0', 'absent, workload 0'], name);
    assert.deepEqual(c.events(), [], `${name}: no NotEnabled noise on objects about to go`);

    // created once the deletions began (before they are confirmed): kept, like any VpcDns while not enabled
    c.set(dns('c'));
    await c.settle(60_000);
    assert.equal(c.state('c'), `active=false NotEnabled: ${after}, workload 0`, name);
    await c.stop();
  }
});

void test('a restart that finds vpc-dns disabled deletes nothing; a disable it then sees does', async () => {
  for (const [name, off, message] of [
    ['enable-vpc-dns "false"', disabled(), FALSE],
    ['the ConfigMap deleted', undefined, ABSENT],
  ] as const) {
    const first = await controller([...cluster, dns('a'), enabled()]);
    assert.match(first.state('a'), /^active=true /, name);
    const left = first.objects().filter((o) => o.metadata.name !== 'vpc-dns-config');
    await first.stop(); // vpc-dns disabled while no controller runs

    const second = await controller([...left, ...(off ? [off] : [])]);
    await second.settle(60_000);
    assert.equal(second.state('a'), `active=false NotEnabled: ${message}, workload 0`, name);

    second.set(enabled());
    await second.settle();
    assert.match(second.state('a'), /^active=true .*workload 2$/, name);
    second.set(disabled());
    await second.settle(5_000);
    assert.equal(second.state('a'), 'absent, workload 0', `${name}: the transition this process saw`);
    await second.stop();
  }
});

void test('a ConfigMap deleted while vpc-dns was disabled deletes nothing', async () => {
  const c = await controller([...cluster, dns('a'), disabled()]);
  assert.equal(c.state('a'), `active=false NotEnabled: ${FALSE}, workload 0`);
  c.deleteConfig();
  await c.settle(60_000);
  assert.equal(c.state('a'), `active=false NotEnabled: ${ABSENT}, workload 0`);
  assert.deepEqual(c.events(), [`a Warning NotEnabled: ${FALSE}`, `a Warning NotEnabled: ${ABSENT}`]);
  await c.stop();
});
