// The claim of a lab id (files only, a temp run directory): the first home takes it, takes it again harmlessly,
// another home is told who holds it, a release by a home that does not hold it changes nothing, an unreadable
// claim names nobody and is replaced; and the liveness of a lab from its pid file and ledger (start times).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labLayout } from '../../../../src/lab/layout.ts';
import { readClaim, releaseClaim, takeClaim } from '../../../../src/lab/process/claim.ts';
import { Ledger } from '../../../../src/lab/process/ledger.ts';
import { daemonPid, isLabAlive, labLiveness } from '../../../../src/lab/process/liveness.ts';
import { processIdentity } from '../../../../src/lab/process/procfs.ts';

function tempDir(t: { after(fn: () => void): void }, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

void test('one home at a time holds a lab id', (t) => {
  const run = tempDir(t, 'kovn-claim-');
  const a = labLayout('/homes/a', 'c1', run);
  const b = labLayout('/homes/b', 'c1', run);
  assert.equal(readClaim(a), undefined);
  assert.equal(takeClaim(a), 'taken');
  assert.equal(takeClaim(a), 'taken', 'taking it again is harmless');
  assert.deepEqual(takeClaim(b), { id: 'c1', home: '/homes/a' });
  assert.deepEqual(readClaim(b), { id: 'c1', home: '/homes/a' });
  releaseClaim(b);
  assert.deepEqual(readClaim(a), { id: 'c1', home: '/homes/a' }, 'b does not hold it: nothing released');
  releaseClaim(b, '/homes/a');
  assert.equal(existsSync(a.claimFile), false);
  assert.equal(takeClaim(b), 'taken');
  assert.equal(takeClaim(labLayout('/homes/a', 'c2', run)), 'taken', 'another id is another claim');

  writeFileSync(b.claimFile, '{"home":');
  assert.equal(readClaim(a), undefined, 'an unreadable claim names nobody');
  assert.equal(takeClaim(a), 'taken');
  assert.deepEqual(readClaim(b), { id: 'c1', home: '/homes/a' });
});

void test('a lab is alive while its daemon or a process it recorded runs (same pid and start time)', (t) => {
  const home = tempDir(t, 'kovn-live-');
  const layout = labLayout(home, 'l1', home);
  const me = processIdentity(process.pid)!;
  assert.equal(isLabAlive(labLiveness(layout)), false, 'no pid file, no ledger');

  writeFileSync(layout.daemonPid, `${process.pid}\n`);
  assert.equal(daemonPid(layout), undefined, 'a live pid whose argv is not the lab daemon is not the daemon');
  const ledger = new Ledger(layout.ledger);
  ledger.addProcess({ ...me, startTime: `${me.startTime}1`, command: 'node' });
  assert.equal(isLabAlive(labLiveness(layout)), false, 'same pid, other start time: a reused pid');
  ledger.addProcess({ ...me, command: 'node', component: 'test' });
  const live = labLiveness(layout);
  assert.equal(isLabAlive(live), true);
  assert.deepEqual(
    live.running.map((p) => p.component),
    ['test'],
  );
});
