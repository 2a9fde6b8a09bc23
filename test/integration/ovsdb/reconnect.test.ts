// Losing the server: SIGKILL and restart on the same socket (with the database changed while it was down),
// connections dropped by the server, and a frozen server detected by our echo keepalive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connectedNb, killNbServer, startNb } from '../../support/ovsdb-server.ts';
import { ovsEnv } from '../../../src/ovn/daemons.ts';
import { check, processRunner } from '../../../src/util/exec.ts';
import {
  ConnectionClosedError,
  KeepaliveTimeoutError,
  OvsdbClient,
  eq,
  insert,
  map,
  mutate,
  insertInto,
} from '../../../src/ovsdb/index.ts';
import type { OvnNbTables } from '../../../src/ovsdb/generated/ovn-nb.ts';

const DB = 'OVN_Northbound';

function names(client: OvsdbClient<OvnNbTables>): string[] {
  return client.cache
    .table('Logical_Router')
    .rows()
    .map((r) => r.name)
    .sort();
}

void test(
  'server SIGKILLed and restarted on the same socket: reconnect, rebuilt cache, resync, writes work',
  { timeout: 60_000 },
  async (t) => {
    const { nb, client } = await connectedNb(t, {
      monitor: { Logical_Router: { columns: ['name', 'external_ids'] } },
      client: { backoff: { initialMs: 50, maxMs: 400 } },
    });
    await client.transact([
      insert('Logical_Router', { name: 'r-before' }),
      insert('Logical_Router', { name: 'r-doomed' }),
    ]);
    assert.deepEqual(names(client), ['r-before', 'r-doomed']);
    const byName = client.cache.table('Logical_Router').index('name');

    const pid = nb.server.pid;
    assert.ok(pid);
    const reason = await killNbServer(nb, client);
    assert.ok(reason instanceof ConnectionClosedError, String(reason));
    assert.equal(client.connected, false);

    // Change the database while no server runs, so the rebuilt cache has something to prove.
    const offline = JSON.stringify([
      DB,
      { op: 'insert', table: 'Logical_Router', row: { name: 'r-offline' } },
      { op: 'delete', table: 'Logical_Router', where: [['name', '==', 'r-doomed']] },
    ]);
    await check(processRunner, 'ovsdb-tool', ['transact', nb.server.dbFile, offline], {
      env: ovsEnv(nb.dir),
    });

    // A write issued while disconnected waits for the next connection.
    const during = client.transact([insert('Logical_Router', { name: 'r-during' })]);
    const resynced = once(client, 'resync');
    await new Promise((r) => setTimeout(r, 300)); // let a few reconnect attempts fail
    await nb.server.restart();
    assert.notEqual(nb.server.pid, pid);
    const [info] = (await resynced) as [{ remote: string; tables: string[]; incremental: boolean }];
    assert.deepEqual(info, { remote: nb.unix, tables: ['Logical_Router'], incremental: false }); // standalone: no txn history
    assert.ok(names(client).includes('r-offline'), 'row written while down is in the cache');
    assert.ok(!names(client).includes('r-doomed'), 'row deleted while down is gone from the cache');
    assert.equal(byName.get('r-doomed'), undefined, 'and from its index');
    await during;
    assert.deepEqual(names(client), ['r-before', 'r-during', 'r-offline']);
    await client.transact([
      mutate(
        'Logical_Router',
        [eq('name', 'r-before')],
        [insertInto('external_ids', map({ after: 'restart' }))],
      ),
    ]);
    assert.deepEqual(byName.get('r-before')?.external_ids, { after: 'restart' });
    assert.equal(client.stats.reconnects, 1);
  },
);

void test(
  'connections dropped by the server (ovsdb-server/reconnect): the client resubscribes and carries on',
  { timeout: 60_000 },
  async (t) => {
    const nb = await startNb();
    t.after(() => nb.cleanup());
    const client = await OvsdbClient.connect<OvnNbTables>({ remotes: [nb.tcp], database: DB });
    t.after(() => client.close());
    await client.monitor({ Logical_Router: {} });
    await client.transact([insert('Logical_Router', { name: 'a' })]);
    const resynced = once(client, 'resync');
    await nb.server.appctl('ovsdb-server/reconnect');
    await resynced;
    assert.deepEqual(names(client), ['a']);
    await client.transact([insert('Logical_Router', { name: 'b' })]);
    assert.deepEqual(names(client), ['a', 'b']);
    assert.equal(client.stats.reconnects, 1);
  },
);

void test(
  'a frozen server (SIGSTOP) is detected by our echo keepalive; the client recovers after SIGCONT',
  { timeout: 60_000 },
  async (t) => {
    const nb = await startNb();
    t.after(() => nb.cleanup());
    const client = await OvsdbClient.connect<OvnNbTables>({
      remotes: [nb.unix],
      database: DB,
      echoIntervalMs: 200,
      backoff: { initialMs: 50, maxMs: 200 },
    });
    t.after(() => client.close());
    await client.monitor({ Logical_Router: {} });
    const disconnected = once(client, 'disconnected');
    const started = Date.now();
    nb.server.kill('SIGSTOP');
    const [reason] = (await disconnected) as [Error];
    assert.ok(reason instanceof KeepaliveTimeoutError, String(reason));
    const took = Date.now() - started;
    assert.ok(took >= 200 && took < 2000, `detected after ${took} ms`);
    const resynced = once(client, 'resync');
    nb.server.kill('SIGCONT');
    await resynced;
    await client.transact([insert('Logical_Router', { name: 'after-thaw' })]);
    assert.deepEqual(names(client), ['after-thaw']);
  },
);
