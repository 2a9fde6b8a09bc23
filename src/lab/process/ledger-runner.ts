/**
 * A `ProcessRunner` that writes every long-running process it spawns into the lab ledger (pid, start time,
 * command, namespace, component) the moment it exists, and strikes it off when it exits. Hand it to anything that
 * starts daemons (central.ts, the supervisor, the node) and the ledger knows every process without their help.
 * Short `run` commands are passed through unrecorded: they finish before a crash could orphan them. A long-running
 * process started some other way (a helper with pipes to it) is recorded with `adopt`.
 */
import type {
  ProcessExit,
  ProcessRunner,
  RunOptions,
  RunResult,
  SpawnOptions,
  SpawnedProcess,
} from '../../util/exec.ts';
import type { Ledger } from './ledger.ts';
import { processIdentity } from './procfs.ts';

export interface LedgerRunnerOptions {
  /** Prefix for the component label, e.g. a node name. */
  component?: string;
}

export class LedgerRunner implements ProcessRunner {
  readonly #base: ProcessRunner;
  readonly #ledger: Ledger;
  readonly #component: string | undefined;

  constructor(base: ProcessRunner, ledger: Ledger, options: LedgerRunnerOptions = {}) {
    this.#base = base;
    this.#ledger = ledger;
    this.#component = options.component;
  }

  /** The same ledger and base runner, labelling processes with `component`. */
  withComponent(component: string): LedgerRunner {
    return new LedgerRunner(this.#base, this.#ledger, { component });
  }

  run(cmd: string, args: readonly string[], options?: RunOptions): Promise<RunResult> {
    return this.#base.run(cmd, args, options);
  }

  async spawn(cmd: string, args: readonly string[], options?: SpawnOptions): Promise<SpawnedProcess> {
    const proc = await this.#base.spawn(cmd, args, options);
    this.adopt(proc, cmd, options?.netns);
    return proc;
  }

  /** Records a process started elsewhere (`command` as it was run) until it exits. */
  adopt(proc: { pid: number; exited: Promise<ProcessExit> }, command: string, netns?: string): void {
    const id = processIdentity(proc.pid);
    if (!id) return; // already gone: nothing to remember
    this.#ledger.addProcess({
      ...id,
      command,
      ...(this.#component === undefined ? {} : { component: this.#component }),
      ...(netns === undefined ? {} : { netns }),
    });
    void proc.exited.then(() => this.#ledger.removeProcess(id));
  }
}
