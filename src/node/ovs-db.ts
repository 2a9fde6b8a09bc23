/**
 * The node agent's own long-lived connection to its node's `Open_vSwitch` database (`unix:<rundir>/db.sock`),
 * through the RFC 7047 client (src/ovsdb), in place of an `ovs-vsctl` process per port step. It monitors the rows a
 * pod port lives in (ovs-port-ops.ts), so reading a port is a cache look-up, and adding, updating or removing one
 * is a single transaction (none when the cache shows nothing to do). Like ovs-vsctl, a change bumps `next_cfg` and
 * returns once ovs-vswitchd has applied it (`cur_cfg` caught up), so the interface has its ofport by then.
 * Changes asked for while a transaction is in flight go out together in the next one, with one `next_cfg` bump, so
 * a burst of plugs on a node is a few transactions and a few ovs-vswitchd reconfigurations, not one per pod; if such
 * a batch fails, its changes are sent again one by one, so one bad port fails alone.
 * `start` returns at once and connects in the background (the agent may start before the database); the client
 * reconnects by itself; a call made while not connected waits up to `readyTimeoutMs`, then fails naming the socket.
 */
import { OvsdbClient, type Operation } from '../ovsdb/index.ts';
import { silentLogger, type Logger } from '../ovsdb/logger.ts';
import { systemClock, type Clock } from '../util/clock.ts';
import { ovsDbSocket } from '../ovn/vsctl.ts';
import {
  ensurePortOps,
  OVS_MONITOR,
  RECONFIGURE_OPS,
  removePortOps,
  type FoundPort,
  type OpenVswitchTables,
} from './ovs-port-ops.ts';

/** A port's interface as the database holds it (nic-state.ts's `ObservedNic['ovs']`). */
export interface OvsPortState {
  /** The bridge whose `ports` hold the port; undefined when none does. */
  bridge: string | undefined;
  externalIds: Record<string, string>;
  ofport: number | undefined;
  error: string | undefined;
}

export interface NodeOvsDbOptions {
  logger?: Logger;
  clock?: Clock;
  /** How long a call waits for a (re)connection, and for ovs-vswitchd to apply a change (default 10 s). */
  readyTimeoutMs?: number;
}

type Client = OvsdbClient<OpenVswitchTables>;

/** A change waiting for the next transaction: `plan` reads the cache when the transaction is built. */
interface QueuedChange {
  call: string;
  plan: (tag: string) => Operation[];
  resolve(sent: boolean): void;
  reject(error: Error): void;
}
/** One connection attempt's own deadline; the loop tries again after it. */
const ATTEMPT_MS = 5_000;
/** The pause after a failed attempt (the client's own backoff paces the connects within one). */
const RETRY_MS = 1_000;

export class NodeOvsDb {
  readonly socket: string;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #readyTimeoutMs: number;
  #client: Client | undefined;
  #closed = false;
  readonly #queue: QueuedChange[] = [];
  #flushing = false;
  /** Transactions that carried more than one change. */
  batched = 0;
  readonly #opened: Promise<Client | undefined>;

  private constructor(rundir: string, o: NodeOvsDbOptions) {
    this.socket = ovsDbSocket(rundir);
    this.#clock = o.clock ?? systemClock;
    this.#log = o.logger ?? silentLogger;
    this.#readyTimeoutMs = o.readyTimeoutMs ?? 10_000;
    this.#opened = this.#openLoop();
  }

  /** Starts connecting to `<rundir>/db.sock` (monitoring the port tables) and returns at once. */
  static start(rundir: string, o: NodeOvsDbOptions = {}): NodeOvsDb {
    return new NodeOvsDb(rundir, o);
  }

  /** `start`, then waits until the cache holds the database; rejects (and closes) past `readyTimeoutMs`. */
  static async open(rundir: string, o: NodeOvsDbOptions = {}): Promise<NodeOvsDb> {
    const db = NodeOvsDb.start(rundir, o);
    try {
      await db.#ready('open');
    } catch (error) {
      db.close();
      throw error;
    }
    return db;
  }

  /** Is the connection up now? (A call made while it is not waits for it.) */
  get connected(): boolean {
    return this.#client?.connected ?? false;
  }

  /** How many times the connection came back after it was lost. */
  get reconnects(): number {
    return this.#client?.stats.reconnects ?? 0;
  }

  /** Transactions sent so far (a re-plug that changes nothing sends none). */
  get transactions(): number {
    return this.#client?.stats.transactions ?? 0;
  }

  /** The interface `name` and the bridge holding its port; undefined when there is no such interface. */
  async portState(name: string): Promise<OvsPortState | undefined> {
    const { iface, bridge } = this.#find(await this.#ready(`read ${name}`), name);
    if (!iface) return undefined;
    return {
      bridge: bridge?.name,
      externalIds: { ...iface.external_ids },
      ofport: iface.ofport,
      error: iface.error === '' ? undefined : iface.error,
    };
  }

  /** `--may-exist add-port <bridge> <name> -- set Interface <name> external_ids:...`; whether it sent anything. */
  async ensurePort(bridge: string, name: string, externalIds: Record<string, string>): Promise<boolean> {
    const call = `add-port ${bridge} ${name}`;
    const client = await this.#ready(call);
    const bridges = client.cache.table('Bridge').rows();
    return this.#change(client, call, (tag) =>
      ensurePortOps(this.#find(client, name), bridges, bridge, name, externalIds, tag),
    );
  }

  /** `--if-exists del-port <bridge> <name>`: whether there was a port to remove. */
  async removePort(bridge: string, name: string): Promise<boolean> {
    const call = `del-port ${bridge} ${name}`;
    const client = await this.#ready(call);
    return this.#change(client, call, () => removePortOps(this.#find(client, name), bridge, name));
  }

  close(): void {
    this.#closed = true;
    this.#client?.close();
  }

  #find(client: Client, name: string): FoundPort {
    const cache = client.cache;
    const iface = cache
      .table('Interface')
      .rows()
      .find((i) => i.name === name);
    const port = cache
      .table('Port')
      .rows()
      .find((p) => p.name === name);
    const bridge =
      port &&
      cache
        .table('Bridge')
        .rows()
        .find((b) => b.ports.includes(port._uuid));
    return { ...(bridge ? { bridge } : {}), ...(port ? { port } : {}), ...(iface ? { iface } : {}) };
  }

  /** Queues a change for the next transaction; resolves once ovs-vswitchd applied it (false: nothing to send). */
  #change(client: Client, call: string, plan: (tag: string) => Operation[]): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.#queue.push({ call, plan, resolve, reject });
      if (!this.#flushing) void this.#flush(client);
    });
  }

  /** Sends what is queued, one transaction at a time; what queues meanwhile goes in the next. */
  async #flush(client: Client): Promise<void> {
    this.#flushing = true;
    try {
      // One turn of the event loop first, so the calls made together share the first transaction too.
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0);
        if (batch.length > 1 && (await this.#send(client, batch))) continue;
        // A single change, or a batch that failed as a whole: one transaction each.
        for (const change of batch) await this.#send(client, [change]);
      }
    } finally {
      this.#flushing = false;
    }
  }

  /**
   * Plans `batch` from the cache and sends it as one transaction; the waits for ovs-vswitchd run on their own.
   * A batch of several that fails settles nothing and returns false (they are then sent one by one).
   */
  async #send(client: Client, batch: readonly QueuedChange[]): Promise<boolean> {
    const fail = (change: QueuedChange, error: unknown): Error =>
      new Error(`OVS database ${this.socket}: ${change.call}: ${(error as Error).message}`, { cause: error });
    const single = batch.length === 1;
    const planned: { change: QueuedChange; ops: Operation[] }[] = [];
    for (const [i, change] of batch.entries()) {
      try {
        planned.push({ change, ops: change.plan(single ? '' : `_${i}`) });
      } catch (error) {
        if (!single) return false;
        change.reject(fail(change, error));
        return true;
      }
    }
    const ops = planned.flatMap((p) => p.ops);
    for (const p of planned) if (p.ops.length === 0) p.change.resolve(false);
    const sending = planned.filter((p) => p.ops.length > 0);
    if (sending.length === 0) return true;
    let results;
    try {
      results = await client.transact([...ops, ...RECONFIGURE_OPS], { timeoutMs: this.#readyTimeoutMs });
    } catch (error) {
      if (!single) return false;
      batch[0]!.reject(fail(batch[0]!, error));
      return true;
    }
    if (sending.length > 1) this.batched++;
    const next = results[results.length - 1]?.rows?.[0]?.['next_cfg'];
    for (const { change } of sending) {
      if (typeof next !== 'number') change.resolve(true);
      else
        this.#applied(client, change.call, next).then(
          () => change.resolve(true),
          (error: unknown) => change.reject(error as Error),
        );
    }
    return true;
  }

  /** Resolves once `cur_cfg` reaches `cfg` (ovs-vswitchd reconfigured); rejects after the deadline. */
  #applied(client: Client, call: string, cfg: number): Promise<void> {
    const cache = client.cache;
    const done = (): boolean =>
      cache
        .table('Open_vSwitch')
        .rows()
        .some((r) => r.cur_cfg >= cfg);
    return this.#until<void>((resolve) => {
      const onChange = (): void => void (done() && resolve());
      cache.on('change', onChange);
      onChange();
      return () => cache.off('change', onChange);
    }, `${call}: ovs-vswitchd did not apply it within ${this.#readyTimeoutMs} ms`);
  }

  /** The connected client (its cache then holds the server's rows); rejects after the deadline. */
  async #ready(call: string): Promise<Client> {
    const message = `not connected within ${this.#readyTimeoutMs} ms (${call})`;
    const client =
      this.#client ??
      (await this.#until<Client>((resolve) => {
        void this.#opened.then((c) => c && resolve(c));
        return () => {};
      }, message));
    if (client.connected) return client;
    await this.#until<void>((resolve) => {
      const onConnected = (): void => resolve();
      client.once('connected', onConnected);
      return () => client.off('connected', onConnected);
    }, message);
    return client;
  }

  /** Runs `watch` until it resolves or `readyTimeoutMs` passes; `watch` returns its own clean-up. */
  #until<T>(watch: (resolve: (value: T) => void) => () => void, timeoutMessage: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      // `watch` may resolve before it returns its clean-up, so the clean-up is looked up when settling.
      const watching: { unwatch?: () => void } = {};
      let settled = false;
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        this.#clock.clearTimeout(timer);
        watching.unwatch?.();
        return true;
      };
      const timer = this.#clock.setTimeout(() => {
        if (settle()) reject(new Error(`OVS database ${this.socket}: ${timeoutMessage}`));
      }, this.#readyTimeoutMs);
      watching.unwatch = watch((value) => {
        if (settle()) resolve(value);
      });
      if (settled) watching.unwatch();
    });
  }

  /** Connects and monitors, one bounded attempt after another, until it works or the handle is closed. */
  async #openLoop(): Promise<Client | undefined> {
    while (!this.#closed) {
      let client: Client | undefined;
      try {
        client = await OvsdbClient.connect<OpenVswitchTables>({
          remotes: [`unix:${this.socket}`],
          database: 'Open_vSwitch',
          logger: this.#log,
          clock: this.#clock,
          initialConnectTimeoutMs: Math.min(ATTEMPT_MS, this.#readyTimeoutMs),
        });
        await client.monitor(OVS_MONITOR);
      } catch (error) {
        client?.close();
        if (this.#closed) break;
        this.#log.warn({ err: error, socket: this.socket }, 'node OVS database: not reachable yet');
        await this.#clock.sleep(RETRY_MS);
        continue;
      }
      if (this.#closed) client.close();
      else this.#client = client;
      return this.#closed ? undefined : client;
    }
    return undefined;
  }
}
