// `kovn up` on a machine where another lab with the same id left things behind (root, real namespaces; issue 20).
// A dead lab's leftovers (its namespaces with a bridge and a veth between them, a stale name under /run/netns, a
// ledger whose process is dead, stale pid files, its claim on the id) are removed and the new lab comes up; before
// the fix `up` failed with `Cannot create namespace file ... File exists`. A live lab holding the id (a process it
// recorded runs inside its namespace) is named with the command that stops it, and neither `up` nor `down` in the
// other home touches its namespaces or its process; before the fix the failed `up` killed it and deleted them.
// Namespaces of the id holding a process nobody recorded make `up` refuse, naming them and `kovn down --id`, which
// removes them. Everything a test creates (namespaces, processes, homes, claims) is removed at its end.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labLayout, type LabLayout } from '../../../src/lab/layout.ts';
import { readClaim, releaseClaim, takeClaim } from '../../../src/lab/process/claim.ts';
import { Ledger } from '../../../src/lab/process/ledger.ts';
import { LedgerRunner } from '../../../src/lab/process/ledger-runner.ts';
import { clearForUp } from '../../../src/lab/process/leftovers.ts';
import { isAlive, processIdentity, type ProcessIdentity } from '../../../src/lab/process/procfs.ts';
import { teardown } from '../../../src/lab/process/teardown.ts';
import { listNetns } from '../../../src/lab/dataplane/netns.ts';
import { check, processRunner as runner } from '../../../src/util/exec.ts';
import { runKovn } from '../../support/lab-e2e.ts';
import { dataplaneSkipReason } from './dataplane-support.ts';

const skipUnlessRoot = process.getuid?.() !== 0 ? 'needs root (network namespaces)' : false;
const ip = (...args: string[]) => check(runner, 'ip', args);
const labNetns = async (id: string) => (await listNetns(runner)).filter((n) => n.startsWith(`${id}-`)).sort();

/** A temp home and a random id; at the end every namespace of the id, its claim and the home are removed. */
function scratchLab(t: TestContext, prefix: string): LabLayout {
  const home = mkdtempSync(join(tmpdir(), `kovn-${prefix}-`));
  const layout = labLayout(home, `${prefix}${randomBytes(3).toString('hex')}`);
  t.after(async () => {
    for (const ns of await labNetns(layout.id)) {
      const pids = (await runner.run('ip', ['netns', 'pids', ns])).stdout.split(/\s+/).filter(Boolean);
      for (const pid of pids) process.kill(Number(pid), 'SIGKILL');
      await runner.run('ip', ['netns', 'delete', ns]);
    }
    rmSync(layout.claimFile, { force: true });
    rmSync(home, { recursive: true, force: true });
  });
  return layout;
}

/** A process that ran and is gone (its identity, as a ledger would have recorded it). */
async function deadProcess(): Promise<ProcessIdentity> {
  const p = await runner.spawn('sleep', ['600']);
  const id = processIdentity(p.pid)!;
  p.kill('SIGKILL');
  await p.exited;
  return id;
}

/** A dead lab in `dead.home`: two namespaces joined by a veth, a bridge, stale files, a dead ledger, its claim. */
async function deadLab(dead: LabLayout): Promise<void> {
  const ledger = new Ledger(dead.ledger);
  const gone = await deadProcess();
  ledger.addProcess({ ...gone, command: 'ovsdb-server', component: 'old/ovsdb-server' });
  writeFileSync(dead.daemonPid, `${gone.pid}\n`);
  const node = dead.nodeNetns('old');
  for (const ns of [dead.underlayNetns, node]) {
    ledger.addNamespace(ns);
    await ip('netns', 'add', ns);
  }
  await ip('-n', dead.underlayNetns, 'link', 'add', 'br0', 'type', 'bridge');
  await ip(
    '-n',
    node,
    'link',
    'add',
    'ul0',
    'type',
    'veth',
    'peer',
    'name',
    'u-old',
    'netns',
    dead.underlayNetns,
  );
  await ip('-n', dead.underlayNetns, 'link', 'set', 'u-old', 'master', 'br0');
  writeFileSync(`/run/netns/${dead.upstreamNetns('ext')}`, ''); // a name under /run/netns with no namespace
  mkdirSync(join(dead.nodeDir('old')), { recursive: true });
  writeFileSync(`${dead.tproxySocket('old')}.pid`, `${gone.pid}\n`);
  ledger.addDir(dead.centralDir);
  mkdirSync(dead.centralDir, { recursive: true });
  assert.equal(takeClaim(dead), 'taken');
}

void test(
  "kovn up removes a dead lab's leftovers with the same id and comes up",
  { timeout: 300_000 },
  async (t) => {
    const skip = skipUnlessRoot || (await dataplaneSkipReason());
    if (skip) return t.skip(skip);
    const dead = scratchLab(t, 'ld');
    const home = mkdtempSync(join(tmpdir(), 'kovn-lb-'));
    const layout = labLayout(home, dead.id);
    t.after(() => {
      runKovn(home, ['down']);
      rmSync(home, { recursive: true, force: true });
    });
    await deadLab(dead);

    const up = runKovn(home, ['up', '--id', dead.id, '--nodes', 'a']);
    assert.equal(up.code, 0, up.out);
    assert.match(
      up.out,
      new RegExp(`removed the leftovers of a dead lab in ${dead.home}: 0 processes, 3 namespaces`),
    );
    assert.deepEqual(
      await labNetns(dead.id),
      [`${dead.id}-n-a`, `${dead.id}-ul`],
      "the new lab's, nothing else",
    );
    assert.deepEqual(readClaim(layout), { id: dead.id, home }, 'the id is claimed for the new lab');
    for (const file of [dead.ledger, dead.centralDir, `${dead.tproxySocket('old')}.pid`])
      assert.equal(existsSync(file), false, `${file} removed`);

    const down = runKovn(home, ['down']);
    assert.equal(down.code, 0, down.out);
    assert.deepEqual(await labNetns(dead.id), []);
    assert.equal(existsSync(layout.claimFile), false, 'down releases the claim');
  },
);

void test(
  'kovn up refuses while a live lab holds the id, and leaves it alone',
  { timeout: 60_000 },
  async (t) => {
    if (skipUnlessRoot) return t.skip(skipUnlessRoot);
    const live = scratchLab(t, 'll');
    const home = mkdtempSync(join(tmpdir(), 'kovn-lb-'));
    t.after(() => rmSync(home, { recursive: true, force: true }));
    const ledger = new Ledger(live.ledger);
    for (const ns of [live.underlayNetns, live.nodeNetns('a')]) {
      ledger.addNamespace(ns);
      await ip('netns', 'add', ns);
    }
    const worker = await new LedgerRunner(runner, ledger).spawn('sleep', ['600'], {
      netns: live.nodeNetns('a'),
    });
    t.after(() => worker.kill('SIGKILL'));
    const id = processIdentity(worker.pid)!;
    assert.equal(takeClaim(live), 'taken');
    const before = await labNetns(live.id);

    const up = runKovn(home, ['up', '--id', live.id]);
    assert.equal(up.code, 1, up.out);
    assert.match(
      up.out,
      new RegExp(`lab id ${live.id} is in use by the lab in ${live.home} \\(processes it`),
    );
    assert.match(up.out, new RegExp(`KOVN_HOME=${live.home} kovn down`));
    assert.doesNotMatch(up.out, /starting the kovn lab/);
    const down = runKovn(home, ['down']);
    assert.equal(down.code, 0, down.out);
    assert.match(down.out, new RegExp(`held by the running lab in ${live.home}`));
    assert.deepEqual(await labNetns(live.id), before, 'namespaces of the live lab untouched');
    assert.ok(isAlive(id), 'its process untouched');
    assert.deepEqual(readClaim(live), { id: live.id, home: live.home });

    const report = await teardown(live, { graceMs: 2000 });
    releaseClaim(live);
    assert.deepEqual(report.errors, []);
    assert.deepEqual(await labNetns(live.id), []);
  },
);

void test('a process nobody recorded in a namespace of the id makes up refuse; down --id removes it', async (t) => {
  if (skipUnlessRoot) return t.skip(skipUnlessRoot);
  const layout = scratchLab(t, 'lu');
  for (const ns of [layout.underlayNetns, layout.nodeNetns('a')]) await ip('netns', 'add', ns);
  const stray = await runner.spawn('sleep', ['600'], { netns: layout.nodeNetns('a') });
  t.after(() => stray.kill('SIGKILL'));

  const refused = await clearForUp(layout);
  assert.equal(refused.ok, false);
  assert.match(
    refused.ok ? '' : refused.message,
    new RegExp(`${layout.id}-n-a \\(pid ${stray.pid} sleep 600\\)`),
  );
  assert.match(refused.ok ? '' : refused.message, new RegExp(`kovn down --id ${layout.id}`));
  assert.deepEqual(await labNetns(layout.id), [layout.nodeNetns('a'), layout.underlayNetns], 'none deleted');
  assert.equal(readClaim(layout), undefined, 'the id was not claimed');
  assert.ok(processIdentity(stray.pid), 'the process was not killed');

  const down = runKovn(layout.home, ['down', '--id', layout.id]);
  assert.equal(down.code, 0, down.out);
  assert.match(down.out, new RegExp(`removed the leftovers of lab id ${layout.id}: 1 process, 2 namespaces`));
  assert.equal((await stray.exited).signal, 'SIGKILL');
  assert.deepEqual(await labNetns(layout.id), []);
});
