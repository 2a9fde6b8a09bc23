// Leader-following against a real 3-member Raft NB: the client connects to the leader (learned from `_Server`),
// follows a new leader when the old one is killed and when it leaves the cluster, and keeps cache and writes working.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { startNbCluster } from '../../support/ovsdb-server.ts';
import { OvsdbClient, insert } from '../../../src/ovsdb/index.ts';
import type { OvnNbTables } from '../../../src/ovsdb/generated/ovn-nb.ts';
import type { OvsdbServer } from '../../../src/ovn/daemons.ts';

const DB = 'OVN_Northbound';
type ResyncInfo = { remote: string; tables: string[]; incremental: boolean };

function names(client: OvsdbClient<OvnNbTables>): string[] {
  return client.cache
    .table('Logical_Router')
    .rows()
    .map((r) => r.name)
    .sort();
}

const remoteOf = (m: OvsdbServer): string => `unix:${m.socket}`;

void test(
  'a client on a 3-member clustered NB follows the leader through a kill and a leave',
  { timeout: 120_000 },
  async (t) => {
    const fx = await startNbCluster(3);
    t.after(() => fx.cleanup());
    const { cluster } = fx;
    // List a follower first, so that finding the leader is the client's work, not luck.
    const first = await cluster.leader();
    const remotes = [...cluster.members.filter((m) => m !== first), first].map(remoteOf);
    const client = await OvsdbClient.connect<OvnNbTables>({
      remotes,
      database: DB,
      backoff: { initialMs: 50, maxMs: 500 },
      echoIntervalMs: 500,
    });
    t.after(() => client.close());
    const refused: string[] = [];
    client.on('connect-failed', (remote, error) => refused.push(`${remote}: ${error.message}`));
    assert.equal(client.remote, remoteOf(first), 'connected to the leader');
    await client.monitor({ Logical_Router: { columns: ['name'] } });
    await client.transact([insert('Logical_Router', { name: 'before' })]);
    assert.deepEqual(names(client), ['before']);

    // 1. The leader dies.
    const resync1 = once(client, 'resync');
    first.kill('SIGKILL');
    const [info1] = (await resync1) as [ResyncInfo];
    const second = await cluster.leader();
    assert.notEqual(second, first);
    assert.equal(info1.remote, remoteOf(second), 'followed the new leader');
    assert.equal(client.remote, remoteOf(second));
    assert.equal(info1.incremental, true, 'monitor_cond_since resumed from the last transaction');
    assert.ok(
      refused.some((r) => /not-leader|ECONNREFUSED/.test(r)),
      `followers and the dead member were passed over: ${refused.join('; ')}`,
    );
    assert.deepEqual(names(client), ['before'], 'the cache survived');
    await client.transact([insert('Logical_Router', { name: 'after-kill' })]);
    assert.deepEqual(names(client), ['after-kill', 'before']);

    // Bring the killed member back so the cluster has three members again.
    await first.restart();
    await cluster.waitUntilFormed();

    // 2. The leader leaves the cluster: _Server tells us, and we move on.
    const leaving = await cluster.leader();
    const resync2 = once(client, 'resync');
    const disconnected = once(client, 'disconnected');
    await leaving.appctl('cluster/leave', DB);
    const [why] = (await disconnected) as [Error];
    assert.match(why.message, /not-leader|not-connected|closed/);
    const [info2] = (await resync2) as [ResyncInfo];
    const third = await cluster.leader();
    assert.notEqual(third, leaving);
    assert.equal(info2.remote, remoteOf(third));
    await client.transact([insert('Logical_Router', { name: 'after-leave' })]);
    assert.deepEqual(names(client), ['after-kill', 'after-leave', 'before']);
    assert.equal(client.stats.reconnects, 2);
  },
);

void test(
  'without leaderOnly a single remote to a follower is used as is (writes are forwarded)',
  { timeout: 60_000 },
  async (t) => {
    const fx = await startNbCluster(3);
    t.after(() => fx.cleanup());
    const leader = await fx.cluster.leader();
    const follower = fx.cluster.members.find((m) => m !== leader);
    assert.ok(follower);
    const client = await OvsdbClient.connect<OvnNbTables>({ remotes: [remoteOf(follower)], database: DB });
    t.after(() => client.close());
    await client.monitor({ Logical_Router: { columns: ['name'] } });
    await client.transact([insert('Logical_Router', { name: 'via-follower' })]);
    const deadline = Date.now() + 5000;
    while (names(client).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(names(client), ['via-follower']);
    // and with leaderOnly the same remote is refused
    await assert.rejects(
      OvsdbClient.connect({
        remotes: [remoteOf(follower)],
        database: DB,
        leaderOnly: true,
        initialConnectTimeoutMs: 1000,
      }),
      (e: unknown) =>
        e instanceof Error && /not-leader/.test(String((e.cause as Error | undefined)?.message)),
    );
  },
);
