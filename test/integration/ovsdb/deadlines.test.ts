// Deadlines and stale plans against a real ovsdb-server that is SIGKILLed, frozen (SIGSTOP) and restarted: every call
// rejects within its deadline with an error naming the database, the call and the time taken, and a transaction planned
// from the cache of a lost connection is never sent on the next one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connectedNb, killNbServer, type NbFixture } from '../../support/ovsdb-server.ts';
import { ovsEnv } from '../../../src/ovn/daemons.ts';
import { check, processRunner } from '../../../src/util/exec.ts';
import {
  DeadlineExceededError,
  NotConnectedError,
  OvsdbClient,
  StalePlanError,
  eq,
  insert,
  select,
  type Operation,
} from '../../../src/ovsdb/index.ts';
import type { OvnNbTables } from '../../../src/ovsdb/generated/ovn-nb.ts';

const DB = 'OVN_Northbound';

const connected = (t: { after: (fn: () => unknown) => void }, options: { echoIntervalMs?: number } = {}) =>
  connectedNb(t, {
    monitor: { Logical_Router: { columns: ['name'] } },
    client: { callTimeoutMs: 500, ...options },
  });

const killServer = async (nb: NbFixture, client: OvsdbClient<OvnNbTables>): Promise<void> => {
  await killNbServer(nb, client);
};

/**
 * How a call settled and how long it took (real time: the server is real). The clock starts before the call is
 * made, so the call's own deadline can never look early (it was, by the time spent making the call under load).
 */
async function timed(call: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, ms: performance.now() - started };
}

void test(
  'while the server is down, transact, monitor and lock reject within their deadline',
  { timeout: 30_000 },
  async (t) => {
    const { nb, client } = await connected(t);
    await killServer(nb, client);
    const ops = [
      insert('Logical_Switch_Port', { name: 'p1' }, 'p1'),
      insert('Logical_Switch_Port', { name: 'p2' }, 'p2'),
      insert('Logical_Switch', { name: 's', ports: ['set', [['named-uuid', 'p1']]] }),
    ];
    const cases: [what: string, call: () => Promise<unknown>, deadlineMs: number, message: RegExp][] = [
      [
        'transact, the client default',
        () => client.transact(ops),
        500,
        /^OVSDB OVN_Northbound: transact \(3 ops: Logical_Switch_Port, Logical_Switch\) timed out after \d+ ms \(no connection to the server\)$/,
      ],
      [
        'transact, its own deadline',
        () => client.transact(ops, { timeoutMs: 300 }),
        300,
        /^OVSDB OVN_Northbound: transact \(3 ops: Logical_Switch_Port, Logical_Switch\) timed out after \d+ ms/,
      ],
      [
        'monitor',
        () => client.monitor({ Logical_Switch: {} }),
        500,
        /^OVSDB OVN_Northbound: monitor \(Logical_Switch\) timed out after \d+ ms \(no connection/,
      ],
      [
        'lock',
        () => client.lock('kovn-test'),
        500,
        /^OVSDB OVN_Northbound: lock kovn-test timed out after \d+ ms/,
      ],
    ];
    for (const [what, call, deadlineMs, message] of cases) {
      const { error, ms } = await timed(call);
      assert.ok(error instanceof DeadlineExceededError, `${what}: ${String(error)}`);
      assert.match(error.message, message, what);
      assert.equal(error.connected, false, what);
      assert.ok(ms >= deadlineMs - 5 && ms < deadlineMs + 1_000, `${what}: settled after ${ms} ms`);
      assert.ok(error.elapsedMs >= deadlineMs, `${what}: reports ${error.elapsedMs} ms`);
    }
  },
);

void test(
  'a transaction sent to a frozen server rejects at its deadline, naming the missing reply',
  { timeout: 30_000 },
  async (t) => {
    const { nb, client } = await connected(t, { echoIntervalMs: 0 }); // no keepalive: the deadline must catch it
    nb.server.kill('SIGSTOP');
    t.after(() => nb.server.kill('SIGCONT'));
    const { error, ms } = await timed(() =>
      client.transact([insert('Logical_Router', { name: 'r' })], { timeoutMs: 400 }),
    );
    assert.ok(error instanceof DeadlineExceededError, String(error));
    assert.match(
      error.message,
      /^OVSDB OVN_Northbound: transact \(1 op: Logical_Router\) timed out after \d+ ms \(no reply from the server\)$/,
    );
    assert.equal(error.connected, true);
    assert.ok(ms >= 395 && ms < 1_400, `settled after ${ms} ms`);
  },
);

void test(
  'a plan made before a disconnect is refused unsent after the reconnect; a re-plan does the right thing',
  { timeout: 60_000 },
  async (t) => {
    const { nb, client } = await connected(t);
    /** The planner: insert the router unless the cache has it. */
    const plan = (name: string): { ops: Operation[]; cacheGeneration: number } => ({
      cacheGeneration: client.cacheGeneration,
      ops: client.cache.table('Logical_Router').index('name').get(name)
        ? []
        : [insert('Logical_Router', { name })],
    });
    const routers = async (name: string): Promise<number> => {
      const [result] = await client.transact([select('Logical_Router', [eq('name', name)], ['name'])]);
      return result?.rows?.length ?? -1;
    };
    const before = plan('r-unique');
    assert.equal(before.ops.length, 1, 'the cache has no r-unique yet');
    const firstGeneration = client.cacheGeneration;
    await killServer(nb, client);

    // While disconnected, the plan is refused at once instead of waiting for the next connection.
    const { error: refusedWhileDown, ms } = await timed(() =>
      client.transact(before.ops, { cacheGeneration: before.cacheGeneration }),
    );
    assert.ok(refusedWhileDown instanceof NotConnectedError, String(refusedWhileDown));
    assert.ok(ms < 100, `refused after ${ms} ms`);

    // Someone else creates r-unique while the server is down (or our own earlier write committed, its reply lost).
    const offline = JSON.stringify([
      DB,
      { op: 'insert', table: 'Logical_Router', row: { name: 'r-unique' } },
    ]);
    await check(processRunner, 'ovsdb-tool', ['transact', nb.server.dbFile, offline], {
      env: ovsEnv(nb.dir),
    });
    const resynced = once(client, 'resync');
    await nb.server.restart();
    await resynced;
    assert.equal(client.cacheGeneration, firstGeneration + 1, 'the rebuilt cache is a new generation');

    // The old plan would insert a second r-unique: refused, unsent.
    await assert.rejects(
      client.transact(before.ops, { cacheGeneration: before.cacheGeneration }),
      (err: unknown) => {
        assert.ok(err instanceof StalePlanError, String(err));
        assert.equal(err.plannedGeneration, firstGeneration);
        assert.equal(err.currentGeneration, firstGeneration + 1);
        assert.match(
          err.message,
          /^OVSDB OVN_Northbound: transact \(1 op: Logical_Router\) not sent: planned from cache generation \d+/,
        );
        return true;
      },
    );
    assert.equal(await routers('r-unique'), 1, 'nothing was sent');

    // A re-plan from the rebuilt cache sees the row and sends nothing; a plan for a new row is sent.
    const again = plan('r-unique');
    assert.deepEqual(again.ops, []);
    const fresh = plan('r-fresh');
    await client.transact(fresh.ops, { cacheGeneration: fresh.cacheGeneration });
    assert.deepEqual([await routers('r-unique'), await routers('r-fresh')], [1, 1]);
    assert.ok(client.cache.table('Logical_Router').index('name').get('r-fresh'), 'the write is in the cache');
  },
);
