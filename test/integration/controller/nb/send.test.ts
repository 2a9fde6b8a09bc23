// The controller's NB writer across a lost connection, against a real ovsdb-server: a reconcile that plans while the NB
// is down is refused at once (retryable), not parked until the reconnect and then sent from the old cache; after the
// reconnect the same reconcile plans from the rebuilt cache and writes only what is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectedNb, killNbServer } from '../../../support/ovsdb-server.ts';
import { ovsEnv } from '../../../../src/ovn/daemons.ts';
import { check, processRunner } from '../../../../src/util/exec.ts';
import { NotConnectedError, eq, select } from '../../../../src/ovsdb/index.ts';
import { converge } from '../../../../src/controller/nb/send.ts';
import { planOwner } from '../../../../src/controller/nb/diff.ts';
import { ownerTags, vpcOwner } from '../../../../src/controller/nb/owner.ts';
import type { DesiredRow } from '../../../../src/controller/nb/model.ts';
import { NB_MONITOR } from '../../../../src/controller/reconcilers/registry.ts';

const DB = 'OVN_Northbound';

void test(
  'converge while the NB is down is refused unsent; after the reconnect it re-plans from the rebuilt cache',
  { timeout: 60_000 },
  async (t) => {
    const { nb, client } = await connectedNb(t, { monitor: NB_MONITOR });
    const owner = vpcOwner('v1');
    const desired: DesiredRow[] = [
      { table: 'Logical_Router', columns: { name: 'v1', external_ids: ownerTags(owner) } },
    ];
    const request = { owner, key: 'Vpc/v1', desired };
    // The plan as it stands now, from the cache of this connection: insert v1.
    const plan = planOwner({ ...request, cache: client.cache, types: (table) => client.columnTypes(table) });
    assert.ok(plan.some((op) => op.op === 'insert'));

    await killNbServer(nb, client);
    // The write lands while we are away: our own transaction that committed just before the crash, its reply lost.
    await check(processRunner, 'ovsdb-tool', ['transact', nb.server.dbFile, JSON.stringify([DB, ...plan])], {
      env: ovsEnv(nb.dir),
    });

    const outcome = await Promise.race([
      converge(client, request).then(
        (sent) => `sent ${sent} ops`,
        (err: unknown) => err,
      ),
      sleep(1_000).then(() => 'still waiting for the next connection'),
    ]);
    assert.ok(outcome instanceof NotConnectedError, String(outcome));

    const resynced = once(client, 'resync');
    await nb.server.restart();
    await resynced;
    assert.equal(await converge(client, request), 0, 'the rebuilt cache has v1: nothing to send');
    const [found] = await client.transact([select('Logical_Router', [eq('name', 'v1')], ['name'])]);
    assert.equal(found?.rows?.length, 1, 'one v1, not a duplicate from the old plan');
  },
);
