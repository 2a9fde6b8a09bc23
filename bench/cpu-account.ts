/**
 * CPU time of the lab's processes, for bench:lab: each component's own CPU and that of the children it has waited
 * for (a node agent's `ip`/`ovs-vsctl` calls, the kubelet's CNI plugin runs), read from /proc/PID/stat. Taken before
 * and after a burst, the difference divided by the pods says where a pod's start-up CPU goes on this machine.
 */
import { readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc times are in 1/100 s on every architecture the lab runs on. */
const TICKS_PER_SECOND = 100;

export interface CpuSample {
  /** seconds of CPU the process used itself */
  self: number;
  /** seconds of CPU used by its children that it has reaped */
  children: number;
}

export function cpuOf(pid: number): CpuSample | undefined {
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
  for (const [name, pid] of pids) {
    const s = cpuOf(pid);
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
