/**
 * A small supervisor for the lab's long-running children (OVS/OVN daemons, and the API server, controller and node
 * agents). Each component is started from a spec (command, args, netns, env, log file, readiness probe) or from a
 * `launch` function, and restarted when it exits without being asked to, after an exponential backoff (reset once
 * a run has lasted `stableMs`); after `maxFailures` short runs in a row it is marked `failed` and left alone. Every
 * exit and restart is one structured line in the supervisor's log (component, pid, exit code or signal, restart
 * count), and every state change is a `change` event with the component's health (state, pid, restarts, since).
 *
 * A component is a `Daemon` (src/ovn/daemons.ts): it is stopped or signalled only through the pid we started.
 * Pass a `LedgerRunner` as the runner and every pid lands in the lab ledger too. See docs/adr (supervisor).
 */
import { EventEmitter } from 'node:events';
import { Daemon } from '../../ovn/daemons.ts';
import { Backoff } from '../../ovsdb/backoff.ts';
import { silentLogger, type Logger } from '../../ovsdb/logger.ts';
import { systemClock, type Clock, type TimerId } from '../../util/clock.ts';
import { processRunner, type ProcessExit, type ProcessRunner, type SpawnedProcess } from '../../util/exec.ts';

export interface RestartPolicy {
  /** First delay before a restart (default 200 ms), times `factor` (2) per short run, capped at `maxMs` (10 s). */
  initialMs?: number;
  maxMs?: number;
  factor?: number;
  /** A run at least this long counts as healthy: backoff and failure count start over (default 10 s). */
  stableMs?: number;
  /** Short runs in a row before the component is marked failed (default 8). */
  maxFailures?: number;
}

export interface ProcessSpec {
  /** Unique within the supervisor (e.g. `kube-ovn-worker/ovn-controller`). */
  name: string;
  command: string;
  args: readonly string[];
  netns?: string;
  env?: Record<string, string>;
  cwd?: string;
  /** stdout and stderr are appended here. */
  logFile?: string;
  /**
   * Resolves once a fresh process is ready (after every start); a throw fails that start. Its deadline should be
   * `readyDeadlineMs(start, ...)`: a restart gets longer than a first start.
   */
  ready?: (proc: SpawnedProcess, start: StartKind) => Promise<void>;
  /** `false`: never restart. */
  restart?: RestartPolicy | false;
  /** SIGTERM grace before SIGKILL when stopping (default 5 s). */
  stopGraceMs?: number;
  /** Spawn through this runner instead of the supervisor's (e.g. a ledger runner labelled for this node). */
  runner?: ProcessRunner;
}

export interface LaunchSpec {
  name: string;
  /** Starts one instance and resolves once it is ready (kill it before throwing). */
  launch: (start: StartKind) => Promise<SpawnedProcess>;
  /** An instance already running (started elsewhere) to adopt instead of launching the first one. */
  initial?: SpawnedProcess;
  restart?: RestartPolicy | false;
  stopGraceMs?: number;
}

/** Whether a launch is the component's first start or a restart by the supervisor. */
export interface StartKind {
  restart: boolean;
}

/**
 * How long a launch may take to become ready: `firstMs` for a first start (`kovn up` fails after it); at least
 * RESTART_READY_MS for a restart. A restart comes when something went wrong, often while the machine is loaded or a
 * component it needs is itself restarting; killing a slow but live starter at the first deadline only starts it over
 * again (seen in the chaos run: an API server killed three times in a row, 86 s down, each start taking 25 s).
 */
export const RESTART_READY_MS = 120_000;
export const readyDeadlineMs = (start: StartKind, firstMs: number): number =>
  start.restart ? Math.max(firstMs, RESTART_READY_MS) : firstMs;

export type ComponentState = 'starting' | 'running' | 'restarting' | 'failed' | 'stopped';

export interface ComponentHealth {
  name: string;
  state: ComponentState;
  pid: number | undefined;
  /** Restarts after unexpected exits since the component was first started. */
  restarts: number;
  /** When the component entered `state` (ms since the epoch). */
  since: number;
  lastExit?: ProcessExit & { at: number };
  lastError?: string;
}

export interface SupervisorOptions {
  runner?: ProcessRunner;
  clock?: Clock;
  /** The supervisor's log (pino or a child of one). */
  logger?: Logger;
  /** Start children in their own process group (a lab daemon that outlives the CLI). */
  detached?: boolean;
}

export type SupervisorEvents = { change: [health: ComponentHealth] };

function describeExit(exit: ProcessExit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}

/** One supervised component: the process of the moment, its restart loop and its health. */
export class Component extends Daemon {
  readonly #spec: LaunchSpec;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #emit: (h: ComponentHealth) => void;
  readonly #backoff: Backoff | undefined;
  readonly #stableMs: number;
  readonly #maxFailures: number;
  #health: ComponentHealth;
  #startedAt = 0;
  #failures = 0;
  #stopping = false;
  #timer: TimerId | undefined;
  #launching: Promise<void> | undefined;

  constructor(spec: LaunchSpec, clock: Clock, logger: Logger, emit: (h: ComponentHealth) => void) {
    super(spec.name, clock);
    this.#spec = spec;
    this.#clock = clock;
    this.#logger = logger;
    this.#emit = emit;
    const policy = spec.restart === false ? undefined : (spec.restart ?? {});
    this.#backoff = policy
      ? new Backoff({
          initialMs: policy.initialMs ?? 200,
          maxMs: policy.maxMs ?? 10_000,
          factor: policy.factor ?? 2,
        })
      : undefined;
    this.#stableMs = policy?.stableMs ?? 10_000;
    this.#maxFailures = policy?.maxFailures ?? 8;
    this.#health = { name: spec.name, state: 'starting', pid: undefined, restarts: 0, since: clock.now() };
  }

  health(): ComponentHealth {
    return { ...this.#health };
  }

  #set(patch: Partial<ComponentHealth>): void {
    const stateChanged = patch.state !== undefined && patch.state !== this.#health.state;
    this.#health = { ...this.#health, ...patch, ...(stateChanged ? { since: this.#clock.now() } : {}) };
    this.#emit(this.health());
  }

  /** First start: adopt `initial` or launch; rejects (state failed) if the first instance cannot start. */
  async begin(): Promise<void> {
    try {
      this.#run(this.#spec.initial ?? (await this.#spec.launch({ restart: false })));
    } catch (error) {
      this.#set({ state: 'failed', pid: undefined, lastError: (error as Error).message });
      throw error;
    }
  }

  #run(proc: SpawnedProcess): void {
    this.adopt(proc);
    this.#startedAt = this.#clock.now();
    this.#set({ state: 'running', pid: proc.pid });
    void proc.exited.then((exit) => this.#onExit(proc, exit));
  }

  #onExit(proc: SpawnedProcess, exit: ProcessExit): void {
    const at = this.#clock.now();
    if (this.#stopping) {
      this.#set({ state: 'stopped', pid: undefined, lastExit: { ...exit, at } });
      return;
    }
    this.#failed(
      { component: this.name, pid: proc.pid, code: exit.code, signal: exit.signal },
      `exited (${describeExit(exit)})`,
      {
        ...exit,
        at,
      },
    );
  }

  /** After an unexpected exit or a failed restart: schedule the next start, or give up. */
  #failed(fields: object, why: string, lastExit: ComponentHealth['lastExit']): void {
    const at = this.#clock.now();
    const exitPatch = lastExit ? { lastExit } : {};
    if (!this.#backoff) {
      this.#logger.error({ ...fields, restarts: this.#health.restarts }, `${this.name} ${why}`);
      this.#set({ state: 'failed', pid: undefined, ...exitPatch });
      return;
    }
    if (at - this.#startedAt >= this.#stableMs) {
      this.#backoff.reset();
      this.#failures = 0;
    }
    this.#failures++;
    if (this.#failures > this.#maxFailures) {
      this.#logger.error(
        { ...fields, restarts: this.#health.restarts },
        `${this.name} ${why}; giving up after ${this.#maxFailures} short runs in a row`,
      );
      this.#set({ state: 'failed', pid: undefined, ...exitPatch });
      return;
    }
    const delayMs = this.#backoff.next();
    const restarts = this.#health.restarts + 1;
    this.#logger.warn(
      { ...fields, restarts, delayMs },
      `${this.name} ${why}; restart ${restarts} in ${delayMs} ms`,
    );
    this.#set({ state: 'restarting', pid: undefined, restarts, ...exitPatch });
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#launching = this.#relaunch().finally(() => (this.#launching = undefined));
    }, delayMs);
  }

  async #relaunch(): Promise<void> {
    let proc: SpawnedProcess;
    try {
      proc = await this.#spec.launch({ restart: true });
    } catch (error) {
      const message = (error as Error).message;
      this.#set({ lastError: message });
      this.#startedAt = this.#clock.now(); // a failed start is a short run
      if (!this.#stopping)
        this.#failed({ component: this.name, error: message }, `failed to start: ${message}`, undefined);
      return;
    }
    if (this.#stopping) {
      proc.kill('SIGTERM');
      await proc.exited;
      return;
    }
    this.#logger.info(
      { component: this.name, pid: proc.pid, restarts: this.#health.restarts },
      `${this.name} restarted (pid ${proc.pid})`,
    );
    this.#run(proc);
  }

  /** Stops the component for good: no restart, SIGTERM then SIGKILL after the grace period. */
  override async stop(graceMs = this.#spec.stopGraceMs ?? 5000): Promise<void> {
    this.#stopping = true;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#launching;
    await super.stop(graceMs);
    if (this.#health.state !== 'stopped') this.#set({ state: 'stopped', pid: undefined });
  }
}

/** Builds a `launch` from a command spec: spawn, then wait for `ready` (or fail if the process exits first). */
export function processLauncher(
  runner: ProcessRunner,
  spec: ProcessSpec,
  detached: boolean,
): (start: StartKind) => Promise<SpawnedProcess> {
  return async (start) => {
    const proc = await runner.spawn(spec.command, spec.args, {
      ...(spec.netns === undefined ? {} : { netns: spec.netns }),
      ...(spec.env === undefined ? {} : { env: spec.env }),
      ...(spec.cwd === undefined ? {} : { cwd: spec.cwd }),
      ...(spec.logFile === undefined ? {} : { logFile: spec.logFile }),
      detached,
    });
    if (!spec.ready) return proc;
    const died = proc.exited.then((exit) => {
      throw new Error(`${spec.name} exited during startup (${describeExit(exit)})`);
    });
    try {
      await Promise.race([spec.ready(proc, start), died]);
    } catch (error) {
      proc.kill('SIGKILL');
      await proc.exited;
      throw error;
    } finally {
      died.catch(() => undefined);
    }
    return proc;
  };
}

export class Supervisor extends EventEmitter<SupervisorEvents> {
  readonly #runner: ProcessRunner;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #detached: boolean;
  readonly #components = new Map<string, Component>();

  constructor(options: SupervisorOptions = {}) {
    super();
    this.#runner = options.runner ?? processRunner;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#detached = options.detached ?? false;
  }

  /** Starts a command and supervises it; resolves once it is ready. */
  start(spec: ProcessSpec): Promise<Component> {
    return this.supervise({
      name: spec.name,
      launch: processLauncher(spec.runner ?? this.#runner, spec, this.#detached),
      ...(spec.restart === undefined ? {} : { restart: spec.restart }),
      ...(spec.stopGraceMs === undefined ? {} : { stopGraceMs: spec.stopGraceMs }),
    });
  }

  /** Supervises a component started by `launch` (or an already running `initial` instance). */
  async supervise(spec: LaunchSpec): Promise<Component> {
    const existing = this.#components.get(spec.name);
    // a stopped or failed component may be started again under its name
    if (existing && !['stopped', 'failed'].includes(existing.health().state))
      throw new Error(`component ${spec.name} is already supervised`);
    const component = new Component(spec, this.#clock, this.#logger, (h) => this.emit('change', h));
    this.#components.set(spec.name, component);
    try {
      await component.begin();
    } catch (error) {
      this.#logger.error(
        { component: spec.name, error: (error as Error).message },
        `${spec.name} did not start`,
      );
      throw error;
    }
    this.#logger.info(
      { component: spec.name, pid: component.pid },
      `${spec.name} started (pid ${component.pid})`,
    );
    return component;
  }

  get(name: string): Component | undefined {
    return this.#components.get(name);
  }

  health(): ComponentHealth[] {
    return [...this.#components.values()].map((c) => c.health());
  }

  /** Stops one component (no restart) and forgets it. */
  async stop(name: string): Promise<void> {
    const c = this.#components.get(name);
    if (!c) return;
    await c.stop();
    this.#components.delete(name);
    this.#logger.info({ component: name }, `${name} stopped`);
  }

  /** Stops every component, last started first. */
  async stopAll(): Promise<void> {
    for (const name of [...this.#components.keys()].reverse()) await this.stop(name);
  }
}
