/**
 * Deleting the network namespaces of one lab id: those a ledger recorded and every existing one named as the lab
 * names its own (`layout.owns`), once the processes still inside them are dealt with. `kill` sends those SIGKILL
 * (`kovn down`: the user asked for the lab to go). `keep` kills nothing and deletes nothing when any of them holds
 * a process: nobody recorded it, so it may belong to a lab that is still alive, and the namespaces of one id go
 * together (`kovn up` removing a dead lab's leftovers). `ip netns delete` also removes a name under /run/netns
 * whose namespace is gone (a plain file left there), which `ip netns add` would refuse with "File exists".
 */
import type { ProcessRunner } from '../../util/exec.ts';
import { listNetns } from '../dataplane/netns.ts';

export type StrayPolicy = 'kill' | 'keep';

export interface NetnsProcesses {
  netns: string;
  pids: number[];
}

export interface SweepResult {
  /** Namespaces deleted now. */
  deleted: string[];
  /** Recorded namespaces that no longer exist. */
  gone: string[];
  /** Pids found inside and killed (`kill`). */
  killed: number[];
  /** Namespaces holding processes, all left in place (`keep`). */
  busy: NetnsProcesses[];
  errors: string[];
}

/** Pids of the processes inside a named namespace (none for a name that is not a namespace any more). */
export async function pidsIn(runner: ProcessRunner, netns: string): Promise<number[]> {
  const r = await runner.run('ip', ['netns', 'pids', netns]);
  return r.stdout
    .split(/\s+/)
    .filter((p) => /^\d+$/.test(p))
    .map(Number);
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone already */
  }
}

export async function sweepNamespaces(
  runner: ProcessRunner,
  owns: (netns: string) => boolean,
  recorded: readonly string[],
  strays: StrayPolicy,
): Promise<SweepResult> {
  const existing = await listNetns(runner);
  const result: SweepResult = { deleted: [], gone: [], killed: [], busy: [], errors: [] };
  const names = [...new Set([...recorded, ...existing])].filter(owns);
  result.gone = names.filter((n) => !existing.includes(n));
  const present = names.filter((n) => existing.includes(n));
  const inside: NetnsProcesses[] = [];
  for (const netns of present) inside.push({ netns, pids: await pidsIn(runner, netns) });
  result.busy = strays === 'keep' ? inside.filter((n) => n.pids.length > 0) : [];
  if (result.busy.length > 0) return result;
  for (const { netns, pids } of inside) {
    for (const pid of pids) kill(pid);
    result.killed.push(...pids);
    const r = await runner.run('ip', ['netns', 'delete', netns]);
    if (r.code === 0) result.deleted.push(netns);
    else result.errors.push(`netns ${netns}: ${r.stderr.trim()}`);
  }
  return result;
}
