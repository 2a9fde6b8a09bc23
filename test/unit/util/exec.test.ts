import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildProcessRunner, ProcessError, ProcessTimeoutError, check } from '../../../src/util/exec.ts';

const runner = new ChildProcessRunner();

void test('run returns code, stdout and stderr; a non-zero exit is a result', async () => {
  const r = await runner.run('sh', ['-c', 'echo out; echo err >&2; exit 3']);
  assert.deepEqual(r, { code: 3, stdout: 'out\n', stderr: 'err\n' });
});

void test('run feeds input and merges env', async () => {
  const r = await runner.run('sh', ['-c', 'cat; printf %s "$KOVN_X"'], {
    input: 'hello ',
    env: { KOVN_X: 'world' },
  });
  assert.equal(r.stdout, 'hello world');
});

void test('run rejects with ProcessTimeoutError after timeoutMs', async () => {
  await assert.rejects(runner.run('sleep', ['5'], { timeoutMs: 50 }), ProcessTimeoutError);
});

void test('inheritEnv false gives the child only the env it is handed', async () => {
  process.env['KOVN_EXEC_PARENT'] = 'leaked';
  try {
    const r = await runner.run('/bin/sh', ['-c', 'printf "%s|%s" "$KOVN_EXEC_PARENT" "$KOVN_X"'], {
      env: { KOVN_X: 'mine', PATH: '/usr/bin:/bin' },
      inheritEnv: false,
    });
    assert.equal(r.stdout, '|mine');
  } finally {
    delete process.env['KOVN_EXEC_PARENT'];
  }
});

void test('processGroup: the timeout kills the whole group, also what the command left behind', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kovn-exec-'));
  try {
    const pidFile = join(dir, 'child.pid');
    const started = Date.now();
    // The shell starts a background sleep that keeps stdout open, then waits: both must go at the deadline (long
    // enough that a loaded machine has started both and written the pid first).
    await assert.rejects(
      runner.run('sh', ['-c', `sleep 30 & echo $! > ${pidFile}; wait`], {
        timeoutMs: 2_000,
        processGroup: true,
      }),
      ProcessTimeoutError,
    );
    assert.ok(Date.now() - started < 15_000, 'resolved at the deadline, not when the sleep ends');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(pid > 1, `the shell wrote the background pid before the deadline (${JSON.stringify(pid)})`);
    let alive = true;
    for (let i = 0; i < 50 && alive; i++) {
      // Killed means gone or a zombie waiting for its new parent (pid 1 here) to reap it.
      const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
      alive = stat !== '' && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
      if (alive) await runner.run('sleep', ['0.02']);
    }
    assert.equal(alive, false, 'the background child was killed with its group');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('processGroup: a command that ends in time is a normal result', async () => {
  const r = await runner.run('sh', ['-c', 'echo hi; exit 3'], { timeoutMs: 5_000, processGroup: true });
  assert.deepEqual(r, { code: 3, stdout: 'hi\n', stderr: '' });
});

void test('run rejects when the program does not exist', async () => {
  await assert.rejects(runner.run('/nonexistent/kovn-prog', []), /nonexistent\/kovn-prog.*ENOENT/);
});

void test('check throws ProcessError naming the command and stderr', async () => {
  assert.equal(await check(runner, 'echo', ['ok']), 'ok\n');
  await assert.rejects(check(runner, 'sh', ['-c', 'echo bad >&2; exit 1']), (err: unknown) => {
    assert.ok(err instanceof ProcessError);
    assert.match(err.message, /sh -c .*exit 1: bad/);
    assert.equal(err.result.code, 1);
    return true;
  });
});

void test('spawn returns the pid, logs to a file, and the exit promise resolves on kill', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kovn-exec-'));
  try {
    const log = join(dir, 'daemon.log');
    const p = await runner.spawn('sh', ['-c', 'echo started; exec sleep 30'], { logFile: log });
    assert.ok(p.pid > 0);
    for (let i = 0; i < 50 && !readFileSync(log, 'utf8').includes('started'); i++) {
      await runner.run('sleep', ['0.02']);
    }
    assert.equal(readFileSync(log, 'utf8'), 'started\n');
    p.kill('SIGTERM');
    assert.deepEqual(await p.exited, { code: null, signal: 'SIGTERM' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('spawn rejects when the program does not exist', async () => {
  await assert.rejects(runner.spawn('/nonexistent/kovn-daemon', []), /ENOENT/);
});
