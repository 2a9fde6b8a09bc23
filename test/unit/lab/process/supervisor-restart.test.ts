// The supervisor's restart policy with a fake clock and a fake process runner: restart after an unexpected exit
// with exponential backoff, reset after a stable run, give up after maxFailures short runs, no restart after
// stop() or with restart: false, failed restarts retried, and one log line per exit with component, signal and count;
// `ready` told whether a launch is a first start or a restart, and a restart's readiness deadline the longer one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  RESTART_READY_MS,
  Supervisor,
  readyDeadlineMs,
  type ComponentHealth,
  type StartKind,
} from '../../../../src/lab/process/supervisor.ts';
import { FakeClock } from '../../../../src/util/clock.ts';
import type { ProcessExit, ProcessRunner, RunResult, SpawnedProcess } from '../../../../src/util/exec.ts';

interface FakeProc extends SpawnedProcess {
  exit(e: Partial<ProcessExit>): void;
}

class FakeRunner implements ProcessRunner {
  procs: FakeProc[] = [];
  failNext = 0;
  #pid = 1000;
  run(): Promise<RunResult> {
    return Promise.resolve({ code: 0, stdout: '', stderr: '' });
  }
  spawn(cmd: string): Promise<SpawnedProcess> {
    if (this.failNext > 0) {
      this.failNext--;
      return Promise.reject(new Error(`${cmd}: cannot start`));
    }
    let done!: (e: ProcessExit) => void;
    const exited = new Promise<ProcessExit>((r) => (done = r));
    let over = false;
    const exit = (e: Partial<ProcessExit>): void => {
      if (over) return;
      over = true;
      done({ code: e.code ?? null, signal: e.signal ?? null });
    };
    const proc: FakeProc = {
      pid: this.#pid++,
      exited,
      exit,
      kill: (signal) => {
        if (signal !== 'SIGCONT') exit({ signal: signal ?? 'SIGTERM' });
      },
    };
    this.procs.push(proc);
    return Promise.resolve(proc);
  }
  get last(): FakeProc {
    return this.procs.at(-1)!;
  }
}

interface Line {
  level: string;
  fields: Record<string, unknown>;
  message: string | undefined;
}

function setup(restart?: { stableMs?: number; maxFailures?: number } | false) {
  const clock = new FakeClock();
  const runner = new FakeRunner();
  const lines: Line[] = [];
  const log =
    (level: string) =>
    (fields: object, message?: string): void =>
      void lines.push({ level, fields: fields as Record<string, unknown>, message });
  const logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  const sup = new Supervisor({ runner, clock, logger });
  const changes: ComponentHealth[] = [];
  sup.on('change', (h) => changes.push(h));
  const start = () =>
    sup.start({
      name: 'n1/ovn-controller',
      command: 'ovn-controller',
      args: [],
      ...(restart === undefined ? {} : { restart }),
    });
  return { clock, runner, lines, sup, changes, start };
}

void test('an unexpected exit is restarted after a backoff that doubles, and each exit is logged', async () => {
  const { clock, runner, lines, sup, start } = setup();
  const c = await start();
  assert.equal(c.health().state, 'running');
  assert.equal(c.pid, 1000);
  runner.last.exit({ signal: 'SIGKILL' });
  await clock.flush();
  assert.equal(c.health().state, 'restarting');
  assert.equal(c.health().restarts, 1);
  assert.equal(c.health().lastExit?.signal, 'SIGKILL');
  await clock.advanceAsync(199);
  assert.equal(runner.procs.length, 1, 'not before the backoff');
  await clock.advanceAsync(1);
  assert.equal(runner.procs.length, 2);
  assert.deepEqual([c.health().state, c.pid], ['running', 1001]);
  const warn = lines.find((l) => l.level === 'warn');
  assert.deepEqual(warn?.fields, {
    component: 'n1/ovn-controller',
    pid: 1000,
    code: null,
    signal: 'SIGKILL',
    restarts: 1,
    delayMs: 200,
  });
  assert.match(warn?.message ?? '', /exited \(signal SIGKILL\); restart 1 in 200 ms/);

  runner.last.exit({ code: 1 });
  await clock.advanceAsync(399);
  assert.equal(runner.procs.length, 2);
  await clock.advanceAsync(1);
  assert.equal(runner.procs.length, 3, 'second short run: 400 ms');
  assert.equal(c.health().restarts, 2);

  await clock.advanceAsync(10_000); // a stable run resets the backoff
  runner.last.exit({ code: 2 });
  await clock.advanceAsync(200);
  assert.equal(runner.procs.length, 4);
  assert.deepEqual(
    sup.health().map((h) => [h.name, h.state, h.restarts]),
    [['n1/ovn-controller', 'running', 3]],
  );
});

void test('after maxFailures short runs in a row the component is failed and left alone', async () => {
  const { clock, runner, lines, start } = setup({ maxFailures: 2 });
  const c = await start();
  for (let i = 0; i < 3; i++) {
    runner.last.exit({ code: 1 });
    await clock.advanceAsync(10_000);
  }
  assert.equal(c.health().state, 'failed');
  assert.equal(runner.procs.length, 3);
  assert.equal(c.health().restarts, 2);
  assert.match(lines.find((l) => l.level === 'error')?.message ?? '', /giving up after 2 short runs/);
});

void test('stop() ends the process without a restart; restart: false never restarts', async () => {
  const a = setup();
  const c = await a.start();
  await a.sup.stop('n1/ovn-controller');
  await a.clock.advanceAsync(60_000);
  assert.equal(a.runner.procs.length, 1);
  assert.equal(c.health().state, 'stopped');
  assert.equal(a.sup.get('n1/ovn-controller'), undefined);

  const b = setup(false);
  const d = await b.start();
  b.runner.last.exit({ code: 3 });
  await b.clock.advanceAsync(60_000);
  assert.equal(d.health().state, 'failed');
  assert.equal(d.health().lastExit?.code, 3);
  assert.equal(b.runner.procs.length, 1);
});

void test('stop() during a pending restart cancels it', async () => {
  const { clock, runner, sup, start } = setup();
  const c = await start();
  runner.last.exit({ signal: 'SIGSEGV' });
  await clock.flush();
  assert.equal(c.health().state, 'restarting');
  await sup.stopAll();
  await clock.advanceAsync(60_000);
  assert.equal(runner.procs.length, 1);
  assert.equal(c.health().state, 'stopped');
});

void test('a restart that fails to launch is retried with backoff', async () => {
  const { clock, runner, lines, start } = setup();
  const c = await start();
  runner.failNext = 2;
  runner.last.exit({ code: 1 });
  await clock.advanceAsync(200); // attempt 1 fails
  await clock.advanceAsync(400); // attempt 2 fails
  assert.equal(c.health().state, 'restarting');
  assert.match(c.health().lastError ?? '', /cannot start/);
  await clock.advanceAsync(800);
  assert.equal(c.health().state, 'running');
  assert.equal(runner.procs.length, 2);
  assert.equal(lines.filter((l) => /failed to start/.test(l.message ?? '')).length, 2);
});

void test('the first start failing rejects and marks the component failed; names are unique', async () => {
  const { runner, sup, start } = setup();
  runner.failNext = 1;
  await assert.rejects(start(), /cannot start/);
  assert.equal(sup.get('n1/ovn-controller')?.health().state, 'failed');
  await start();
  await assert.rejects(start(), /already supervised/);
});

void test('every state change is an event with the health', async () => {
  const { clock, runner, changes, start } = setup();
  await start();
  runner.last.exit({ code: 1 });
  await clock.advanceAsync(200);
  assert.deepEqual(
    changes.map((h) => [h.state, h.pid, h.restarts]),
    [
      ['running', 1000, 0],
      ['restarting', undefined, 1],
      ['running', 1001, 1],
    ],
  );
});

void test('ready is told a first start from a restart', async () => {
  const clock = new FakeClock();
  const runner = new FakeRunner();
  const sup = new Supervisor({ runner, clock });
  const starts: StartKind[] = [];
  await sup.start({
    name: 'n1/api',
    command: 'api',
    args: [],
    ready: (_proc, start) => {
      starts.push(start);
      return Promise.resolve();
    },
  });
  runner.last.exit({ signal: 'SIGKILL' });
  await clock.advanceAsync(200);
  runner.last.exit({ signal: 'SIGKILL' });
  await clock.advanceAsync(400);
  assert.deepEqual(starts, [{ restart: false }, { restart: true }, { restart: true }]);
  await sup.stopAll();
});

void test('a restart waits for readiness at least RESTART_READY_MS; a first start its own deadline', () => {
  const cases: [StartKind, number, number][] = [
    [{ restart: false }, 30_000, 30_000],
    [{ restart: false }, 15_000, 15_000],
    [{ restart: true }, 30_000, RESTART_READY_MS],
    [{ restart: true }, 300_000, 300_000],
  ];
  for (const [start, first, want] of cases) assert.equal(readyDeadlineMs(start, first), want);
});
