/**
 * The node agent's side of its link helper (link-helper.py, ADR 34): one long-lived `python3` process per agent that
 * does the pod NICs' netlink work (links, addresses, routes, checksum offload) in any namespace, and the gateway
 * check and gratuitous ARP after a plug, so a pod's plumbing starts no process. Requests are JSON lines, answered out
 * of order by id; each has a deadline. The helper starts at the first request and again at the next request after
 * it exits (the requests in flight then fail, naming its exit); `close` ends it by its pid. `LinkOps` is what the
 * NIC plumbing (nic.ts, nic-observe.ts) needs from it.
 */
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { systemClock, type Clock, type TimerId } from '../../util/clock.ts';
import { spawnPiped, type PipedProcess } from '../../util/exec.ts';
import type { Netns } from '../agent/netns-path.ts';
import type { LinkState, RouteState } from '../nic-state.ts';

/** One change, made in `netns` (undefined: the agent's own namespace). */
export type LinkStep =
  | { op: 'veth'; netns: Netns; name: string; peer: string; peerNetns: Netns }
  | { op: 'set'; netns: Netns; name: string; mac?: string; mtu?: number; up?: boolean }
  | { op: 'addr-add' | 'addr-del'; netns: Netns; name: string; addr: string }
  | { op: 'route-replace' | 'route-del'; netns: Netns; name: string; dst: string; gw?: string }
  | { op: 'link-del'; netns: Netns; name: string; ifExists?: boolean }
  | { op: 'tx-off'; netns: Netns; name: string };

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

  constructor(options: { python?: string; logger?: Logger; clock?: Clock } = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#python = options.python ?? process.env.KOVN_PYTHON ?? DEFAULT_PYTHON;
    this.#log = options.logger;
  }

  /** The running helper's pid, if one runs. */
  get pid(): number | undefined {
    return this.#pid;
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
      netns: netnsWire(s.netns),
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
