/**
 * CPU time of the lab's processes, for bench:lab: each component's own CPU and that of its children, read from
 * /proc/PID/stat: the children it has waited for (the kubelet's CNI plugin runs) and those still running (a node
 * agent's long-lived link helper, counted with their own reaped children), so a helper process cannot hide CPU.
 * Taken before and after a burst, the difference divided by the pods says where a pod's start-up CPU goes.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc times are in 1/100 s on every architecture the lab runs on. */
const TICKS_PER_SECOND = 100;

export interface CpuSample {
  /** seconds of CPU the process used itself */
  self: number;
  /** seconds of CPU used by its children: those it has reaped, and the live ones with theirs */
  children: number;
}

/** The live children of `pid`, from every thread's children list. */
function liveChildren(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

/** `pid`'s CPU; live descendants in `separate` (measured on their own) are left out. */
export function cpuOf(pid: number, separate: ReadonlySet<number> = new Set()): CpuSample | undefined {
  const own = ownCpuOf(pid);
  if (!own) return undefined;
  let children = own.children;
  for (const child of liveChildren(pid)) {
    if (separate.has(child)) continue;
    const c = cpuOf(child, separate);
    if (c) children += c.self + c.children;
  }
  return { self: own.self, children };
}

function ownCpuOf(pid: number): CpuSample | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name (which may hold spaces) start at "state"; utime is field 14 overall.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const n = (i: number) => Number(f[i - 3] ?? 0) / TICKS_PER_SECOND;
  return { self: n(14) + n(15), children: n(16) + n(17) };
}

export function sampleAll(pids: ReadonlyMap<string, number>): Map<string, CpuSample> {
  const out = new Map<string, CpuSample>();
  const separate = new Set(pids.values());
  for (const [name, pid] of pids) {
    const s = cpuOf(pid, separate);
    if (s) out.set(name, s);
  }
  return out;
}

/** Per component, CPU seconds used between the two samples, largest first. */
export function cpuBetween(
  before: ReadonlyMap<string, CpuSample>,
  after: ReadonlyMap<string, CpuSample>,
): { name: string; self: number; children: number }[] {
  const rows: { name: string; self: number; children: number }[] = [];
  for (const [name, b] of before) {
    const a = after.get(name);
    if (a) rows.push({ name, self: a.self - b.self, children: a.children - b.children });
  }
  return rows.sort((x, y) => y.self + y.children - (x.self + x.children));
}
