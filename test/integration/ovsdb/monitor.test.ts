// Monitors feeding the cache from a real NB ovsdb-server: initial rows, inserts, modifies and deletes made by
// another client, index lookups, server-side `where`, and the fallback to plain `monitor`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { startNb, type NbFixture } from '../../support/ovsdb-server.ts';
import {
  OvsdbClient,
  del,
  eq,
  includes,
  insert,
  insertInto,
  map,
  mutate,
  namedUuid,
  set,
  update,
  type RowChange,
} from '../../../src/ovsdb/index.ts';
import type { OvnNbTables } from '../../../src/ovsdb/generated/ovn-nb.ts';

const DB = 'OVN_Northbound';

/** Resolves when `predicate` holds, checked after every cache change (fails after 5 s). */
async function until(client: OvsdbClient<OvnNbTables>, predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not reached within 5 s');
    await Promise.race([once(client.cache, 'change'), new Promise((r) => setTimeout(r, 50))]);
  }
}

void describe('monitor into the cache from a real NB ovsdb-server', { timeout: 60_000 }, () => {
  let nb: NbFixture;
  let writer: OvsdbClient;
  before(async () => {
    nb = await startNb();
    writer = await OvsdbClient.connect({ remotes: [nb.unix], database: DB });
  });
  after(async () => {
    writer?.close();
    await nb?.cleanup();
  });

  void test('initial contents, then insert / modify / delete from another client, with index lookups', async () => {
    await writer.transact([
      insert('Logical_Router', { name: 'pre-existing', external_ids: map({ vpc: 'pre' }) }),
    ]);
    const client = await OvsdbClient.connect<OvnNbTables>({ remotes: [nb.tcp], database: DB });
    try {
      await client.monitor({ Logical_Router: {}, Logical_Router_Port: { columns: ['name', 'networks'] } });
      const routers = client.cache.table('Logical_Router');
      const byName = routers.index('name');
      const byVpc = routers.index('external_ids:vpc');
      assert.equal(byName.get('pre-existing')?.external_ids['vpc'], 'pre', 'initial rows are in the cache');
      assert.equal(client.monitorMethod, 'monitor_cond_since');

      const changes: RowChange[] = [];
      client.cache.on('change', (c) => changes.push(c));
      await writer.transact([
        insert(
          'Logical_Router_Port',
          { name: 'p1', mac: '0a:00:00:00:00:01', networks: '10.0.0.1/24' },
          'p1',
        ),
        insert('Logical_Router', {
          name: 'r1',
          ports: set([namedUuid('p1')]),
          external_ids: map({ vpc: 'a' }),
        }),
      ]);
      await until(
        client,
        () => byName.get('r1') !== undefined && client.cache.table('Logical_Router_Port').size === 1,
      );
      const r1 = byName.get('r1');
      const p1 = client.cache.table('Logical_Router_Port').index('name').get('p1');
      assert.deepEqual(r1?.ports, [p1?._uuid], 'uuid references resolve against the cached port');
      assert.deepEqual(
        p1,
        { _uuid: p1?._uuid, name: 'p1', networks: ['10.0.0.1/24'] },
        'only monitored columns',
      );
      assert.equal(byVpc.get('a')?._uuid, r1?._uuid);

      await writer.transact([
        mutate('Logical_Router', [eq('name', 'r1')], [insertInto('external_ids', map({ tier: 'gold' }))]),
        update('Logical_Router', [eq('name', 'r1')], { name: 'r1-renamed', enabled: false }),
      ]);
      await until(client, () => byName.get('r1-renamed') !== undefined);
      const renamed = byName.get('r1-renamed');
      assert.equal(byName.get('r1'), undefined, 'the old index key is gone');
      assert.deepEqual(renamed?.external_ids, { vpc: 'a', tier: 'gold' });
      assert.equal(renamed?.enabled, false);

      await writer.transact([update('Logical_Router', [eq('name', 'r1-renamed')], { enabled: set([]) })]);
      await until(client, () => byName.get('r1-renamed')?.enabled === undefined);

      await writer.transact([del('Logical_Router', [eq('name', 'r1-renamed')])]);
      await until(client, () => routers.size === 1 && client.cache.table('Logical_Router_Port').size === 0);
      assert.equal(byVpc.get('a'), undefined);
      assert.deepEqual(
        changes.filter((c) => c.table === 'Logical_Router').map((c) => c.kind),
        ['insert', 'update', 'update', 'delete'],
      );
      assert.ok(
        changes.some((c) => c.table === 'Logical_Router_Port' && c.kind === 'delete'),
        'GC of the orphan port',
      );
    } finally {
      client.close();
    }
  });

  void test('our own writes are in the cache when transact resolves (updates precede the reply)', async () => {
    const client = await OvsdbClient.connect<OvnNbTables>({ remotes: [nb.unix], database: DB });
    try {
      await client.monitor({ Address_Set: {} });
      for (let i = 0; i < 20; i++) {
        await client.transact([insert('Address_Set', { name: `own-${i}` })]);
        assert.ok(client.cache.table('Address_Set').index('name').get(`own-${i}`), `own-${i} cached`);
      }
    } finally {
      client.close();
    }
  });

  void test('a where condition is evaluated by the server: rows enter and leave as they match', async () => {
    const client = await OvsdbClient.connect<OvnNbTables>({ remotes: [nb.unix], database: DB });
    try {
      await client.monitor({ Logical_Switch: { where: [includes('external_ids', map({ owner: 'kovn' }))] } });
      const switches = client.cache.table('Logical_Switch');
      await writer.transact([
        insert('Logical_Switch', { name: 'ours', external_ids: map({ owner: 'kovn' }) }),
        insert('Logical_Switch', { name: 'theirs' }),
      ]);
      await until(client, () => switches.size === 1);
      assert.equal(switches.rows()[0]?.name, 'ours');
      await writer.transact([
        mutate(
          'Logical_Switch',
          [eq('name', 'theirs')],
          [insertInto('external_ids', map({ owner: 'kovn' }))],
        ),
      ]);
      await until(client, () => switches.size === 2);
      await writer.transact([update('Logical_Switch', [eq('name', 'ours')], { external_ids: map({}) })]);
      await until(client, () => switches.size === 1);
      assert.equal(switches.rows()[0]?.name, 'theirs');
    } finally {
      client.close();
    }
  });

  void test('without monitor_cond the client falls back to monitor and filters where locally', async () => {
    const old = await startNb();
    try {
      await old.server.appctl('ovsdb-server/disable-monitor-cond');
      const w = await OvsdbClient.connect({ remotes: [old.unix], database: DB });
      const client = await OvsdbClient.connect<OvnNbTables>({ remotes: [old.tcp], database: DB });
      try {
        await w.transact([insert('Logical_Router', { name: 'keep', options: map({ k: '1' }) })]);
        await client.monitor({
          Logical_Router: { columns: ['name', 'options'], where: [eq('name', 'keep')] },
        });
        assert.equal(client.monitorMethod, 'monitor');
        const routers = client.cache.table('Logical_Router');
        assert.deepEqual(
          routers.rows().map((r) => [r.name, r.options]),
          [['keep', { k: '1' }]],
        );
        await w.transact([
          insert('Logical_Router', { name: 'other' }),
          mutate('Logical_Router', [eq('name', 'keep')], [insertInto('options', map({ k2: '2' }))]),
        ]);
        await until(client, () => Object.keys(routers.rows()[0]?.options ?? {}).length === 2);
        assert.deepEqual(
          routers.rows().map((r) => r.name),
          ['keep'],
          'the non-matching row stays out',
        );
        await w.transact([update('Logical_Router', [eq('name', 'keep')], { name: 'renamed' })]);
        await until(client, () => routers.size === 0);
      } finally {
        client.close();
        w.close();
      }
    } finally {
      await old.cleanup();
    }
  });

  void test('a table can be monitored only once per client; unknown tables are rejected', async () => {
    const client = await OvsdbClient.connect({ remotes: [nb.unix], database: DB });
    try {
      await client.monitor({ NAT: {} });
      await assert.rejects(client.monitor({ NAT: { columns: ['type'] } }), /already monitored/);
      await assert.rejects(client.monitor({ Not_A_Table: {} }), /no table "Not_A_Table"/);
    } finally {
      client.close();
    }
  });
});
