import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { KubeObject } from '../../../src/api/types.ts';
import { Store } from '../../../src/apiserver/store/store.ts';

const dir = mkdtempSync(join(tmpdir(), 'kovn-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const cm = (name: string, ns = 'default', extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns, uid: `uid-${name}`, ...extra },
});

describe('store', () => {
  it('gives each change the next revision, records events, and scans in (namespace, name) order', () => {
    const store = new Store(join(dir, 'a.db'));
    const start = store.revision();
    const events = store.commit([
      { type: 'ADDED', resource: '/configmaps', object: cm('b') },
      { type: 'ADDED', resource: '/configmaps', object: cm('a', 'other') },
      { type: 'ADDED', resource: '/configmaps', object: cm('a') },
    ]);
    assert.deepEqual(
      events.map((e) => e.rv),
      [start + 1, start + 2, start + 3],
    );
    assert.equal(store.get('/configmaps', 'default', 'b')?.metadata.resourceVersion, String(start + 1));
    assert.deepEqual(
      [...store.scan('/configmaps', undefined, undefined)].map(
        (o) => `${o.metadata.namespace}/${o.metadata.name}`,
      ),
      ['default/a', 'default/b', 'other/a'],
    );
    assert.deepEqual(
      [...store.scan('/configmaps', undefined, { namespace: 'default', name: 'a' })].map(
        (o) => o.metadata.name,
      ),
      ['b', 'a'],
    );
    assert.deepEqual(
      [...store.scan('/configmaps', 'default', undefined)].map((o) => o.metadata.name),
      ['a', 'b'],
    );
    const old = store.get('/configmaps', 'default', 'a')!;
    store.commit([{ type: 'DELETED', resource: '/configmaps', object: old, prev: old }]);
    assert.equal(store.get('/configmaps', 'default', 'a'), undefined);
    assert.deepEqual(
      store.eventsSince(start + 2, '/configmaps').map((e) => `${e.type} ${e.name} ${e.prev ? 'prev' : ''}`),
      ['ADDED a ', 'DELETED a prev'],
    );
    store.close();
  });

  it('indexes owners and survives reopening', () => {
    const path = join(dir, 'b.db');
    let store = new Store(path);
    store.commit([
      { type: 'ADDED', resource: '/configmaps', object: cm('owner') },
      {
        type: 'ADDED',
        resource: '/configmaps',
        object: cm('dep', 'default', {
          ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'uid-owner' }],
        }),
      },
    ]);
    const rev = store.revision();
    store.close();
    store = new Store(path);
    assert.equal(store.revision(), rev);
    assert.deepEqual(store.dependents('uid-owner'), [
      { resource: '/configmaps', namespace: 'default', name: 'dep' },
    ]);
    assert.deepEqual(store.findUid('uid-dep'), {
      resource: '/configmaps',
      namespace: 'default',
      name: 'dep',
    });
    const owner = store.get('/configmaps', 'default', 'owner')!;
    store.commit([{ type: 'DELETED', resource: '/configmaps', object: owner, prev: owner }]);
    assert.deepEqual(store.danglingOwners(), ['uid-owner']);
    store.close();
  });

  it('compacts the event log beyond its window', () => {
    const store = new Store(join(dir, 'c.db'), { eventWindow: 10 });
    for (let i = 0; i < 50; i++)
      store.commit([{ type: 'ADDED', resource: '/configmaps', object: cm(`n${i}`) }]);
    assert.ok(
      store.compactedRevision() >= store.revision() - 11,
      `compacted ${store.compactedRevision()} revision ${store.revision()}`,
    );
    assert.ok(store.eventsSince(store.compactedRevision()).length <= 11);
    store.close();
  });
});
