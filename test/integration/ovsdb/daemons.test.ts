// The daemon helpers themselves: NB + SB + ovn-northd in a private directory (northd really translates NB into SB),
// every process stopped by its pid, nothing left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startCentral } from '../../../src/ovn/central.ts';
import { OvsdbClient, insert, map } from '../../../src/ovsdb/index.ts';
import { tempDir } from '../../support/ovsdb-server.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

void test(
  'NB, SB and ovn-northd start in a private directory, northd works, stop() ends every pid',
  { timeout: 60_000 },
  async (t) => {
    const tmp = tempDir('kovn-central-');
    t.after(() => tmp.remove());
    const central = await startCentral({ dir: tmp.dir, northd: true });
    t.after(() => central.stop());
    const pids = central.pids();
    assert.equal(pids.length, 3);
    assert.ok(pids.every(alive));
    assert.ok(
      central.nbRemotes.some((r) => /^tcp:127\.0\.0\.1:\d+$/.test(r)),
      central.nbRemotes.join(' '),
    );

    const nb = await OvsdbClient.connect({ remotes: central.nbRemotes, database: 'OVN_Northbound' });
    t.after(() => nb.close());
    const sb = await OvsdbClient.connect({ remotes: central.sbRemotes.slice(1), database: 'OVN_Southbound' });
    t.after(() => sb.close());
    await sb.monitor({ Datapath_Binding: { columns: ['external_ids'] } });
    await nb.transact([insert('Logical_Switch', { name: 'ls-northd', external_ids: map({ test: 'yes' }) })]);
    const deadline = Date.now() + 10_000;
    const named = () =>
      sb.cache
        .table('Datapath_Binding')
        .rows()
        .some((r) => (r['external_ids'] as Record<string, string>)['name'] === 'ls-northd');
    while (!named() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(named(), 'ovn-northd created the SB datapath for the NB switch');

    for (const file of [
      'nb.sock',
      'sb.sock',
      'nb.ctl',
      'sb.ctl',
      'ovn-northd.ctl',
      'nb.log',
      'ovn-northd.log',
    ]) {
      assert.ok(existsSync(join(tmp.dir, file)), `${file} lives in the private directory`);
    }

    nb.close();
    sb.close();
    await central.stop();
    assert.ok(
      pids.every((p) => !alive(p)),
      'every process we started is gone',
    );
  },
);
