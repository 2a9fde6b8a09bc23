/**
 * Starting and stopping OVN's database daemons in a private directory: a standalone `ovsdb-server` (NB, SB or any
 * schema) on `punix:` plus `ptcp:` on 127.0.0.1 (port 0 by default; the bound port is read from its log), and
 * `ovn-northd`. Every process gets OVS_RUNDIR/OVS_LOGDIR/OVS_DBDIR/OVN_RUNDIR pointing at the directory (see
 * lab-notes.md), runs in the foreground as our child (no `--detach`), and is stopped by the pid we started —
 * SIGTERM, then SIGKILL if it lingers. Clusters are in cluster.ts. Used by tests now and the lab later.
 */
import { existsSync, statSync, readFileSync, openSync, readSync, closeSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { systemClock, type Clock } from '../util/clock.ts';
import { check, processRunner, type ProcessRunner, type SpawnedProcess } from '../util/exec.ts';

export const NB_SCHEMA = '/usr/share/ovn/ovn-nb.ovsschema';
export const SB_SCHEMA = '/usr/share/ovn/ovn-sb.ovsschema';

export interface DaemonDeps {
  runner?: ProcessRunner;
  clock?: Clock;
  /** Own process group, not killed with us (for a lab that outlives the CLI); still stopped by its pid. */
  detached?: boolean;
}

/** The environment every OVS/OVN process started for `dir` gets, so nothing looks under /var/run. */
export function ovsEnv(dir: string): Record<string, string> {
  return {
    OVS_RUNDIR: dir,
    OVS_LOGDIR: dir,
    OVS_DBDIR: dir,
    OVN_RUNDIR: dir,
    OVN_LOGDIR: dir,
    OVN_DBDIR: dir,
  };
}

/** Polls `probe` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function waitFor<V>(
  clock: Clock,
  what: string,
  probe: () => V | undefined | Promise<V | undefined>,
  timeoutMs = 15_000,
): Promise<V> {
  const deadline = clock.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (clock.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await clock.sleep(50);
  }
}

/** Resolves true if a unix socket accepts a connection. */
export function socketAccepts(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ path });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function readFrom(path: string, offset: number): string {
  if (!existsSync(path)) return '';
  const fd = openSync(path, 'r');
  try {
    const size = statSync(path).size;
    const buf = Buffer.alloc(Math.max(0, size - offset));
    readSync(fd, buf, 0, buf.length, offset);
    return buf.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function fileSize(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

/** A foreground daemon we started: stop or signal it by its pid only. */
export class Daemon {
  readonly name: string;
  readonly #clock: Clock;
  #proc: SpawnedProcess | undefined;
  #exitedAt: Promise<unknown> | undefined;

  constructor(name: string, clock: Clock = systemClock) {
    this.name = name;
    this.#clock = clock;
  }

  get pid(): number | undefined {
    return this.#proc?.pid;
  }

  get running(): boolean {
    return this.#proc !== undefined;
  }

  /** The running process (for a supervisor that watches it), if any. */
  get process(): SpawnedProcess | undefined {
    return this.#proc;
  }

  protected adopt(proc: SpawnedProcess): void {
    this.#proc = proc;
    this.#exitedAt = proc.exited.then((exit) => {
      if (this.#proc === proc) this.#proc = undefined;
      return exit;
    });
  }

  /** Sends `signal` to the pid we started (SIGKILL to simulate a crash, SIGSTOP to freeze it). */
  kill(signal: NodeJS.Signals): void {
    this.#proc?.kill(signal);
  }

  /** Resolves when the process has exited. */
  async exited(): Promise<void> {
    await this.#exitedAt;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs = 5000): Promise<void> {
    const proc = this.#proc;
    if (!proc) return;
    proc.kill('SIGCONT'); // in case a test froze it
    proc.kill('SIGTERM');
    const timer = this.#clock.setTimeout(() => proc.kill('SIGKILL'), graceMs);
    await proc.exited;
    this.#clock.clearTimeout(timer);
  }
}

export interface OvsdbServerOptions extends DaemonDeps {
  /** Private directory for the db, sockets, log and pidfile (must exist). */
  dir: string;
  /** File stem: `<name>.db`, `<name>.sock`, `<name>.ctl`, `<name>.log`. */
  name: string;
  /** Schema for `ovsdb-tool create` when the db file does not exist yet. */
  schema?: string;
  /** TCP port on 127.0.0.1: 0 picks one (read back from the log), `false` serves the unix socket only. */
  tcpPort?: number | false;
  /** More `--remote` arguments, e.g. `db:OVN_Northbound,NB_Global,connections`. */
  extraRemotes?: string[];
  extraArgs?: string[];
}

export class OvsdbServer extends Daemon {
  readonly dir: string;
  readonly dbFile: string;
  readonly socket: string;
  readonly ctlSocket: string;
  readonly logFile: string;
  #tcpPort: number | undefined;
  readonly #options: OvsdbServerOptions;
  readonly #runner: ProcessRunner;
  readonly #clock: Clock;

  private constructor(options: OvsdbServerOptions) {
    super(`ovsdb-server(${options.name})`, options.clock);
    this.#options = options;
    this.#runner = options.runner ?? processRunner;
    this.#clock = options.clock ?? systemClock;
    this.dir = options.dir;
    this.dbFile = join(options.dir, `${options.name}.db`);
    this.socket = join(options.dir, `${options.name}.sock`);
    this.ctlSocket = join(options.dir, `${options.name}.ctl`);
    this.logFile = join(options.dir, `${options.name}.log`);
  }

  static async start(options: OvsdbServerOptions): Promise<OvsdbServer> {
    const server = new OvsdbServer(options);
    if (!existsSync(server.dbFile)) {
      if (!options.schema) throw new Error(`${server.dbFile} does not exist and no schema was given`);
      await check(server.#runner, 'ovsdb-tool', ['create', server.dbFile, options.schema]);
    }
    await server.restart();
    return server;
  }

  get tcpPort(): number | undefined {
    return this.#tcpPort;
  }

  /** Client remotes: the unix socket, then the TCP one if any. */
  get remotes(): string[] {
    const tcp = this.#tcpPort === undefined ? [] : [`tcp:127.0.0.1:${this.#tcpPort}`];
    return [`unix:${this.socket}`, ...tcp];
  }

  /** (Re)starts the daemon on the same files, socket and TCP port; resolves when it accepts connections. */
  async restart(): Promise<void> {
    if (this.running) throw new Error(`${this.name} is already running (pid ${this.pid})`);
    const port = this.#tcpPort ?? this.#options.tcpPort ?? 0;
    const logStart = fileSize(this.logFile);
    const args = [
      `--remote=punix:${this.socket}`,
      ...(port === false ? [] : [`--remote=ptcp:${port}:127.0.0.1`]),
      ...(this.#options.extraRemotes ?? []).map((r) => `--remote=${r}`),
      `--unixctl=${this.ctlSocket}`,
      `--log-file=${this.logFile}`,
      `--pidfile=${join(this.dir, `${this.#options.name}.pid`)}`,
      ...(this.#options.extraArgs ?? []),
      this.dbFile,
    ];
    this.adopt(
      await this.#runner.spawn('ovsdb-server', args, {
        env: ovsEnv(this.dir),
        logFile: join(this.dir, `${this.#options.name}.stderr`),
        detached: this.#options.detached ?? false,
      }),
    );
    await waitFor(this.#clock, `${this.name} on ${this.socket}`, async () => {
      if (!this.running) throw new Error(`${this.name} exited; see ${this.logFile}`);
      return (await socketAccepts(this.socket)) || undefined;
    });
    if (port === 0) {
      this.#tcpPort = await waitFor(this.#clock, `${this.name} TCP port`, () => {
        const m = /listening on port (\d+)/.exec(readFrom(this.logFile, logStart));
        return m ? Number(m[1]) : undefined;
      });
    } else if (port !== false) {
      this.#tcpPort = port;
    }
  }

  /** Runs `ovs-appctl -t <ctl socket> ARGS` against this server. */
  appctl(...args: string[]): Promise<string> {
    return check(this.#runner, 'ovs-appctl', ['-t', this.ctlSocket, ...args], { env: ovsEnv(this.dir) });
  }

  log(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
  }
}

export interface NorthdOptions extends DaemonDeps {
  dir: string;
  nbRemote: string;
  sbRemote: string;
}

/** `ovn-northd` translating NB into SB. */
export class OvnNorthd extends Daemon {
  readonly ctlSocket: string;
  readonly #options: NorthdOptions;

  private constructor(options: NorthdOptions) {
    super('ovn-northd', options.clock);
    this.#options = options;
    this.ctlSocket = join(options.dir, 'ovn-northd.ctl');
  }

  static async start(options: NorthdOptions): Promise<OvnNorthd> {
    const northd = new OvnNorthd(options);
    await northd.restart();
    return northd;
  }

  /** (Re)starts northd with the same options; resolves when its control socket accepts connections. */
  async restart(): Promise<void> {
    if (this.running) throw new Error(`${this.name} is already running (pid ${this.pid})`);
    const options = this.#options;
    const runner = options.runner ?? processRunner;
    this.adopt(
      await runner.spawn(
        'ovn-northd',
        [
          `--ovnnb-db=${options.nbRemote}`,
          `--ovnsb-db=${options.sbRemote}`,
          `--unixctl=${this.ctlSocket}`,
          `--log-file=${join(options.dir, 'ovn-northd.log')}`,
          `--pidfile=${join(options.dir, 'ovn-northd.pid')}`,
        ],
        {
          env: ovsEnv(options.dir),
          logFile: join(options.dir, 'ovn-northd.stderr'),
          detached: options.detached ?? false,
        },
      ),
    );
    await waitFor(options.clock ?? systemClock, 'ovn-northd control socket', async () => {
      if (!this.running) throw new Error('ovn-northd exited; see ovn-northd.log');
      return (await socketAccepts(this.ctlSocket)) || undefined;
    });
  }
}
