// A failed store write against real SQLite failures (a trigger that raises, a database at its size quota): the
// original error surfaces as a StoreError with its SQLite code, nothing of the write is applied, and only storage
// failures make the store unready, until the next write commits.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import type { KubeObject } from '../../../src/api/types.ts';
import { StoreError } from '../../../src/apiserver/store/errors.ts';
import { Store, type Change } from '../../../src/apiserver/store/store.ts';

const dir = mkdtempSync(join(tmpdir(), 'kovn-store-failure-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const cm = (name: string, value = ''): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', uid: `uid-${name}` },
  data: { value },
});
const added = (object: KubeObject): Change => ({ type: 'ADDED', resource: '/configmaps', object });

/** A store whose `objects` table refuses rows named `poison` the way `action` says (RAISE(ROLLBACK) or RAISE(ABORT)). */
function poisonedStore(file: string, action: 'ROLLBACK' | 'ABORT'): Store {
  const path = join(dir, file);
  new Store(path).close();
  const db = new DatabaseSync(path);
  db.exec(`CREATE TRIGGER poison BEFORE INSERT ON objects WHEN NEW.name = 'poison'
           BEGIN SELECT RAISE(${action}, 'poisoned row refused'); END`);
  db.close();
  return new Store(path);
}

const cases: Array<{
  name: string;
  store: () => Store;
  changes: Change[];
  code: string;
  message: RegExp;
  wedges: boolean;
}> = [
  {
    name: 'a trigger RAISE(ROLLBACK): SQLite has already rolled back',
    store: () => poisonedStore('rollback.db', 'ROLLBACK'),
    changes: [added(cm('fine')), added(cm('poison'))],
    code: 'SQLITE_CONSTRAINT',
    message: /poisoned row refused \(SQLITE_CONSTRAINT\)/,
    wedges: false,
  },
  {
    name: 'a trigger RAISE(ABORT): the transaction is still open and is rolled back',
    store: () => poisonedStore('abort.db', 'ABORT'),
    changes: [added(cm('fine')), added(cm('poison'))],
    code: 'SQLITE_CONSTRAINT',
    message: /poisoned row refused/,
    wedges: false,
  },
  {
    name: 'the database at its quota: SQLITE_FULL, rolled back by SQLite',
    store: () => new Store(join(dir, 'full.db'), { quotaBytes: 256 * 1024 }),
    changes: [added(cm('fine')), added(cm('huge', 'x'.repeat(512 * 1024)))],
    code: 'SQLITE_FULL',
    message: /database or disk is full \(SQLITE_FULL\)/,
    wedges: true,
  },
];

describe('store write failures', () => {
  for (const c of cases) {
    it(`surfaces ${c.name} as itself and applies nothing`, () => {
      const store = c.store();
      const before = store.revision();
      assert.throws(
        () => store.commit(c.changes),
        (error: unknown) => {
          assert.ok(error instanceof StoreError, `a StoreError, got ${String(error)}`);
          assert.equal(error.code, c.code);
          assert.match(error.message, c.message);
          assert.equal(error.storage, c.wedges);
          assert.equal(error.rollbackError, undefined);
          return true;
        },
      );
      assert.equal(store.revision(), before);
      assert.equal(store.get('/configmaps', 'default', 'fine'), undefined);
      assert.deepEqual(store.eventsSince(before), []);
      if (c.wedges) assert.match(store.unreadyReason() ?? '', /the last write failed: .*\(SQLITE_FULL\)/);
      else assert.equal(store.unreadyReason(), undefined);

      const [event] = store.commit([added(cm('after'))]);
      assert.equal(event?.rv, before + 1);
      assert.equal(store.unreadyReason(), undefined);
      assert.deepEqual(
        store.eventsSince(before).map((e) => e.name),
        ['after'],
      );
      store.close();
    });
  }

  it('leaves errors that are not SQLite failures as they are, and rolls back what came before them', () => {
    const store = new Store(join(dir, 'bug.db'));
    const before = store.revision();
    const cyclic = cm('cyclic') as KubeObject & { self?: unknown };
    cyclic.self = cyclic;
    assert.throws(() => store.commit([added(cm('fine')), added(cyclic)]), TypeError);
    assert.equal(store.get('/configmaps', 'default', 'fine'), undefined);
    assert.equal(store.unreadyReason(), undefined);
    assert.equal(store.commit([added(cm('after'))])[0]?.rv, before + 1);
    store.close();
  });

  it('is unready once closed', () => {
    const store = new Store(join(dir, 'closed.db'));
    assert.equal(store.unreadyReason(), undefined);
    store.close();
    assert.equal(store.unreadyReason(), 'the store is closed');
  });
});
