/**
 * A `ProcessRunner` that writes every long-running process it spawns into the lab ledger (pid, start time,
 * command, namespace, component) the moment it exists, and strikes it off when it exits. Hand it to anything that
 * starts daemons (central.ts, the supervisor, the node) and the ledger knows every process without their help.
 * Short `run` commands are passed through unrecorded: they finish before a crash could orphan them.
 */
import type { ProcessRunner, RunOptions, RunResult, SpawnOptions, SpawnedProcess } from '../../util/exec.ts';
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
    const id = processIdentity(proc.pid);
    if (!id) return proc; // already gone: nothing to remember
    this.#ledger.addProcess({
      ...id,
      command: cmd,
      ...(this.#component === undefined ? {} : { component: this.#component }),
      ...(options?.netns === undefined ? {} : { netns: options.netns }),
    });
    void proc.exited.then(() => this.#ledger.removeProcess(id));
    return proc;
  }
}
