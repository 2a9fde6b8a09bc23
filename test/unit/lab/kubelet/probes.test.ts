// The lab kubelet's probe scheduling on a fake clock, with the probe outcome chosen per port, or per exec command's
// exit (the network side is covered by test/integration/lab/probes-e2e.test.ts, the exec run by
// test/integration/lab/kubelet/probe-exec.test.ts): initialDelaySeconds and periodSeconds, startup gating the
// others, readiness deciding `ready`, Events in kubelet's words, a liveness failure restarting and counting, exec
// probes sent to the pod rather than to the node prober.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { KubeObject } from '../../../../src/api/types.ts';
import { ProbeManager } from '../../../../src/lab/kubelet/probes.ts';
import type { ProbeRequest } from '../../../../src/lab/kubelet/probe-run.ts';
import type { ExecProbeRun } from '../../../../src/lab/kubelet/probe-exec.ts';
import { FakeClock } from '../../../../src/util/clock.ts';

function setup(container: Record<string, unknown>, open: Set<number>) {
  const clock = new FakeClock();
  const calls: { at: number; port: number; announce: boolean }[] = [];
  const execs: { at: number; container: string; command: readonly string[]; timeoutMs: number }[] = [];
  const events: string[] = [];
  const restarts: string[] = [];
  const changes: string[] = [];
  const start = clock.now();
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns', uid: 'u' },
    spec: { containers: [{ name: 'web', ...container }] },
  } as KubeObject;
  const manager = new ProbeManager({
    clock,
    log: pino({ level: 'silent' }),
    api: {
      event: (_pod, type, reason, message) => {
        events.push(`${type} ${reason} ${message}`);
        return Promise.resolve();
      },
    },
    probe: (req: ProbeRequest) => {
      const port = 'port' in req.action ? req.action.port : 0;
      calls.push({ at: (clock.now() - start) / 1000, port, announce: req.announce !== undefined });
      return Promise.resolve(
        open.has(port)
          ? { ok: true, message: 'ok' }
          : { ok: false, message: `dial tcp ${req.ip}:${port}: connect: connection refused` },
      );
    },
    exec: (run: ExecProbeRun) => {
      const { container, command, timeoutMs } = run;
      execs.push({ at: (clock.now() - start) / 1000, container, command, timeoutMs });
      // `sh -c "exit N"` exits N; anything else succeeds.
      const code = Number(/^exit (\d+)$/.exec(command[2] ?? '')?.[1] ?? 0);
      return Promise.resolve({ ok: code === 0, message: code === 0 ? '' : `exited ${code}\n` });
    },
    announceVia: () => '/run/tproxy.sock',
    restart: (ns, name) => {
      restarts.push(`${ns}/${name}`);
      return Promise.resolve();
    },
    onChange: (ns, name) => changes.push(`${ns}/${name}`),
  });
  manager.ensure(pod, '10.0.1.2');
  return { clock, manager, calls, execs, events, restarts, changes };
}

void test('readiness: first run after the initial delay, then every period; ready once it passes', async () => {
  const open = new Set<number>();
  const t = setup(
    { readinessProbe: { tcpSocket: { port: 80 }, initialDelaySeconds: 5, periodSeconds: 3 } },
    open,
  );
  await t.clock.advanceAsync(4_000);
  assert.equal(t.calls.length, 0, 'nothing before initialDelaySeconds');
  await t.clock.advanceAsync(5_000);
  assert.deepEqual(
    t.calls.map((c) => c.at),
    [5, 8],
  );
  assert.ok(t.calls.every((c) => c.announce && c.port === 80));
  assert.equal(t.manager.status('ns/p')?.get('web')?.ready, false);
  assert.deepEqual(t.events, [
    'Warning Unhealthy Readiness probe failed: dial tcp 10.0.1.2:80: connect: connection refused',
  ]);
  open.add(80);
  await t.clock.advanceAsync(3_000);
  assert.deepEqual(t.manager.status('ns/p')?.get('web'), { started: true, ready: true, restartCount: 0 });
  assert.deepEqual(t.changes, ['ns/p']);
  t.manager.stopAll();
});

void test('startup gates readiness and liveness, then stops probing', async () => {
  const open = new Set<number>([81]);
  const t = setup(
    {
      startupProbe: { tcpSocket: { port: 90 }, periodSeconds: 1, failureThreshold: 30 },
      readinessProbe: { tcpSocket: { port: 81 }, periodSeconds: 1 },
      livenessProbe: { tcpSocket: { port: 81 }, periodSeconds: 1 },
    },
    open,
  );
  await t.clock.advanceAsync(3_500);
  assert.ok(t.calls.length > 0 && t.calls.every((c) => c.port === 90), JSON.stringify(t.calls));
  assert.deepEqual(t.manager.status('ns/p')?.get('web'), { started: false, ready: false, restartCount: 0 });
  open.add(90);
  await t.clock.advanceAsync(3_000);
  const afterStart = t.calls.filter((c) => c.at > 4.5);
  assert.ok(
    afterStart.some((c) => c.port === 81),
    'readiness and liveness run once started',
  );
  assert.ok(
    afterStart.every((c) => c.port !== 90 || c.at <= 5),
    'startup stops after it passed',
  );
  assert.deepEqual(t.manager.status('ns/p')?.get('web'), { started: true, ready: true, restartCount: 0 });
  t.manager.stopAll();
});

void test('a liveness failure at the threshold restarts the container and counts it', async () => {
  const t = setup(
    { livenessProbe: { tcpSocket: { port: 81 }, periodSeconds: 2, failureThreshold: 2 } },
    new Set(),
  );
  await t.clock.advanceAsync(3_000);
  assert.equal(t.restarts.length, 1, 'failures at 0 s and 2 s; the restarted one is next probed at 4 s');
  assert.deepEqual(t.events, [
    'Warning Unhealthy Liveness probe failed: dial tcp 10.0.1.2:81: connect: connection refused',
    'Normal Killing Container web failed liveness probe, will be restarted',
  ]);
  const s = t.manager.status('ns/p')?.get('web');
  assert.equal(s?.restartCount, 1);
  assert.ok(s?.startedAt);
  await t.clock.advanceAsync(2_000);
  assert.deepEqual(
    t.calls.map((c) => c.at),
    [0, 2, 4],
  );
  t.manager.stopAll();
});

void test("exec probes run in the pod with the probe's timeout; exit 0 is ready, another exit is an Unhealthy Event", async () => {
  const failing = setup(
    {
      readinessProbe: { exec: { command: ['sh', '-c', 'exit 3'] }, periodSeconds: 2, timeoutSeconds: 4 },
    },
    new Set(),
  );
  await failing.clock.advanceAsync(3_000);
  assert.deepEqual(failing.calls, [], 'nothing goes to the node prober');
  assert.deepEqual(failing.execs, [
    { at: 0, container: 'web', command: ['sh', '-c', 'exit 3'], timeoutMs: 4_000 },
    { at: 2, container: 'web', command: ['sh', '-c', 'exit 3'], timeoutMs: 4_000 },
  ]);
  assert.equal(failing.manager.status('ns/p')?.get('web')?.ready, false);
  assert.deepEqual(failing.events, ['Warning Unhealthy Readiness probe failed: exited 3\n']);
  failing.manager.stopAll();

  const passing = setup({ readinessProbe: { exec: { command: ['true'] } } }, new Set());
  await passing.clock.advanceAsync(1);
  assert.equal(passing.manager.status('ns/p')?.get('web')?.ready, true);
  assert.deepEqual(passing.events, []);
  passing.manager.stopAll();
});
