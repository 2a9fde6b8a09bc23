// Pure and file-only parts of the dataplane: the ledger's read-modify-write (removals never revive a deleted
// ledger), process identity from /proc, and the underlay's addresses and port names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ledger } from '../../../../src/lab/process/ledger.ts';
import { isAlive, processArgv, processIdentity } from '../../../../src/lab/process/procfs.ts';
import { encapIp, underlayPortName } from '../../../../src/lab/dataplane/underlay.ts';

void test('the ledger records and forgets processes, namespaces and directories', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kovn-ledger-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'sub', 'ledger.json');
  const a = new Ledger(path);
  const b = new Ledger(path); // a second writer in the same process sees every change
  assert.deepEqual(a.read(), { version: 1, processes: [], namespaces: [], dirs: [] });
  a.addProcess({ pid: 10, startTime: '5', command: 'ovsdb-server', netns: 'x-n-a' });
  b.addNamespace('x-n-a');
  b.addNamespace('x-n-a');
  a.addDir('/h/central');
  assert.deepEqual(b.read(), {
    version: 1,
    processes: [{ pid: 10, startTime: '5', command: 'ovsdb-server', netns: 'x-n-a' }],
    namespaces: ['x-n-a'],
    dirs: ['/h/central'],
  });
  b.removeProcess({ pid: 10, startTime: '6' });
  assert.equal(a.read().processes.length, 1, 'same pid, other start time: not ours to forget');
  b.removeProcess({ pid: 10, startTime: '5' });
  a.removeNamespace('x-n-a');
  a.removeDir('/h/central');
  assert.deepEqual(a.read(), { version: 1, processes: [], namespaces: [], dirs: [] });
  a.remove();
  b.removeNamespace('x-n-a');
  assert.equal(existsSync(path), false, 'a removal after teardown does not recreate the file');
  writeFileSync(path, '{');
  assert.throws(() => a.read(), /not valid JSON/);
});

void test('process identity: our own process is alive, a changed start time or a missing pid is not', () => {
  const me = processIdentity(process.pid);
  assert.ok(me && /^\d+$/.test(me.startTime));
  assert.ok(isAlive(me));
  assert.equal(isAlive({ ...me, startTime: `${me.startTime}1` }), false);
  assert.equal(processIdentity(2 ** 22 + 1), undefined);
  assert.ok(processArgv(process.pid).length > 0);
});

void test('underlay: encap addresses from .11 in TEST-NET-1, stable short port names', () => {
  assert.equal(encapIp(0), '192.0.2.11');
  assert.equal(encapIp(1), '192.0.2.12');
  assert.throws(() => encapIp(244), RangeError);
  assert.equal(underlayPortName('kube-ovn-worker'), underlayPortName('kube-ovn-worker'));
  assert.notEqual(underlayPortName('kube-ovn-worker'), underlayPortName('kube-ovn-control-plane'));
  assert.ok(underlayPortName('kube-ovn-worker').length <= 15);
});
