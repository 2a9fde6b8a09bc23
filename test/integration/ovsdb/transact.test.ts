// Every transact operation kind and every typed error path, against a real NB ovsdb-server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startNb, type NbFixture } from '../../support/ovsdb-server.ts';
import {
  Aborted,
  ConstraintViolation,
  DuplicateUuidName,
  NotOwner,
  OvsdbClient,
  OvsdbSyntaxError,
  ReferentialIntegrityViolation,
  TimedOut,
  UnknownColumn,
  UnknownDatabase,
  abort,
  assertLock,
  comment,
  commit,
  del,
  deleteFrom,
  eq,
  includes,
  insert,
  insertInto,
  insertedUuid,
  map,
  mutate,
  mutation,
  namedUuid,
  select,
  set,
  update,
  uuid,
  wait,
  type Operation,
} from '../../../src/ovsdb/index.ts';
import type { OvnNbTables } from '../../../src/ovsdb/generated/ovn-nb.ts';

const DB = 'OVN_Northbound';

void describe('transact against a real NB ovsdb-server', { timeout: 60_000 }, () => {
  let nb: NbFixture;
  let client: OvsdbClient<OvnNbTables>;

  before(async () => {
    nb = await startNb();
    client = await OvsdbClient.connect<OvnNbTables>({ remotes: [nb.unix], database: DB });
  });
  after(async () => {
    client?.close();
    await nb?.cleanup();
  });

  async function selectRouters(name: string) {
    const [r] = await client.transact([select('Logical_Router', [eq('name', name)])]);
    return client.decodeRows('Logical_Router', r?.rows ?? []);
  }

  void test('list_dbs and get_schema', async () => {
    assert.deepEqual((await client.listDbs()).sort(), [DB, '_Server']);
    const schema = await client.getSchema();
    assert.equal(schema.name, DB);
    assert.ok('Logical_Router' in schema.tables);
    await assert.rejects(client.getSchema('Nope'), UnknownDatabase);
  });

  void test('insert with uuid-names referencing each other: a router and its port in one transaction', async () => {
    const ops: Operation[] = [
      comment('kovn test: router + port'),
      insert(
        'Logical_Router_Port',
        client.encodeRow('Logical_Router_Port', {
          name: 'lrp-a',
          mac: '0a:00:00:00:00:01',
          networks: ['10.0.1.1/24'],
        }),
        'lrp_a',
      ),
      insert(
        'Logical_Router',
        { name: 'vpc-a', ports: set([namedUuid('lrp_a')]), external_ids: map({ vpc: 'a' }) },
        'r',
      ),
    ];
    const results = await client.transact(ops);
    const portId = insertedUuid(results[1]);
    const routerId = insertedUuid(results[2]);
    const [router] = await selectRouters('vpc-a');
    assert.equal(router?._uuid, routerId);
    assert.deepEqual(router?.ports, [portId]);
    assert.deepEqual(router?.external_ids, { vpc: 'a' });
    const [portSel] = await client.transact([
      select('Logical_Router_Port', [eq('_uuid', uuid(portId))], ['name', 'networks']),
    ]);
    assert.deepEqual(portSel?.rows, [{ name: 'lrp-a', networks: '10.0.1.1/24' }]);
  });

  void test('select, update, mutate and delete report counts and change rows', async () => {
    await client.transact([
      insert('Logical_Switch', { name: 'ls-1', other_config: map({ subnet: '10.0.0.0/24' }) }),
      insert('Logical_Switch', { name: 'ls-2' }),
    ]);
    const [upd] = await client.transact([update('Logical_Switch', [eq('name', 'ls-2')], { name: 'ls-2b' })]);
    assert.equal(upd?.count, 1);
    const [mut] = await client.transact([
      mutate(
        'Logical_Switch',
        [includes('other_config', map({ subnet: '10.0.0.0/24' }))],
        [
          insertInto('external_ids', map({ owner: 'x', keep: 'y' })),
          mutation('other_config', 'delete', set(['subnet'])),
        ],
      ),
    ]);
    assert.equal(mut?.count, 1);
    await client.transact([
      mutate('Logical_Switch', [eq('name', 'ls-1')], [deleteFrom('external_ids', set(['keep']))]),
    ]);
    const [sel] = await client.transact([
      select('Logical_Switch', [], ['name', 'external_ids', 'other_config']),
    ]);
    const rows = (sel?.rows ?? []).map((r) => client.decodeRows('Logical_Switch', [r])[0]);
    assert.deepEqual(rows.map((r) => [r?.name, r?.external_ids, r?.other_config]).sort(), [
      ['ls-1', { owner: 'x' }, {}],
      ['ls-2b', {}, {}],
    ]);
    const [gone] = await client.transact([del('Logical_Switch', [eq('name', 'ls-2b')])]);
    assert.equal(gone?.count, 1);
    const [none] = await client.transact([del('Logical_Switch', [eq('name', 'no-such')])]);
    assert.equal(none?.count, 0);
  });

  void test('commit(durable) and comment are accepted and return empty results', async () => {
    const results = await client.transact([
      comment('hello'),
      insert('Address_Set', { name: 'as-c' }),
      commit(true),
    ]);
    assert.deepEqual(results[0], {});
    assert.deepEqual(results[2], {});
  });

  void test('constraint violation on an operation carries that operation and its index', async () => {
    const bad = insert('ACL', {
      action: 'permit-everything',
      direction: 'to-lport',
      match: '1',
      priority: 1,
    });
    const ops = [comment('x'), bad];
    await assert.rejects(
      client.transact(ops),
      (e: unknown) =>
        e instanceof ConstraintViolation &&
        e.index === 1 &&
        e.operation === bad &&
        /permit-everything/.test(e.message),
    );
  });

  void test('constraint violation at commit (duplicate indexed name) has index = ops.length and changes nothing', async () => {
    const ops = [insert('Address_Set', { name: 'dup' }), insert('Address_Set', { name: 'dup' })];
    await assert.rejects(
      client.transact(ops),
      (e: unknown) => e instanceof ConstraintViolation && e.index === 2 && e.operation === undefined,
    );
    const [sel] = await client.transact([select('Address_Set', [eq('name', 'dup')])]);
    assert.deepEqual(sel?.rows, []);
  });

  void test('referential integrity violation: deleting a port a router still references', async () => {
    const [ins] = await client.transact([
      insert(
        'Logical_Router_Port',
        { name: 'lrp-ri', mac: '0a:00:00:00:00:09', networks: '10.9.0.1/24' },
        'p',
      ),
      insert('Logical_Router', { name: 'vpc-ri', ports: set([namedUuid('p')]) }),
    ]);
    const portId = insertedUuid(ins);
    const ops = [del('Logical_Router_Port', [eq('_uuid', uuid(portId))])];
    await assert.rejects(
      client.transact(ops),
      (e: unknown) =>
        e instanceof ReferentialIntegrityViolation &&
        e.index === 1 &&
        new RegExp(portId).test(e.details ?? ''),
    );
    // and the port is still there
    const [sel] = await client.transact([
      select('Logical_Router_Port', [eq('_uuid', uuid(portId))], ['name']),
    ]);
    assert.deepEqual(sel?.rows, [{ name: 'lrp-ri' }]);
  });

  void test('syntax errors, unknown columns and duplicate uuid-names are typed too', async () => {
    await assert.rejects(client.transact([select('No_Such_Table', [])]), OvsdbSyntaxError);
    await assert.rejects(client.transact([select('Logical_Router', [eq('colour', 'red')])]), UnknownColumn);
    const second = insert('Address_Set', { name: 'u2' }, 'same');
    await assert.rejects(
      client.transact([insert('Address_Set', { name: 'u1' }, 'same'), second]),
      (e: unknown) => e instanceof DuplicateUuidName && e.index === 1 && e.operation === second,
    );
  });

  void test('wait: holds, fails at once with timeout 0, and times out after its timeout', async () => {
    await client.transact([insert('Address_Set', { name: 'w', addresses: set(['10.0.0.1']) })]);
    const holds = wait('Address_Set', [eq('name', 'w')], {
      until: '==',
      columns: ['addresses'],
      rows: [{ addresses: '10.0.0.1' }],
      timeout: 0,
    });
    assert.deepEqual(await client.transact([holds]), [{}]);
    const stale = wait('Address_Set', [eq('name', 'w')], {
      until: '==',
      columns: ['addresses'],
      rows: [{ addresses: '10.0.0.2' }],
      timeout: 0,
    });
    await assert.rejects(
      client.transact([stale, update('Address_Set', [eq('name', 'w')], { addresses: set([]) })]),
      (e: unknown) => e instanceof TimedOut && e.index === 0 && e.operation === stale,
    );
    const started = Date.now();
    const slow = wait('Address_Set', [eq('name', 'w')], {
      until: '!=',
      columns: ['addresses'],
      rows: [{ addresses: '10.0.0.1' }],
      timeout: 300,
    });
    await assert.rejects(client.transact([slow]), TimedOut);
    assert.ok(Date.now() - started >= 250, 'the server waited for the timeout');
  });

  void test('wait with a timeout succeeds when another client makes the condition true meanwhile', async () => {
    const other = await OvsdbClient.connect({ remotes: [nb.tcp], database: DB });
    try {
      await client.transact([insert('Address_Set', { name: 'w2' })]);
      const waiting = client.transact([
        wait('Address_Set', [eq('name', 'w2')], {
          until: '==',
          columns: ['addresses'],
          rows: [{ addresses: '1.1.1.1' }],
          timeout: 5000,
        }),
        update('Address_Set', [eq('name', 'w2')], { external_ids: map({ seen: 'yes' }) }),
      ]);
      await other.transact([update('Address_Set', [eq('name', 'w2')], { addresses: '1.1.1.1' })]);
      const [, upd] = await waiting;
      assert.equal(upd?.count, 1);
    } finally {
      other.close();
    }
  });

  void test('abort rolls back the operations before it', async () => {
    const ab = abort();
    await assert.rejects(
      client.transact([insert('Address_Set', { name: 'never' }), ab]),
      (e: unknown) => e instanceof Aborted && e.index === 1 && e.operation === ab,
    );
    const [sel] = await client.transact([select('Address_Set', [eq('name', 'never')])]);
    assert.deepEqual(sel?.rows, []);
  });

  void test('assert fails when the lock is not held and passes once it is', async () => {
    const check = assertLock('kovn_test_lock');
    await assert.rejects(
      client.transact([check, insert('Address_Set', { name: 'locked-write' })]),
      (e: unknown) => e instanceof NotOwner && e.index === 0 && e.operation === check,
    );
    assert.equal(await client.lock('kovn_test_lock'), true);
    const [, ins] = await client.transact([check, insert('Address_Set', { name: 'locked-write' })]);
    assert.ok(insertedUuid(ins));
    const other = await OvsdbClient.connect({ remotes: [nb.tcp], database: DB });
    try {
      assert.equal(await other.lock('kovn_test_lock'), false, 'a second client waits for the lock');
      await assert.rejects(other.transact([assertLock('kovn_test_lock')]), NotOwner);
    } finally {
      other.close();
    }
    await client.unlock('kovn_test_lock');
  });

  void test('operations sent are counted', async () => {
    const before = client.stats.operationsSent;
    await client.transact([comment('a'), comment('b'), comment('c')]);
    assert.equal(client.stats.operationsSent - before, 3);
    assert.deepEqual(await client.transact([]), [], 'an empty transaction is not sent');
    assert.equal(client.stats.operationsSent - before, 3);
  });
});
