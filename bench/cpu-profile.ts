/**
 * A CPU profile of a running Node process, for bench:lab's `--cpu-prof DIR`: opens the process's inspector (SIGUSR1,
 * which Node answers by listening on 127.0.0.1:9229), starts V8's sampling profiler over the DevTools protocol, and
 * on `stop` writes the `.cpuprofile` (loadable in Chrome DevTools) and returns the self time per function and per
 * source file, largest first, so the benchmark can print where that process spent the burst. The samples are of the
 * main thread's wall time when it is not idle: time blocked in a synchronous call (a spawn, a sync file write) or
 * waiting for a core on a busy machine counts.
 */
import { writeFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTime {
  what: string;
  ms: number;
}

export interface ProfileSummary {
  totalMs: number;
  byFunction: SelfTime[];
  byFile: SelfTime[];
}

export interface RunningProfile {
  /** Stops the profiler, writes the profile to `file`, closes the inspector session. */
  stop(file: string): Promise<ProfileSummary>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function inspectorUrl(port: number): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const list = await fetch(`http://127.0.0.1:${port}/json/list`)
      .then((r) => r.json() as Promise<{ webSocketDebuggerUrl: string }[]>)
      .catch(() => undefined);
    const url = list?.[0]?.webSocketDebuggerUrl;
    if (url) return url;
    await sleep(100);
  }
  throw new Error(`process inspector on 127.0.0.1:${port} did not answer`);
}

/** Self time per function and per file (the project's files relative to `root`). */
export function summarise(profile: Profile, root: string): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  let idle = 0;
  for (const [id, us] of selfUs) {
    const f = byId.get(id)!.callFrame;
    if (f.functionName === '(idle)') {
      idle += us;
      continue;
    }
    const where = f.url.replace(/^file:\/\//, '').replace(root, '') || f.functionName;
    const short = where.replace(/.*\/node_modules\//, 'node_modules/');
    const name = `${f.functionName || '(anonymous)'} ${short}:${f.lineNumber + 1}`;
    fn.set(name, (fn.get(name) ?? 0) + us);
    file.set(short, (file.get(short) ?? 0) + us);
  }
  const sorted = (m: Map<string, number>) =>
    [...m].map(([what, us]) => ({ what, ms: us / 1000 })).sort((a, b) => b.ms - a.ms);
  const all = [...selfUs.values()].reduce((a, b) => a + b, 0);
  return { totalMs: (all - idle) / 1000, byFunction: sorted(fn), byFile: sorted(file) };
}

/** Starts profiling process `pid` (a Node process this user may signal), sampling every `intervalUs`. */
export async function profileProcess(
  pid: number,
  root: string,
  options: { port?: number; intervalUs?: number } = {},
): Promise<RunningProfile> {
  process.kill(pid, 'SIGUSR1');
  const ws = new WebSocket(await inspectorUrl(options.port ?? 9229));
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve, { once: true });
    ws.addEventListener('error', () => reject(new Error(`cannot connect to the inspector of pid ${pid}`)), {
      once: true,
    });
  });
  let next = 1;
  const waiting = new Map<number, (result: unknown) => void>();
  ws.addEventListener('message', (ev) => {
    const msg = JSON.parse(String(ev.data)) as { id?: number; result?: unknown };
    if (msg.id !== undefined) waiting.get(msg.id)?.(msg.result);
  });
  const call = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      const id = next++;
      waiting.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  await call('Profiler.enable');
  await call('Profiler.setSamplingInterval', { interval: options.intervalUs ?? 500 });
  await call('Profiler.start');
  return {
    async stop(file) {
      const { profile } = (await call('Profiler.stop')) as { profile: Profile };
      writeFileSync(file, JSON.stringify(profile));
      ws.close();
      return summarise(profile, root);
    },
  };
}
