/**
 * The lab's ledger: a JSON file (`layout.ledger`) listing every process, network namespace and directory the lab
 * created, written as each is created (before a namespace or directory is made, right after a process is spawned)
 * and pruned as each is removed. `kovn down`, or the next `kovn up` after a crash, reads it to remove exactly what
 * this lab made even when the daemon that made it is gone (teardown.ts). Processes are recorded with their start
 * time (procfs.ts) so a reused pid is never signalled.
 *
 * Every change is a synchronous read-modify-write of the whole file, replaced atomically by rename, so several
 * `Ledger` objects in one process (the dataplane, the lab daemon) stay consistent.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ProcessIdentity } from './procfs.ts';

export interface LedgerProcess extends ProcessIdentity {
  /** The program started (not `ip netns exec`). */
  command: string;
  /** Which component this is, for messages (e.g. `kube-ovn-worker/ovn-controller`). */
  component?: string;
  netns?: string;
}

export interface LedgerData {
  version: 1;
  processes: LedgerProcess[];
  namespaces: string[];
  /** Directories removed (recursively) at teardown. */
  dirs: string[];
}

const empty = (): LedgerData => ({ version: 1, processes: [], namespaces: [], dirs: [] });

export class Ledger {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  read(): LedgerData {
    if (!existsSync(this.path)) return empty();
    let data: Partial<LedgerData>;
    try {
      data = JSON.parse(readFileSync(this.path, 'utf8')) as Partial<LedgerData>;
    } catch (cause) {
      throw new Error(`lab ledger ${this.path} is not valid JSON`, { cause });
    }
    return { ...empty(), ...data, version: 1 };
  }

  /** Removals never create the file: a process exiting after teardown deleted the ledger must not revive it. */
  #update(change: (data: LedgerData) => void, create = true): void {
    if (!create && !existsSync(this.path)) return;
    const data = this.read();
    change(data);
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(data, null, 1)}\n`);
    renameSync(tmp, this.path);
  }

  addProcess(p: LedgerProcess): void {
    this.#update((d) => {
      d.processes = [...d.processes.filter((x) => x.pid !== p.pid), p];
    });
  }

  removeProcess(id: ProcessIdentity): void {
    this.#update((d) => {
      d.processes = d.processes.filter((x) => !(x.pid === id.pid && x.startTime === id.startTime));
    }, false);
  }

  addNamespace(name: string): void {
    this.#update((d) => {
      if (!d.namespaces.includes(name)) d.namespaces.push(name);
    });
  }

  removeNamespace(name: string): void {
    this.#update((d) => {
      d.namespaces = d.namespaces.filter((n) => n !== name);
    }, false);
  }

  addDir(path: string): void {
    this.#update((d) => {
      if (!d.dirs.includes(path)) d.dirs.push(path);
    });
  }

  removeDir(path: string): void {
    this.#update((d) => {
      d.dirs = d.dirs.filter((p) => p !== path);
    }, false);
  }

  /** Deletes the ledger file (after a complete teardown). */
  remove(): void {
    rmSync(this.path, { force: true });
  }
}
