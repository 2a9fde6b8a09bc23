import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
