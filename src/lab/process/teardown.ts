/**
 * Removes what a lab made, from its records alone (the daemon that made it may be gone): every process in the ledger
 * that is still the process we started (same pid and start time, procfs.ts) gets SIGTERM, then SIGKILL after a
 * grace period; so does each node agent's TProxy listener, found by the pid file the agent keeps next to its control
 * socket and checked against /proc (src/node/tproxy/process.ts). Then the namespaces (netns-sweep.ts): recorded ones
 * and every one named as this lab's (`layout.owns`), the processes still inside them killed (`strays: 'kill'`,
 * `kovn down`) or, with `strays: 'keep'` (`kovn up`), all left in place and reported as busy when any holds one.
 * None is touched while the id is claimed by another home whose lab is alive (claim.ts): the names are that lab's
 * now. Then the recorded directories under the lab home (the logs too unless `keepLogs`) and the ledger itself.
 * The lab creates nothing in the root namespace (no link, route or iptables rule; OVS runs on private databases
 * under the home), so namespaces, processes and files are all there is. Safe to run twice.
 */
import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { stopListener } from '../../node/tproxy/process.ts';
import { systemClock, type Clock } from '../../util/clock.ts';
import { processRunner, type ProcessRunner } from '../../util/exec.ts';
import { labLayout, type LabLayout } from '../layout.ts';
import { readClaim } from './claim.ts';
import { Ledger, type LedgerProcess } from './ledger.ts';
import { isLabAlive, labLiveness } from './liveness.ts';
import { sweepNamespaces, type NetnsProcesses, type StrayPolicy } from './netns-sweep.ts';
import { isAlive } from './procfs.ts';

export interface TeardownOptions {
  runner?: ProcessRunner;
  clock?: Clock;
  /** SIGTERM grace before SIGKILL (default 5 s). */
  graceMs?: number;
  /** Leave `layout.logDir` in place (default false). */
  keepLogs?: boolean;
  /** Processes nobody recorded inside the lab's namespaces: killed (default) or left, with the namespaces. */
  strays?: StrayPolicy;
}

export interface TeardownReport {
  /** Processes that were still running and were signalled. */
  stopped: LedgerProcess[];
  /** Pids found inside lab namespaces without a ledger entry, killed. */
  strays: number[];
  /** TProxy listeners stopped by their pid files. */
  listeners: number;
  namespaces: string[];
  /** `strays: 'keep'`: namespaces holding unrecorded processes; none of the lab's namespaces was deleted. */
  busy: NetnsProcesses[];
  /** The home of the live lab that holds this id now: the namespaces were left to it. */
  heldBy?: string;
  dirs: string[];
  /** What could not be removed (the ledger keeps it for the next try). */
  errors: string[];
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* gone already */
  }
}

async function stopProcesses(
  procs: LedgerProcess[],
  clock: Clock,
  graceMs: number,
): Promise<LedgerProcess[]> {
  const live = procs.filter(isAlive);
  for (const p of live) signal(p.pid, 'SIGCONT');
  for (const p of live) signal(p.pid, 'SIGTERM');
  const deadline = clock.now() + graceMs;
  while (live.some(isAlive) && clock.now() < deadline) await clock.sleep(50);
  for (const p of live.filter(isAlive)) signal(p.pid, 'SIGKILL');
  while (live.some(isAlive) && clock.now() < deadline + 5000) await clock.sleep(50);
  return live;
}

function under(home: string, path: string): boolean {
  const rel = relative(home, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** Removes `dir` and its parents while they are empty, stopping at `home` (kept). */
function pruneEmptyParents(home: string, dir: string): void {
  for (let d = dir; under(home, d); d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return; // not empty (or gone)
    }
  }
}

/** Stops every node agent's TProxy listener a crashed agent left (by its pid file; ours only). */
async function stopListeners(layout: LabLayout, clock: Clock): Promise<number> {
  const nodes = join(layout.home, 'nodes');
  if (!existsSync(nodes)) return 0;
  let stopped = 0;
  for (const node of readdirSync(nodes)) if (await stopListener(clock, layout.tproxySocket(node))) stopped++;
  return stopped;
}

/** The home of another lab that holds this id and is alive, if any. */
function liveHolder(layout: LabLayout): string | undefined {
  const claim = readClaim(layout);
  if (!claim || claim.home === layout.home) return undefined;
  return isLabAlive(labLiveness(labLayout(claim.home, layout.id))) ? claim.home : undefined;
}

export async function teardown(layout: LabLayout, options: TeardownOptions = {}): Promise<TeardownReport> {
  const runner = options.runner ?? processRunner;
  const clock = options.clock ?? systemClock;
  const ledger = new Ledger(layout.ledger);
  const data = ledger.read();
  const report: TeardownReport = {
    stopped: [],
    strays: [],
    listeners: 0,
    namespaces: [],
    busy: [],
    dirs: [],
    errors: [],
  };

  report.stopped = await stopProcesses(data.processes, clock, options.graceMs ?? 5000);
  for (const p of data.processes)
    if (isAlive(p)) report.errors.push(`pid ${p.pid} (${p.command}) survived SIGKILL`);
    else ledger.removeProcess(p);
  report.listeners = await stopListeners(layout, clock);

  const holder = liveHolder(layout);
  if (holder === undefined) {
    const swept = await sweepNamespaces(
      runner,
      (n) => layout.owns(n),
      data.namespaces,
      options.strays ?? 'kill',
    );
    for (const ns of [...swept.deleted, ...swept.gone]) ledger.removeNamespace(ns);
    report.namespaces = swept.deleted;
    report.strays = swept.killed;
    report.busy = swept.busy;
    report.errors.push(...swept.errors);
  } else {
    report.heldBy = holder;
    for (const ns of data.namespaces) ledger.removeNamespace(ns);
  }

  for (const dir of data.dirs) {
    if (!under(layout.home, dir) || (options.keepLogs && dir === layout.logDir)) continue;
    rmSync(dir, { recursive: true, force: true });
    ledger.removeDir(dir);
    report.dirs.push(dir);
  }
  if (report.errors.length === 0 && report.busy.length === 0) ledger.remove();
  for (const dir of report.dirs) pruneEmptyParents(layout.home, dirname(dir));
  return report;
}
