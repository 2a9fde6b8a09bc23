/**
 * Process identity from /proc, so a pid recorded earlier is signalled only while it still names the process we
 * started: a pid is reused after its process exits, but (pid, start time in clock ticks since boot, field 22 of
 * /proc/<pid>/stat) is unique for the life of the machine. Linux only; read-only.
 */
import { readFileSync } from 'node:fs';

export interface ProcessIdentity {
  pid: number;
  /** Field 22 of /proc/<pid>/stat, kept as a string (it can exceed 2^53 in principle). */
  startTime: string;
}

interface Stat {
  state: string;
  startTime: string;
}

function readStat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid ..." where comm may contain spaces and parentheses: split after the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = rest[0];
  const startTime = rest[19];
  return state === undefined || startTime === undefined ? undefined : { state, startTime };
}

/** The identity of a live process, or undefined if there is none (or only a zombie) with that pid. */
export function processIdentity(pid: number): ProcessIdentity | undefined {
  const stat = readStat(pid);
  if (!stat || stat.state === 'Z' || stat.state === 'X') return undefined;
  return { pid, startTime: stat.startTime };
}

/** Is `id` still the same live process? */
export function isAlive(id: ProcessIdentity): boolean {
  return processIdentity(id.pid)?.startTime === id.startTime;
}

/** argv of a process (empty if gone). */
export function processArgv(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}
