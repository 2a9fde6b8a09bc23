// The API-server writer (src/kube/writer-kube.ts) against kovn's embedded API server, where another writer changes the
// object between our read (the cached copy a reconcile decides on) and our write: a finalizer another controller
// added survives our adding or removing ours (and one it removed is not put back), through the call sites the
// reconcilers use (ensureFinalizer, the NAT kinds' change, an IP object let go); conflicting writes are retried a
// bounded number of times and then fail clearly; nothing is written when nothing changes. Labels and annotations,
// patched by key, keep another writer's keys; a replace from a stale copy is a 409, not an overwrite. And the
// write-expectations wrapper, over a real informer, knows the echo of a finalizer change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeConfig } from '@kubernetes/client-node';
import { FINALIZER } from '../../../src/api/constants.ts';
import type { IpObject } from '../../../src/api/kinds/ip.ts';
import type { KubeObject } from '../../../src/api/types.ts';
import { finalizerChange } from '../../../src/controller/reconcilers/natgw/finalized.ts';
import { writeNicRecords } from '../../../src/controller/reconcilers/pod-ips.ts';
import { isConflict } from '../../../src/kube/errors.ts';
import { InformerClusterView } from '../../../src/kube/informer-view.ts';
import { KubeInformer } from '../../../src/kube/informer-kube.ts';
import { kubeRequest } from '../../../src/kube/request.ts';
import { kindCollectionPath, kindInfo, objectPath } from '../../../src/kube/resources.ts';
import { WriteExpectations } from '../../../src/kube/write-expectations.ts';
import { changeFinalizers, ensureFinalizer, refOf } from '../../../src/kube/writer.ts';
import { FINALIZER_ATTEMPTS, KubeObjectWriter } from '../../../src/kube/writer-kube.ts';
import { embeddedApiServer, eventually } from '../../support/embedded-apiserver.ts';
import { HoldingProxy } from '../../support/holding-proxy.ts';
import { memoryView } from '../../support/objects.ts';

const OTHER = 'other.io/x';
const DEPRECATED = 'kube-ovn-controller';

const vpc = (name: string, finalizers: string[] = []): KubeObject => ({
  apiVersion: 'kubeovn.io/v1',
  kind: 'Vpc',
  metadata: { name, finalizers },
  spec: {},
});

/** Reads and writes as another client would: from the stored object, against its resourceVersion. */
function client(kc: KubeConfig) {
  const get = (kind: string, name: string) =>
    kubeRequest<KubeObject>(kc, { method: 'GET', path: objectPath(kind, name) }).catch(() => undefined);
  const patch = (kind: string, name: string, metadata: Record<string, unknown>) =>
    kubeRequest<KubeObject>(kc, {
      method: 'PATCH',
      path: objectPath(kind, name),
      body: { metadata },
      patch: 'merge',
    });
  return {
    get,
    create: (obj: KubeObject) =>
      kubeRequest<KubeObject>(kc, { method: 'POST', path: kindCollectionPath(obj.kind), body: obj }),
    remove: (kind: string, name: string) =>
      kubeRequest(kc, { method: 'DELETE', path: objectPath(kind, name) }),
    patch,
    /** Another controller's finalizer change, made from a fresh read. */
    async finalizers(kind: string, name: string, change: (list: string[]) => string[]) {
      const now = await get(kind, name);
      const { resourceVersion, finalizers = [] } = now?.metadata ?? {};
      await patch(kind, name, { resourceVersion, finalizers: change(finalizers) });
    },
  };
}

async function setup(t: Parameters<typeof embeddedApiServer>[0]) {
  const lab = await embeddedApiServer(t);
  const other = client(lab.kubeConfig);
  const writer = new KubeObjectWriter(lab.kubeConfig);
  return { lab, other, writer };
}

void test('finalizers: ours added from a stale copy keeps the one another controller added meanwhile', async (t) => {
  const { other, writer } = await setup(t);
  const stale = await other.create(vpc('add'));
  await other.finalizers('Vpc', 'add', (l) => [...l, OTHER]);
  await ensureFinalizer(writer, stale, FINALIZER, true);
  assert.deepEqual((await other.get('Vpc', 'add'))?.metadata.finalizers, [OTHER, FINALIZER]);
  assert.equal(writer.writes, 2, 'one write refused as stale (409), one against the re-read object');
});

void test("finalizers: the NAT kinds' change (old name out, ours in) from a stale copy keeps the other", async (t) => {
  const { other, writer } = await setup(t);
  const stale = await other.create(vpc('nat', [DEPRECATED]));
  await other.finalizers('Vpc', 'nat', (l) => [...l, OTHER]);
  await changeFinalizers(writer, stale, finalizerChange(true));
  assert.deepEqual((await other.get('Vpc', 'nat'))?.metadata.finalizers, [OTHER, FINALIZER]);
});

void test('finalizers: ours removed from a stale copy of a deleted object: the other stays, and holds the object', async (t) => {
  const { other, writer } = await setup(t);
  const stale = await other.create(vpc('going', [FINALIZER]));
  await other.finalizers('Vpc', 'going', (l) => [...l, OTHER]);
  await other.remove('Vpc', 'going');
  await ensureFinalizer(writer, stale, FINALIZER, false);
  const after = await other.get('Vpc', 'going');
  assert.deepEqual(after?.metadata.finalizers, [OTHER]);
  assert.ok(after?.metadata.deletionTimestamp, 'still being deleted, waiting for the other controller');
  await other.finalizers('Vpc', 'going', (l) => l.filter((f) => f !== OTHER));
  assert.equal(await other.get('Vpc', 'going'), undefined);
});

void test('finalizers: an IP object let go after the other controller removed its own: nothing put back, it goes', async (t) => {
  const { other, writer } = await setup(t);
  const ip: IpObject = {
    apiVersion: 'kubeovn.io/v1',
    kind: 'IP',
    metadata: { name: 'p.ns1', finalizers: [FINALIZER, OTHER] },
    spec: { podName: 'p', namespace: 'ns1', subnet: 's1', ipAddress: '10.0.1.5' },
  };
  await other.create(ip);
  await other.remove('IP', 'p.ns1');
  const stale = (await other.get('IP', 'p.ns1')) as IpObject;
  await other.finalizers('IP', 'p.ns1', (l) => l.filter((f) => f !== OTHER));
  const nic = {
    name: 'p.ns1',
    podName: 'p',
    namespace: 'ns1',
    subnet: 's1',
    nodeName: 'n1',
    podType: '',
    allocation: { ipAddress: '10.0.1.5', v4: '10.0.1.5', mac: '00:00:00:00:00:01' },
  };
  await writeNicRecords(writer, memoryView([stale]), [nic]);
  assert.equal(await other.get('IP', 'p.ns1'), undefined, 'gone: the other finalizer was not written back');
});

void test('finalizers: a writer that always finds a newer version gives up after a bounded number of tries', async (t) => {
  const { lab, other } = await setup(t);
  // Through a proxy that lets another writer change the object after each answer the writer gets (a re-read too),
  // so every write it makes is against a version that is no longer current.
  const proxy = new HoldingProxy(lab.server);
  await proxy.listen();
  lab.defer(() => proxy.close());
  const writer = new KubeObjectWriter(proxy.kubeConfig());
  let n = 0;
  const bump = async () => {
    await other.patch('Vpc', 'busy', { annotations: { bump: String(++n) } });
  };
  const stale = await other.create(vpc('busy'));
  await bump();
  for (let i = 0; i < 2 * FINALIZER_ATTEMPTS; i++)
    proxy.holdNext((u) => u.pathname.endsWith('/vpcs/busy'), bump);
  const refused = await writer.updateFinalizers(stale, { add: [FINALIZER] }).then(
    () => assert.fail('the write went through'),
    (err: unknown) => err as Error,
  );
  assert.match(
    refused.message,
    new RegExp(
      `^Vpc busy: finalizers not updated .*: ${FINALIZER_ATTEMPTS} writes in a row found a newer version$`,
    ),
  );
  assert.ok(isConflict(refused.cause), 'the last 409 is the cause');
  assert.equal(writer.writes, FINALIZER_ATTEMPTS);
  assert.deepEqual((await other.get('Vpc', 'busy'))?.metadata.finalizers ?? [], []);
});

void test('finalizers: nothing to change writes nothing; an object gone is gone', async (t) => {
  const { other, writer } = await setup(t);
  const obj = await other.create(vpc('quiet', [OTHER, FINALIZER]));
  assert.equal(await writer.updateFinalizers(obj, { add: [FINALIZER], remove: [DEPRECATED] }), 'unchanged');
  assert.equal(writer.writes, 0);
  // Stale and already as wanted on the server: re-read, nothing left to do.
  await other.finalizers('Vpc', 'quiet', (l) => l.filter((f) => f !== FINALIZER));
  const stale = await other.get('Vpc', 'quiet');
  await other.finalizers('Vpc', 'quiet', (l) => [...l, FINALIZER]);
  assert.equal(await writer.updateFinalizers(stale!, { add: [FINALIZER] }), 'unchanged');
  assert.equal(writer.writes, 1, 'the stale write was refused; the re-read object needed none');
  await other.finalizers('Vpc', 'quiet', () => []);
  await other.remove('Vpc', 'quiet');
  assert.equal(await writer.updateFinalizers(stale!, { add: [FINALIZER] }), 'gone');
});

void test('labels and annotations are patched by key: keys another writer set after our read stay', async (t) => {
  const { other, writer } = await setup(t);
  const stale = await other.create(vpc('keys'));
  await other.patch('Vpc', 'keys', { labels: { 'other.io/l': 'a' }, annotations: { 'other.io/a': 'b' } });
  await writer.patchLabels(refOf(stale), { 'ours/l': '1' });
  await writer.patchAnnotations(refOf(stale), { 'ours/a': '2' });
  const after = await other.get('Vpc', 'keys');
  assert.deepEqual(after?.metadata.labels, { 'other.io/l': 'a', 'ours/l': '1' });
  assert.deepEqual(after?.metadata.annotations, { 'other.io/a': 'b', 'ours/a': '2' });
  // A replace from the stale copy (IP objects, EIPs, the gateway workload) is refused, not an overwrite.
  const replaced = { ...stale, metadata: { ...stale.metadata, labels: { 'ours/l': '1' } } };
  await assert.rejects(writer.update(replaced), (err: unknown) => isConflict(err));
  assert.deepEqual((await other.get('Vpc', 'keys'))?.metadata.labels, after?.metadata.labels);
});

void test('write expectations over a real informer: the echo of a finalizer change is known, a foreign one is not', async (t) => {
  const { lab, other, writer } = await setup(t);
  await other.create(vpc('echo'));
  const informer = new KubeInformer({ kubeConfig: lab.kubeConfig, resource: kindInfo('Vpc') });
  lab.defer(() => informer.stop());
  const expectations = new WriteExpectations(new InformerClusterView([informer]));
  const verdicts: string[] = [];
  informer.on('update', (obj, old) => {
    const echo = expectations.isEcho(obj, old);
    verdicts.push(`${echo ? 'echo' : 'change'} ${JSON.stringify(obj.metadata.finalizers ?? [])}`);
  });
  await informer.start();
  const wrapped = expectations.wrap(writer);
  const cached = () => informer.get('echo')!;
  const seen = (count: number) => eventually(() => verdicts.length === count, `${count} updates`);
  await other.finalizers('Vpc', 'echo', (l) => [...l, DEPRECATED]);
  await seen(1);
  await changeFinalizers(wrapped, cached(), finalizerChange(true));
  await seen(2);
  // A stale copy: the foreign finalizer lands first, our write is re-made against it; neither is taken for an echo.
  const stale = cached();
  await other.finalizers('Vpc', 'echo', (l) => [...l, OTHER]);
  await changeFinalizers(wrapped, stale, { remove: [FINALIZER] });
  await seen(4);
  assert.deepEqual(verdicts, [
    `change ${JSON.stringify([DEPRECATED])}`,
    `echo ${JSON.stringify([FINALIZER])}`,
    `change ${JSON.stringify([FINALIZER, OTHER])}`,
    `change ${JSON.stringify([OTHER])}`,
  ]);
  assert.equal(expectations.pending, 0);
});
