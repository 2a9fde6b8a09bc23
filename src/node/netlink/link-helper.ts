/**
 * The caller's side of the link helper (link-helper.py, ADR 34): one long-lived `python3` process per node agent that
 * does the pod NICs' netlink work (links, addresses, routes, checksum offload) in any namespace, and the gateway
 * check and gratuitous ARP after a plug, so a pod's plumbing starts no process; the lab daemon's kubelets have one
 * too, for their sandboxes' namespaces and to run CNI plugins in the node's namespace (ADR 35). Requests are JSON
 * lines, answered out of order by id; each has a deadline. The helper starts at the first request and again at the
 * next request after it exits (the requests in flight then fail, naming its exit); `close` ends it by its pid.
 * `LinkOps` is what the NIC plumbing (nic.ts, nic-observe.ts) needs from it; `run` starts a program in a namespace.
 */
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { systemClock, type Clock, type TimerId } from '../../util/clock.ts';
import {
  ProcessTimeoutError,
  spawnPiped,
  type PipedProcess,
  type ProcessExit,
  type RunOptions,
  type RunResult,
} from '../../util/exec.ts';
import type { Netns } from '../agent/netns-path.ts';
import type { LinkState, RouteState } from '../nic-state.ts';

/** One change, made in `netns` (undefined: the agent's own namespace). */
export type LinkStep =
  /**
   * A veth pair, `name` in `netns` and `peer` in `peerNetns`, both down. `noIpv6LinkLocal`: IPv6 address generation
   * off on `name` before it is ever up (no link-local address, so none of the IPv6 routes that come with it); the
   * peer keeps its own.
   */
  | { op: 'veth'; netns: Netns; name: string; peer: string; peerNetns: Netns; noIpv6LinkLocal?: boolean }
  | { op: 'set'; netns: Netns; name: string; mac?: string; mtu?: number; up?: boolean }
  | { op: 'addr-add' | 'addr-del'; netns: Netns; name: string; addr: string }
  | { op: 'route-replace' | 'route-del'; netns: Netns; name: string; dst: string; gw?: string }
  | { op: 'link-del'; netns: Netns; name: string; ifExists?: boolean }
  | { op: 'tx-off'; netns: Netns; name: string }
  /** A network namespace `name` (as `ip netns add` makes it; kept when it exists), or none (gone already: fine). */
  | { op: 'netns-add' | 'netns-del'; name: string };

export interface Announcement {
  netns: Netns;
  ifname: string;
  /** The IPv4 gateway to wait for (ICMP echo every 100 ms); none: no wait. */
  gateway?: string;
  /** IPv4 addresses to announce with one unsolicited ARP each, after the wait. */
  addrs: readonly string[];
  timeoutMs: number;
}

export interface LinkOps {
  readLink(netns: Netns, ifname: string): Promise<LinkState | undefined>;
  /** The main table's non-kernel routes out of `ifname` (none when it does not exist). */
  readRoutes(netns: Netns, ifname: string): Promise<RouteState[]>;
  /** Makes the changes in order; the first that fails rejects, naming the step and the kernel's reason. */
  apply(steps: readonly LinkStep[]): Promise<void>;
  /** Whether the gateway answered before the timeout. */
  announce(a: Announcement): Promise<boolean>;
}

export const LINK_HELPER_PROGRAM = fileURLToPath(new URL('./link-helper.py', import.meta.url));
/** Debian's interpreter, which has python3-pyroute2 (a `python3` first on PATH may be another one). */
export const DEFAULT_PYTHON = '/usr/bin/python3';
const REQUEST_DEADLINE_MS = 10_000;
/** A program `run` starts is killed after this long unless the call says otherwise. */
const RUN_DEFAULT_TIMEOUT_MS = 60_000;

interface Pending {
  resolve(result: unknown): void;
  reject(err: Error): void;
  timer: TimerId;
}

interface Answer {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

type WireLink = Omit<LinkState, 'peerName' | 'peerIndex' | 'kind' | 'txChecksum'> & {
  peerName: string | null;
  peerIndex: number | null;
  kind: string | null;
  txChecksum: boolean | null;
};

const netnsWire = (netns: Netns): string | null => netns ?? null;

export class LinkHelper implements LinkOps {
  readonly #python: string;
  readonly #log: Logger | undefined;
  readonly #clock: Clock;
  #proc: Promise<PipedProcess> | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  #closed = false;
  /** Requests sent so far (tests and benchmarks count a plug's round trips with it). */
  requests = 0;
  #pid: number | undefined;

  readonly #onStart: ((proc: { pid: number; exited: Promise<ProcessExit> }) => void) | undefined;

  constructor(
    options: {
      python?: string;
      logger?: Logger;
      clock?: Clock;
      /** Told of each helper process as it starts (the lab records it in its ledger, for `kovn down`). */
      onStart?: (proc: { pid: number; exited: Promise<ProcessExit> }) => void;
    } = {},
  ) {
    this.#clock = options.clock ?? systemClock;
    this.#python = options.python ?? process.env.KOVN_PYTHON ?? DEFAULT_PYTHON;
    this.#log = options.logger;
    this.#onStart = options.onStart;
  }

  /** The running helper's pid, if one runs. */
  get pid(): number | undefined {
    return this.#pid;
  }

  /**
   * Starts the helper now and waits for its first answer (a read of `lo` where it runs), so the first real request
   * does not pay Python's and pyroute2's start-up; a helper that cannot start fails here.
   */
  async warmUp(): Promise<void> {
    await this.readLink(undefined, 'lo');
  }

  async readLink(netns: Netns, ifname: string): Promise<LinkState | undefined> {
    const l = (await this.#request({ op: 'link', netns: netnsWire(netns), ifname })) as WireLink | null;
    if (!l) return undefined;
    return {
      name: l.name,
      ifindex: l.ifindex,
      ...(l.peerName === null ? {} : { peerName: l.peerName }),
      ...(l.peerIndex === null ? {} : { peerIndex: l.peerIndex }),
      kind: l.kind ?? undefined,
      mac: l.mac,
      mtu: l.mtu,
      up: l.up,
      addrs: l.addrs,
      txChecksum: l.txChecksum ?? undefined,
    };
  }

  async readRoutes(netns: Netns, ifname: string): Promise<RouteState[]> {
    const routes = (await this.#request({ op: 'routes', netns: netnsWire(netns), ifname })) as {
      dst: string;
      gw: string | null;
    }[];
    return routes.map((r) => ({ dst: r.dst.toLowerCase(), gw: r.gw?.toLowerCase() }));
  }

  async apply(steps: readonly LinkStep[]): Promise<void> {
    if (steps.length === 0) return;
    const wire = steps.map((s) => ({
      ...s,
      ...('netns' in s ? { netns: netnsWire(s.netns) } : {}),
      ...('peerNetns' in s ? { peerNetns: netnsWire(s.peerNetns) } : {}),
    }));
    await this.#request({ op: 'apply', steps: wire });
  }

  async announce(a: Announcement): Promise<boolean> {
    const r = (await this.#request(
      { op: 'announce', ...a, netns: netnsWire(a.netns) },
      a.timeoutMs + REQUEST_DEADLINE_MS,
    )) as { reached: boolean };
    return r.reached;
  }

  /**
   * Runs `cmd` to completion inside `options.netns`, started by the helper (no process of the caller's, no `ip netns
   * exec`): what `ProcessRunner.run` answers (a timeout rejects with ProcessTimeoutError). `cwd`, `input`, `env`,
   * `inheritEnv` and `timeoutMs` as there (at the deadline the program alone is killed: `processGroup` is not
   * offered); the environment inherited is the helper's, which is its caller's.
   */
  async run(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const timeoutMs = options.timeoutMs ?? RUN_DEFAULT_TIMEOUT_MS;
    const input = options.input === undefined ? '' : options.input.toString();
    const r = (await this.#request(
      {
        op: 'run',
        argv: [cmd, ...args],
        netns: netnsWire(options.netns),
        env: options.env ?? {},
        inheritEnv: options.inheritEnv ?? true,
        input,
        timeoutMs,
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      },
      timeoutMs + REQUEST_DEADLINE_MS,
    )) as RunResult | { timedOut: true };
    if ('timedOut' in r) throw new ProcessTimeoutError([cmd, ...args].join(' '), timeoutMs);
    return r;
  }

  /** Ends the helper (by its pid) and fails what is in flight. */
  async close(): Promise<void> {
    this.#closed = true;
    const proc = await this.#proc?.catch(() => undefined);
    this.#proc = undefined;
    this.#failAll(new Error('link helper closed'));
    if (proc) {
      proc.stdin.destroy();
      proc.kill('SIGTERM');
      await proc.exited;
    }
  }

  #request(body: Record<string, unknown>, deadlineMs = REQUEST_DEADLINE_MS): Promise<unknown> {
    if (this.#closed) return Promise.reject(new Error('link helper closed'));
    const id = this.#nextId++;
    this.requests++;
    return new Promise((resolve, reject) => {
      const timer = this.#clock.setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`link helper: no answer to ${String(body.op)} within ${deadlineMs} ms`));
      }, deadlineMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.#started().then(
        (proc) => proc.stdin.write(`${JSON.stringify({ id, ...body })}\n`),
        (err: unknown) => this.#settle(id, undefined, err instanceof Error ? err : new Error(String(err))),
      );
    });
  }

  #settle(id: number, result: unknown, err?: Error): void {
    const p = this.#pending.get(id);
    if (!p) return;
    this.#pending.delete(id);
    this.#clock.clearTimeout(p.timer);
    if (err) p.reject(err);
    else p.resolve(result);
  }

  #failAll(err: Error): void {
    for (const id of [...this.#pending.keys()]) this.#settle(id, undefined, err);
  }

  #started(): Promise<PipedProcess> {
    this.#proc ??= this.#spawn();
    return this.#proc;
  }

  async #spawn(): Promise<PipedProcess> {
    const proc = await spawnPiped(this.#python, [LINK_HELPER_PROGRAM]).catch((err: unknown) => {
      this.#proc = undefined;
      throw new Error(
        `link helper: cannot start ${this.#python} (needs python3 with python3-pyroute2): ${String(err)}`,
      );
    });
    this.#pid = proc.pid;
    this.#log?.info({ pid: proc.pid }, 'link helper started');
    this.#onStart?.({ pid: proc.pid, exited: proc.exited });
    createInterface({ input: proc.stdout }).on('line', (line) => {
      let a: Answer;
      try {
        a = JSON.parse(line) as Answer;
      } catch {
        this.#log?.warn({ line }, 'link helper: unreadable answer');
        return;
      }
      this.#settle(a.id, a.result, a.ok ? undefined : new Error(a.error ?? 'link helper: failed'));
    });
    createInterface({ input: proc.stderr }).on('line', (line) =>
      this.#log?.warn({ pid: proc.pid, line }, 'link helper'),
    );
    void proc.exited.then((exit) => {
      this.#proc = undefined;
      this.#pid = undefined;
      if (this.#closed) return;
      this.#log?.warn({ pid: proc.pid, ...exit }, 'link helper exited; the next request starts it again');
      this.#failAll(new Error(`link helper exited (code ${exit.code}, signal ${exit.signal})`));
    });
    return proc;
  }
}
