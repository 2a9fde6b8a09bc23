// Contract suite: a write that SQLite refuses (a trigger that raises; the database at its size quota) is answered
// with a Status naming the SQLite failure (500 for this write's own failure, 503 when the storage is at fault), leaves
// nothing behind (no object, no watch event, no revision used), and /readyz reports a wedged store until a write
// commits again, in kube-apiserver's health format.
/* eslint-disable @typescript-eslint/no-unsafe-member-access -- raw JSON responses are asserted structurally */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { startApiServer, type ApiServer } from '../../../src/apiserver/server.ts';
import { Store } from '../../../src/apiserver/store/store.ts';
import { rawRequest, rawWatch, serverOptions, tempDir, type WatchStream } from './helpers.ts';

const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

const configmaps = '/api/v1/namespaces/default/configmaps';

function dataDir(): string {
  const root = tempDir();
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, 'data');
  mkdirSync(dir);
  return dir;
}

async function start(dir: string, quota?: number): Promise<ApiServer> {
  const server = await startApiServer(
    serverOptions(dir, quota === undefined ? {} : { storeQuotaBytes: quota }),
  );
  cleanups.push(() => server.close());
  return server;
}

/** A watch on configmaps from the current revision, and that revision. */
async function watchFromNow(server: ApiServer): Promise<{ rv: number; watch: WatchStream }> {
  const list = await rawRequest(server, 'GET', configmaps);
  const rv = Number(list.body.metadata.resourceVersion);
  const watch = await rawWatch(server, `${configmaps}?watch=true&resourceVersion=${rv}`);
  cleanups.push(() => watch.close());
  return { rv, watch };
}

/** A later write commits with the next revision, and it is the first thing the watch sees. */
async function nextWriteCommits(server: ApiServer, rv: number, watch: WatchStream): Promise<void> {
  const fine = await rawRequest(server, 'POST', configmaps, { body: { metadata: { name: 'fine' } } });
  assert.equal(fine.status, 201, fine.text);
  assert.equal(fine.body.metadata.resourceVersion, String(rv + 1));
  const event = await watch.next();
  assert.equal(`${event.type} ${event.object.metadata.name}`, 'ADDED fine');
}

describe('a write SQLite refuses', () => {
  it('is a 500 naming the SQLite error when SQLite rolled the transaction back itself', async () => {
    const dir = dataDir();
    new Store(join(dir, 'store.db')).close();
    const db = new DatabaseSync(join(dir, 'store.db'));
    db.exec(`CREATE TRIGGER poison BEFORE INSERT ON objects WHEN NEW.name = 'poison'
             BEGIN SELECT RAISE(ROLLBACK, 'poisoned row refused'); END`);
    db.close();
    const server = await start(dir);
    const { rv, watch } = await watchFromNow(server);

    const refused = await rawRequest(server, 'POST', configmaps, { body: { metadata: { name: 'poison' } } });
    assert.equal(refused.status, 500, refused.text);
    assert.equal(refused.body.reason, 'InternalError');
    assert.match(
      String(refused.body.message),
      /^Internal error occurred: storage write failed, the write was not applied: poisoned row refused \(SQLITE_CONSTRAINT\)$/,
    );
    assert.equal((await rawRequest(server, 'GET', `${configmaps}/poison`)).status, 404);
    await nextWriteCommits(server, rv, watch);
    // this write's own failure does not make the store unready
    assert.equal((await rawRequest(server, 'GET', '/readyz', { token: null })).text, 'ok');
  });

  it('is a 503 when the database is full, and /readyz fails until a write commits', async () => {
    const dir = dataDir();
    await (await start(dir)).close();
    const quota = statSync(join(dir, 'store.db')).size + 512 * 1024;
    const server = await start(dir, quota);
    const { rv, watch } = await watchFromNow(server);

    const refused = await rawRequest(server, 'POST', configmaps, {
      body: { metadata: { name: 'huge' }, data: { x: 'x'.repeat(1024 * 1024) } },
    });
    assert.equal(refused.status, 503, refused.text);
    assert.equal(refused.body.reason, 'ServiceUnavailable');
    assert.equal(
      refused.body.message,
      'storage unavailable, the write was not applied: database or disk is full (SQLITE_FULL)',
    );
    assert.equal((await rawRequest(server, 'GET', `${configmaps}/huge`)).status, 404);

    for (const endpoint of ['readyz', 'healthz']) {
      const unready = await rawRequest(server, 'GET', `/${endpoint}`, { token: null });
      assert.equal(unready.status, 500);
      assert.equal(unready.text, `[+]ping ok\n[-]store failed: reason withheld\n${endpoint} check failed\n`);
    }
    assert.equal((await rawRequest(server, 'GET', '/livez', { token: null })).text, 'ok');
    assert.equal((await rawRequest(server, 'GET', '/readyz/store', { token: null })).status, 401);
    const why = await rawRequest(server, 'GET', '/readyz/store');
    assert.equal(why.status, 500);
    assert.equal(
      why.text,
      'internal server error: the last write failed: database or disk is full (SQLITE_FULL)\n',
    );

    await nextWriteCommits(server, rv, watch);
    const ready = await rawRequest(server, 'GET', '/readyz?verbose', { token: null });
    assert.equal(ready.status, 200);
    assert.equal(ready.text, '[+]ping ok\n[+]store ok\nreadyz check passed\n');
  });
});
