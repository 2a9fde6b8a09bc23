/**
 * Removes what a lab made, from its ledger alone (the daemon that made it may be gone): every recorded process
 * that is still the process we started (same pid and start time, procfs.ts) gets SIGTERM, then SIGKILL after a
 * grace period; then every recorded namespace and every namespace the layout owns (`layout.owns`) is deleted,
 * after SIGKILL to any process still inside one (only namespaces this lab created); then the recorded
 * directories under the lab home (the logs too unless `keepLogs`) and the ledger itself. The lab never creates
 * links in the root namespace, so deleting its namespaces removes every link it made. Safe to run twice.
 */
import { rmdirSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, relative } from 'node:path';
import { systemClock, type Clock } from '../../util/clock.ts';
import { processRunner, type ProcessRunner } from '../../util/exec.ts';
import type { LabLayout } from '../layout.ts';
import { Ledger, type LedgerProcess } from './ledger.ts';
import { listNetns } from '../dataplane/netns.ts';
import { isAlive } from './procfs.ts';

export interface TeardownOptions {
  runner?: ProcessRunner;
  clock?: Clock;
  /** SIGTERM grace before SIGKILL (default 5 s). */
  graceMs?: number;
  /** Leave `layout.logDir` in place (default false). */
  keepLogs?: boolean;
}

export interface TeardownReport {
  /** Processes that were still running and were signalled. */
  stopped: LedgerProcess[];
  /** Pids found inside lab namespaces without a ledger entry, killed. */
  strays: number[];
  namespaces: string[];
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

export async function teardown(layout: LabLayout, options: TeardownOptions = {}): Promise<TeardownReport> {
  const runner = options.runner ?? processRunner;
  const clock = options.clock ?? systemClock;
  const ledger = new Ledger(layout.ledger);
  const data = ledger.read();
  const report: TeardownReport = { stopped: [], strays: [], namespaces: [], dirs: [], errors: [] };

  report.stopped = await stopProcesses(data.processes, clock, options.graceMs ?? 5000);
  for (const p of data.processes)
    if (isAlive(p)) report.errors.push(`pid ${p.pid} (${p.command}) survived SIGKILL`);
    else ledger.removeProcess(p);

  const existing = await listNetns(runner);
  const namespaces = [...new Set([...data.namespaces, ...existing.filter((n) => layout.owns(n))])].filter(
    (n) => layout.owns(n),
  );
  for (const ns of namespaces) {
    if (!existing.includes(ns)) {
      ledger.removeNamespace(ns);
      continue;
    }
    const pids = (await runner.run('ip', ['netns', 'pids', ns])).stdout
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
    for (const pid of pids) signal(pid, 'SIGKILL');
    report.strays.push(...pids);
    const r = await runner.run('ip', ['netns', 'delete', ns]);
    if (r.code === 0) {
      report.namespaces.push(ns);
      ledger.removeNamespace(ns);
    } else report.errors.push(`netns ${ns}: ${r.stderr.trim()}`);
  }

  for (const dir of data.dirs) {
    if (!under(layout.home, dir) || (options.keepLogs && dir === layout.logDir)) continue;
    rmSync(dir, { recursive: true, force: true });
    ledger.removeDir(dir);
    report.dirs.push(dir);
  }
  if (report.errors.length === 0) ledger.remove();
  for (const dir of report.dirs) pruneEmptyParents(layout.home, dirname(dir));
  return report;
}
