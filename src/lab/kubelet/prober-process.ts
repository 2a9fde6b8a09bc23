/**
 * The node prober process (prober-main.ts) as the lab kubelet runs it: started in the node's namespace,
 * reached over its unix socket, restarted when it has exited, stopped by its pid.
 */
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../../util/clock.ts';
import type { ProcessRunner, SpawnedProcess } from '../../util/exec.ts';
import type { ProbeRequest } from './probe-run.ts';
import type { ProbeResult } from './probe-result.ts';
import { unixJson } from '../../util/unix-json.ts';

export const PROBER_MAIN = fileURLToPath(new URL('./prober-main.ts', import.meta.url));

export interface NodeProberOptions {
  runner: ProcessRunner;
  clock: Clock;
  nodeBinary: string;
  nodeNetns: string;
  socket: string;
  logFile?: string;
}

export class NodeProber {
  readonly #o: NodeProberOptions;
  #proc: SpawnedProcess | undefined;
  #starting: Promise<void> | undefined;

  constructor(o: NodeProberOptions) {
    this.#o = o;
  }

  /** Starts the process (if it is not running) and waits for its socket. */
  start(): Promise<void> {
    this.#starting ??= this.#start().finally(() => (this.#starting = undefined));
    return this.#starting;
  }

  async #start(): Promise<void> {
    if (this.#proc) return;
    const { runner, nodeBinary, nodeNetns, socket, clock } = this.#o;
    rmSync(socket, { force: true });
    const proc = await runner.spawn(nodeBinary, [PROBER_MAIN, '--socket', socket], {
      netns: nodeNetns,
      ...(this.#o.logFile ? { logFile: this.#o.logFile } : {}),
    });
    this.#proc = proc;
    void proc.exited.then(() => {
      if (this.#proc === proc) this.#proc = undefined;
    });
    const deadline = clock.now() + 30_000;
    while (!existsSync(socket)) {
      if (!this.#proc) throw new Error(`the node prober in ${nodeNetns} exited at start`);
      if (clock.now() > deadline) throw new Error(`the node prober in ${nodeNetns} did not start in 30 s`);
      await clock.sleep(50);
    }
  }

  /** Runs one probe; a prober that died is started again once before giving up. */
  async probe(req: ProbeRequest): Promise<ProbeResult> {
    await this.start();
    const call = () => unixJson(this.#o.socket, 'POST', '/probe', req, req.timeoutMs + 15_000);
    const r = await call().catch(async () => {
      await this.start();
      return call();
    });
    if (r.status !== 200) throw new Error(`node prober: ${JSON.stringify(r.body)}`);
    return r.body as ProbeResult;
  }

  async stop(): Promise<void> {
    const proc = this.#proc;
    this.#proc = undefined;
    if (!proc) return;
    proc.kill('SIGTERM');
    const timer = this.#o.clock.setTimeout(() => proc.kill('SIGKILL'), 3_000);
    await proc.exited;
    this.#o.clock.clearTimeout(timer);
  }
}
