// Snapshot reads of the store (src/apiserver/store/reads.ts): a resource as it was at a past revision, rebuilt from
// the current rows and the event log's previous bodies, and the counts a list's remainingItemCount is made of.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../../../src/api/types.ts';
import type { Position } from '../../../../src/apiserver/store/reads.ts';
import { Store } from '../../../../src/apiserver/store/store.ts';

const dir = mkdtempSync(join(tmpdir(), 'kovn-store-reads-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const resource = '/configmaps';
const cm = (namespace: string, name: string, value: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, uid: `uid-${namespace}-${name}` },
  data: { value },
});

/** `ns/name=value` of each object, in the order read. */
const seen = (objects: Iterable<KubeObject>): string[] =>
  [...objects].map(
    (o) => `${o.metadata.namespace}/${o.metadata.name}=${(o['data'] as { value: string }).value}`,
  );

function history(path: string): { store: Store; snapshot: number } {
  const store = new Store(path);
  const put = (namespace: string, name: string, value: string): void => {
    const old = store.get(resource, namespace, name);
    const object = cm(namespace, name, value);
    store.commit([{ type: old ? 'MODIFIED' : 'ADDED', resource, object, prev: old }]);
  };
  const remove = (namespace: string, name: string): void => {
    const old = store.get(resource, namespace, name)!;
    // No `prev` passed: the history records the replaced row itself.
    store.commit([{ type: 'DELETED', resource, object: old }]);
  };
  for (const name of ['a', 'b', 'c', 'd', 'e']) put('default', name, '1');
  put('other', 'a', '1');
  const snapshot = store.revision();
  remove('default', 'b');
  put('default', 'c', '2');
  put('default', 'c', '3');
  remove('default', 'd');
  put('default', 'd', 'new');
  put('default', 'f', 'new');
  put('default', 'g', 'new');
  remove('default', 'g');
  remove('other', 'a');
  put('other', 'z', 'new');
  return { store, snapshot };
}

describe('store snapshot reads', () => {
  let store: Store;
  let snapshot: number;
  before(() => ({ store, snapshot } = history(join(dir, 'history.db'))));
  after(() => store.close());
  const atSnapshot = ['default/a=1', 'default/b=1', 'default/c=1', 'default/d=1', 'default/e=1', 'other/a=1'];
  const now = ['default/a=1', 'default/c=3', 'default/d=new', 'default/e=1', 'default/f=new', 'other/z=new'];
  const cases: Array<{
    name: string;
    namespace?: string;
    after?: Position;
    at: 'snapshot' | 'now' | 'latest';
    want: string[];
  }> = [
    { name: 'everything at the snapshot', at: 'snapshot', want: atSnapshot },
    { name: 'everything now, read at the current revision', at: 'now', want: now },
    { name: 'everything now, read as the latest', at: 'latest', want: now },
    {
      name: 'one namespace at the snapshot, after a key',
      namespace: 'default',
      after: { namespace: 'default', name: 'b' },
      at: 'snapshot',
      want: ['default/c=1', 'default/d=1', 'default/e=1'],
    },
    {
      name: 'all namespaces at the snapshot, after the last key of a namespace',
      after: { namespace: 'default', name: 'e' },
      at: 'snapshot',
      want: ['other/a=1'],
    },
    {
      name: 'all namespaces now, after a deleted key',
      after: { namespace: 'default', name: 'b' },
      at: 'latest',
      want: ['default/c=3', 'default/d=new', 'default/e=1', 'default/f=new', 'other/z=new'],
    },
    { name: 'a namespace with nothing in it', namespace: 'none', at: 'snapshot', want: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const at = c.at === 'snapshot' ? snapshot : c.at === 'now' ? store.revision() : undefined;
      assert.deepEqual(seen(store.scan(resource, c.namespace, c.after, at)), c.want);
      assert.equal(store.countAfter(resource, c.namespace, c.after, at), c.want.length, 'count');
    });
  }

  it('reads every revision in between as it was', () => {
    for (let at = snapshot; at <= store.revision(); at++) {
      const replay = new Map<string, KubeObject>();
      for (const o of store.scan(resource, undefined, undefined, snapshot))
        replay.set(`${o.metadata.namespace}/${o.metadata.name}`, o);
      for (const e of store.eventsSince(snapshot, resource)) {
        if (e.rv > at) break;
        if (e.type === 'DELETED') replay.delete(`${e.namespace}/${e.name}`);
        else replay.set(`${e.namespace}/${e.name}`, e.object);
      }
      const want = seen([...replay.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, o]) => o));
      assert.deepEqual(seen(store.scan(resource, undefined, undefined, at)), want, `at ${at}`);
      assert.equal(store.countAfter(resource, undefined, undefined, at), want.length, `count at ${at}`);
    }
  });
});
