// teardown() on real processes without namespaces (no root needed): a process spawned through the LedgerRunner
// is recorded and killed by teardown from a fresh Ledger; a recorded pid whose start time no longer matches is
// left alone; recorded directories under the lab home are removed, any outside it are not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labLayout } from '../../../src/lab/layout.ts';
import { Ledger } from '../../../src/lab/process/ledger.ts';
import { LedgerRunner } from '../../../src/lab/process/ledger-runner.ts';
import { isAlive, processIdentity } from '../../../src/lab/process/procfs.ts';
import { teardown } from '../../../src/lab/process/teardown.ts';
import { processRunner } from '../../../src/util/exec.ts';

void test('teardown stops recorded processes that are still ours and removes recorded directories', async (t) => {
  if ((await processRunner.run('sh', ['-c', 'command -v ip'])).code !== 0) return t.skip('needs iproute2');
  const home = mkdtempSync(join(tmpdir(), 'kovn-teardown-'));
  const outside = mkdtempSync(join(tmpdir(), 'kovn-teardown-outside-'));
  t.after(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });
  const layout = labLayout(home, `u${process.pid % 100000}`);
  const ledger = new Ledger(layout.ledger);
  const runner = new LedgerRunner(processRunner, ledger, { component: 'test' });
  const sleeper = await runner.spawn('sleep', ['60']);
  const bystander = await processRunner.spawn('sleep', ['60']);
  t.after(() => bystander.kill('SIGKILL'));
  const id = processIdentity(bystander.pid)!;
  ledger.addProcess({ ...id, startTime: `${id.startTime}9`, command: 'sleep' }); // pid reused by someone else
  const central = join(home, 'central');
  mkdirSync(join(central, 'x'), { recursive: true });
  ledger.addDir(central);
  ledger.addDir(outside);
  assert.equal(ledger.read().processes.find((p) => p.pid === sleeper.pid)?.component, 'test');

  const report = await teardown(layout, { graceMs: 2000 });
  assert.deepEqual(report.errors, []);
  assert.deepEqual(
    report.stopped.map((p) => p.pid),
    [sleeper.pid],
  );
  assert.equal((await sleeper.exited).signal, 'SIGTERM');
  assert.ok(isAlive(id), 'the process whose start time differs was not signalled');
  assert.equal(existsSync(central), false);
  assert.equal(existsSync(outside), true, 'directories outside the lab home are never removed');
  assert.equal(existsSync(layout.ledger), false);
});
