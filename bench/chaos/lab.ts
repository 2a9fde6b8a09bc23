/**
 * The chaos run's lab: `kovn up` in a temp home with a random id (as bench/lab.ts), `kovn down` (always, also on
 * error), the victims' names, and the kills themselves. A process victim is killed with SIGKILL by the pid the lab's
 * status file gives for it (never by name), once the supervisor reports it running; the victim "the NAT gateway
 * pod" is not a process: its pod is force-deleted through the API (grace period 0), so the lab's StatefulSet
 * controller re-creates it and the gateway agent programs the new pod.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { labLayout, type LabLayout } from '../../src/lab/layout.ts';
import { readStatus } from '../../src/lab/status.ts';
import { kubeRequest } from '../../src/kube/request.ts';
import { objectPath } from '../../src/kube/resources.ts';
import type { Kill } from './schedule.ts';
import { GATEWAY_NS, GATEWAY_POD, NODES } from './storm.ts';
import type { RecordingWriter } from './writes.ts';

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
export const NAT_GATEWAY_POD = 'nat-gateway-pod';

/** Every victim kind: the supervised processes, and the NAT gateway pod. */
export const VICTIMS = [
  'controller',
  'apiserver',
  ...NODES.map((n) => `${n}/node-agent`),
  'central/northd',
  'central/nb',
  'central/sb',
  `${NODES[1]}/ovn-controller`,
  NAT_GATEWAY_POD,
];

export interface Lab {
  home: string;
  layout: LabLayout;
  kc: KubeConfig;
  kovn(...args: string[]): { code: number; out: string };
}

export function labUp(idPrefix: string): Lab {
  const home = mkdtempSync(join(tmpdir(), 'kovn-chaos-'));
  const layout = labLayout(home, `${idPrefix}${randomBytes(4).toString('hex')}`);
  const kovn = (...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, ...args], {
      env: { ...process.env, KOVN_HOME: home },
      encoding: 'utf8',
      timeout: 300_000,
    });
    return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
  };
  const lab = { home, layout, kc: new KubeConfig(), kovn };
  const up = kovn('up', '--id', layout.id);
  if (up.code !== 0) {
    kovn('down');
    throw new Error(`kovn up failed:\n${up.out}`);
  }
  lab.kc.loadFromFile(layout.kubeconfig);
  return lab;
}

/** `kovn down`, and the lab's network namespaces still there afterwards (none, when all went well). */
export function labDown(lab: Lab): { ok: boolean; out: string; leftovers: string[] } {
  const down = lab.kovn('down');
  const leftovers = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(`${lab.layout.id}-`));
  return { ok: down.code === 0, out: down.out, leftovers };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ExecutedKill extends Kill {
  /** When it was done, from the start of the storm. */
  doneMs: number;
  /** The pid killed, or the uid of the pod deleted. */
  target: string;
  note?: string;
}

/** The pid of a running component, waiting (up to `waitMs`) while the supervisor restarts it. */
async function runningPid(layout: LabLayout, name: string, waitMs: number): Promise<number | undefined> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const c = readStatus(layout.statusFile)?.components.find((x) => x.name === name);
    if (c?.state === 'running' && c.pid) return c.pid;
    if (Date.now() > deadline) return undefined;
    await sleep(100);
  }
}

async function killOne(
  lab: Lab,
  writer: RecordingWriter,
  victim: string,
): Promise<{ target: string; note?: string }> {
  if (victim === NAT_GATEWAY_POD) {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const pod = await kubeRequest<{ metadata: { uid?: string } }>(lab.kc, {
        method: 'GET',
        path: objectPath('Pod', GATEWAY_POD, GATEWAY_NS),
      }).catch(() => undefined);
      if (pod?.metadata.uid) {
        await writer.delete('Pod', GATEWAY_POD, GATEWAY_NS, true);
        return { target: `pod uid ${pod.metadata.uid}` };
      }
      if (Date.now() > deadline) return { target: '-', note: 'no gateway pod to delete within 90 s' };
      await sleep(500);
    }
  }
  const pid = await runningPid(lab.layout, victim, 60_000);
  if (pid === undefined) return { target: '-', note: 'not running within 60 s' };
  process.kill(pid, 'SIGKILL');
  return { target: `pid ${pid}` };
}

/** Runs the schedule from `start` (ms since the epoch); each kill as done, also printed through `log`. */
export async function runKills(
  lab: Lab,
  writer: RecordingWriter,
  schedule: readonly Kill[],
  start: number,
  log: (line: string) => void,
): Promise<ExecutedKill[]> {
  const done: ExecutedKill[] = [];
  for (const [i, kill] of schedule.entries()) {
    const wait = start + kill.atMs - Date.now();
    if (wait > 0) await sleep(wait);
    const { target, note } = await killOne(lab, writer, kill.victim).catch((err: unknown) => ({
      target: '-',
      note: `kill failed: ${(err as Error).message}`,
    }));
    const doneMs = Date.now() - start;
    done.push({ ...kill, doneMs, target, ...(note ? { note } : {}) });
    log(
      `  kill #${i + 1} +${(doneMs / 1000).toFixed(1)} s ${kill.victim} (${target})${note ? `: ${note}` : ''}`,
    );
  }
  return done;
}

/**
 * The components restarted more often than they were killed (a supervisor restart nobody asked for: a crash, or a
 * failed health check under load), from the lab's status file: the check "restarts == kills".
 */
export function unexpectedRestarts(
  layout: LabLayout,
  executed: readonly ExecutedKill[],
): { components: number; restarts: number; failures: string[] } {
  const components = readStatus(layout.statusFile)?.components ?? [];
  const killed = new Map<string, number>();
  for (const k of executed)
    if (k.target.startsWith('pid ')) killed.set(k.victim, (killed.get(k.victim) ?? 0) + 1);
  const failures = components
    .filter((c) => c.restarts > (killed.get(c.name) ?? 0))
    .map(
      (c) =>
        `${c.name}: ${c.restarts} restarts, ${killed.get(c.name) ?? 0} kills (last change ${new Date(c.since).toISOString()}${c.message ? `: ${c.message}` : ''})`,
    );
  return {
    components: components.length,
    restarts: components.reduce((n, c) => n + c.restarts, 0),
    failures,
  };
}
