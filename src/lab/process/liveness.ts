/**
 * Is the lab in a home alive? Alive means its daemon runs (the pid in its pid file is a process whose argv names
 * the lab daemon and this home) or any process its ledger recorded is still that same process (pid and start time
 * from /proc, procfs.ts). Anything else left by that home is a dead lab's leftovers. Read-only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LabLayout } from '../layout.ts';
import { Ledger, type LedgerProcess } from './ledger.ts';
import { isAlive, processArgv } from './procfs.ts';

/** The lab daemon's entry point (what `kovn up` starts, and what a live daemon's argv names). */
export const DAEMON_MAIN = fileURLToPath(new URL('../daemon-main.ts', import.meta.url));

/** The running lab daemon's pid, if the pid file names a live process that is our daemon for this home. */
export function daemonPid(layout: Pick<LabLayout, 'home' | 'daemonPid'>): number | undefined {
  if (!existsSync(layout.daemonPid)) return undefined;
  const pid = Number(readFileSync(layout.daemonPid, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const argv = processArgv(pid);
  return argv.includes(DAEMON_MAIN) && argv.includes(layout.home) ? pid : undefined;
}

export interface LabLiveness {
  home: string;
  /** The daemon's pid while it runs. */
  daemon?: number;
  /** Processes of the ledger that are still the processes the lab started. */
  running: LedgerProcess[];
}

export function labLiveness(layout: LabLayout): LabLiveness {
  const daemon = daemonPid(layout);
  return {
    home: layout.home,
    ...(daemon === undefined ? {} : { daemon }),
    running: new Ledger(layout.ledger).read().processes.filter(isAlive),
  };
}

export const isLabAlive = (l: LabLiveness): boolean => l.daemon !== undefined || l.running.length > 0;
