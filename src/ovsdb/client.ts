/**
 * `OvsdbClient`: one logical connection to one database, kept alive across server restarts and Raft leader changes.
 * It owns the lifecycle — connect to a remote (round robin over `remotes`), handshake (handshake.ts), resubscribe
 * every registered monitor, then serve `transact`/`lock` — and on any session loss reconnects with exponential
 * backoff, rebuilds the cache and emits `resync` so a controller can re-enqueue everything (libovsdb's model).
 * A request in flight when the connection drops rejects with `ConnectionClosedError`: its outcome is unknown and
 * the caller's reconcile retries. Requests made while disconnected wait for the next ready connection.
 */
import { EventEmitter } from 'node:events';
import { systemClock, type Clock, type TimerId } from '../util/clock.ts';
import { Backoff, type BackoffOptions } from './backoff.ts';
import { DatabaseCache } from './cache.ts';
import { decodeRow, encodeRow, type ColumnTypes, type PlainRow, type Row } from './codec.ts';
import { ClientClosedError, ConnectionClosedError } from './errors.ts';
import { handshake, sendMonitor, type ServerWatch } from './handshake.ts';
import { JsonRpcSession, type SessionStats } from './jsonrpc.ts';
import { silentLogger, type Logger } from './logger.ts';
import {
  applyUpdates,
  resolveMonitor,
  ZERO_TXN_ID,
  type MonitorMethod,
  type MonitorSpec,
  type MonitoredTable,
} from './monitor.ts';
import type { Operation, OperationResult } from './operations.ts';
import { columnTypes, type DatabaseSchema } from './schema.ts';
import { checkTransactResult } from './transact.ts';
import { netConnector, type Connector } from './transport.ts';
import type { WireRow } from './values.ts';

export interface OvsdbClientOptions {
  /** `unix:PATH` or `tcp:HOST:PORT`; several for a clustered database. */
  remotes: string[];
  database: string;
  clock?: Clock;
  logger?: Logger;
  /** Use only the Raft leader of a clustered database (default: when more than one remote is given). */
  leaderOnly?: boolean;
  backoff?: BackoffOptions;
  /** Send our echo after this much silence; 0 disables (default 5000, as OVS). */
  echoIntervalMs?: number;
  echoTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Deadline for each handshake request (default 10000). */
  requestTimeoutMs?: number;
  /** How long `connect()` keeps trying before it rejects (default 30000). */
  initialConnectTimeoutMs?: number;
  connector?: Connector;
}

export interface ClientStats extends SessionStats {
  /** Operations sent in `transact` requests (benchmarks print this). */
  operationsSent: number;
  transactions: number;
  /** Successful connections after the first one. */
  reconnects: number;
}

export type ClientEvents = {
  connected: [remote: string];
  disconnected: [reason: Error];
  /**
   * After a reconnect: the cache is current again; re-enqueue everything. `incremental`: every monitor resumed
   * from its last transaction (monitor_cond_since, clustered servers) instead of reloading its tables.
   */
  resync: [info: { remote: string; tables: string[]; incremental: boolean }];
  'connect-failed': [remote: string, error: Error];
  locked: [lock: string];
  stolen: [lock: string];
};

interface SessionContext {
  session: JsonRpcSession;
  remote: string;
  server: ServerWatch | undefined;
  methods: readonly MonitorMethod[];
}

interface MonitorEntry {
  id: string;
  spec: MonitorSpec;
  tables: MonitoredTable[];
  lastTxnId: string;
  subscribedOn: SessionContext | undefined;
}

interface Waiter {
  resolve: (ctx: SessionContext) => void;
  reject: (error: Error) => void;
}

const zeroStats = (): SessionStats => ({
  messagesIn: 0,
  messagesOut: 0,
  echoesAnswered: 0,
  echoesSent: 0,
  echoRepliesReceived: 0,
});

export class OvsdbClient<
  T extends { [table: string]: Row } = Record<string, PlainRow>,
> extends EventEmitter<ClientEvents> {
  readonly database: string;
  readonly #rawCache = new DatabaseCache();
  /** The replicated tables (see `monitor`). */
  readonly cache: DatabaseCache<T> = this.#rawCache as unknown as DatabaseCache<T>;
  readonly #remotes: string[];
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #connector: Connector;
  readonly #backoff: Backoff;
  readonly #leaderOnly: boolean;
  readonly #opts: OvsdbClientOptions;
  readonly #abort = new AbortController();
  readonly #monitors: MonitorEntry[] = [];
  readonly #locks = new Set<string>();
  #waiters: Waiter[] = [];
  #current: SessionContext | undefined;
  #schema: DatabaseSchema | undefined;
  #types = new Map<string, ColumnTypes>();
  #nextRemote = 0;
  #nextMonitorId = 1;
  #everConnected = false;
  #connecting = false;
  #closed = false;
  #lastError: Error | undefined;
  #counters = { operationsSent: 0, transactions: 0, reconnects: 0 };
  #retired: SessionStats = zeroStats();

  private constructor(options: OvsdbClientOptions) {
    super();
    if (options.remotes.length === 0) throw new TypeError('OvsdbClient: at least one remote is required');
    this.database = options.database;
    this.#opts = options;
    this.#remotes = [...options.remotes];
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#connector = options.connector ?? netConnector(this.#clock);
    this.#backoff = new Backoff(options.backoff);
    this.#leaderOnly = options.leaderOnly ?? options.remotes.length > 1;
  }

  /** Connects (trying every remote, with backoff) and resolves once the first connection is ready. */
  static async connect<T extends { [table: string]: Row } = Record<string, PlainRow>>(
    options: OvsdbClientOptions,
  ): Promise<OvsdbClient<T>> {
    const client = new OvsdbClient<T>(options);
    client.#startConnecting();
    try {
      await client.#whenReady(options.initialConnectTimeoutMs ?? 30_000);
    } catch (error) {
      client.close();
      throw new Error(`OVSDB ${options.database}: could not connect to ${options.remotes.join(', ')}`, {
        cause: client.#lastError ?? error,
      });
    }
    return client;
  }

  get schema(): DatabaseSchema {
    if (!this.#schema) throw new Error('OvsdbClient: no schema yet');
    return this.#schema;
  }

  /** The remote of the ready connection, if any. */
  get remote(): string | undefined {
    return this.#current?.remote;
  }

  /** The best monitor method the current server accepted: `monitor_cond_since`, `monitor_cond` or `monitor`. */
  get monitorMethod(): MonitorMethod | undefined {
    return this.#current?.methods[0];
  }

  get connected(): boolean {
    return this.#current !== undefined;
  }

  get stats(): ClientStats {
    const live = this.#current?.session.stats ?? zeroStats();
    const sum = { ...this.#retired };
    for (const k of Object.keys(sum) as (keyof SessionStats)[]) sum[k] += live[k];
    return { ...sum, ...this.#counters };
  }

  /** Sends `ops` as one transaction (RFC 7047 §4.1.3); throws the typed error of the failing operation. */
  async transact(
    ops: readonly Operation[],
    options: { timeoutMs?: number } = {},
  ): Promise<OperationResult[]> {
    if (ops.length === 0) return [];
    const ctx = await this.#whenReady(options.timeoutMs);
    this.#counters.transactions++;
    this.#counters.operationsSent += ops.length;
    const result = await ctx.session.request('transact', [this.database, ...ops], options.timeoutMs);
    return checkTransactResult(ops, result);
  }

  /**
   * Replicates tables into `cache` (monitor_cond, falling back to monitor) and keeps them replicated across
   * reconnects. Resolves once the initial contents are in the cache. A table may be monitored once.
   */
  async monitor(spec: MonitorSpec): Promise<void> {
    if (this.#closed) throw new ClientClosedError();
    for (const table of Object.keys(spec)) {
      if (this.#monitors.some((m) => table in m.spec))
        throw new TypeError(`monitor: ${table} is already monitored`);
    }
    const entry: MonitorEntry = {
      id: `kovn-${this.#nextMonitorId++}`,
      spec,
      tables: resolveMonitor(this.schema, spec),
      lastTxnId: ZERO_TXN_ID,
      subscribedOn: undefined,
    };
    this.#monitors.push(entry);
    for (;;) {
      const ctx = await this.#whenReady();
      if (entry.subscribedOn === ctx) return;
      try {
        await this.#subscribe(ctx, entry);
        return;
      } catch (error) {
        if (error instanceof ConnectionClosedError && !this.#closed) continue; // the next connection subscribes it
        this.#monitors.splice(this.#monitors.indexOf(entry), 1);
        throw error;
      }
    }
  }

  /** Requests a lock (§4.1.8); resolves `true` if held now, else the `locked` event says when. Re-requested after reconnects. */
  async lock(name: string): Promise<boolean> {
    this.#locks.add(name);
    const ctx = await this.#whenReady();
    const r = (await ctx.session.request('lock', [name])) as { locked?: boolean };
    return r.locked === true;
  }

  /** Takes a lock from its owner (§4.1.9). */
  async steal(name: string): Promise<boolean> {
    this.#locks.add(name);
    const ctx = await this.#whenReady();
    const r = (await ctx.session.request('steal', [name])) as { locked?: boolean };
    return r.locked === true;
  }

  async unlock(name: string): Promise<void> {
    this.#locks.delete(name);
    const ctx = await this.#whenReady();
    await ctx.session.request('unlock', [name]);
  }

  async listDbs(): Promise<string[]> {
    const ctx = await this.#whenReady();
    return (await ctx.session.request('list_dbs', [])) as string[];
  }

  async getSchema(database = this.database): Promise<DatabaseSchema> {
    const ctx = await this.#whenReady();
    return (await ctx.session.request('get_schema', [database])) as DatabaseSchema;
  }

  /** Column types of a table of this database's schema. */
  columnTypes(table: string): ColumnTypes {
    let types = this.#types.get(table);
    if (!types) {
      const t = this.schema.tables[table];
      if (!t) throw new TypeError(`no table ${JSON.stringify(table)} in ${this.database}`);
      this.#types.set(table, (types = columnTypes(t)));
    }
    return types;
  }

  /** Encodes a plain row for `insert`/`update` with this schema (uuid columns: UUID string or uuid-name). */
  encodeRow(table: string, row: Record<string, unknown>): WireRow {
    return encodeRow(this.columnTypes(table), row);
  }

  /** Decodes rows from a `select` result (each must include `_uuid`). */
  decodeRows<K extends keyof T & string>(table: K, rows: readonly WireRow[]): T[K][] {
    const types = this.columnTypes(table);
    return rows.map((r) => {
      const id = r['_uuid'];
      return decodeRow(types, Array.isArray(id) ? String(id[1]) : '', r) as unknown as T[K];
    });
  }

  /** Closes the connection and stops reconnecting; pending and future requests reject. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#abort.abort(new ClientClosedError());
    const ctx = this.#current;
    this.#current = undefined;
    ctx?.session.close(new ClientClosedError());
    for (const w of this.#waiters.splice(0)) w.reject(new ClientClosedError());
  }

  #whenReady(timeoutMs?: number): Promise<SessionContext> {
    if (this.#closed) return Promise.reject(new ClientClosedError());
    if (this.#current) return Promise.resolve(this.#current);
    return new Promise((resolve, reject) => {
      let timer: TimerId | undefined;
      const waiter: Waiter = {
        resolve: (ctx) => {
          this.#clock.clearTimeout(timer);
          resolve(ctx);
        },
        reject: (error) => {
          this.#clock.clearTimeout(timer);
          reject(error);
        },
      };
      if (timeoutMs !== undefined) {
        timer = this.#clock.setTimeout(() => {
          this.#waiters = this.#waiters.filter((w) => w !== waiter);
          reject(new ConnectionClosedError(`OVSDB ${this.database}: not connected within ${timeoutMs} ms`));
        }, timeoutMs);
      }
      this.#waiters.push(waiter);
    });
  }

  #startConnecting(): void {
    if (this.#connecting || this.#closed) return;
    this.#connecting = true;
    this.#connectLoop().catch((error: unknown) => {
      this.#logger.error({ err: error }, 'ovsdb: connect loop failed');
    });
  }

  async #connectLoop(): Promise<void> {
    try {
      await this.#tryRemotes();
    } finally {
      this.#connecting = false; // synchronously after the last attempt, so a close right after restarts the loop
    }
  }

  async #tryRemotes(): Promise<void> {
    let failures = 0;
    while (!this.#closed && !this.#current) {
      const remote = this.#remotes[this.#nextRemote++ % this.#remotes.length] as string;
      try {
        await this.#establish(remote);
        return;
      } catch (error) {
        this.#lastError = error as Error;
        this.#logger.warn({ remote, err: error }, 'ovsdb: connection attempt failed');
        this.#emitSafely('connect-failed', remote, error as Error);
        if (++failures % this.#remotes.length !== 0) continue; // try the other remotes first
        try {
          await this.#clock.sleep(this.#backoff.next(), this.#abort.signal);
        } catch {
          return; // closed
        }
      }
    }
  }

  async #establish(remote: string): Promise<void> {
    const stream = await this.#connector(remote, this.#opts.connectTimeoutMs ?? 5000);
    const echoIntervalMs = this.#opts.echoIntervalMs ?? 5000;
    const session = new JsonRpcSession({
      stream,
      clock: this.#clock,
      logger: this.#logger,
      ...(echoIntervalMs > 0 ? { echoIntervalMs } : {}),
      ...(this.#opts.echoTimeoutMs === undefined ? {} : { echoTimeoutMs: this.#opts.echoTimeoutMs }),
    });
    const ctx: SessionContext = { session, remote, server: undefined, methods: [] };
    session.on('notification', (method, params) => this.#onNotification(ctx, method, params));
    session.once('close', (reason) => this.#onClose(ctx, reason));
    let incremental = true;
    try {
      const timeoutMs = this.#opts.requestTimeoutMs ?? 10_000;
      const hs = await handshake(session, {
        remote,
        database: this.database,
        leaderOnly: this.#leaderOnly,
        timeoutMs,
      });
      ctx.server = hs.server;
      ctx.methods = hs.methods;
      if (this.#schema?.cksum !== hs.schema.cksum || this.#schema?.version !== hs.schema.version)
        this.#types.clear();
      this.#schema = hs.schema;
      for (const entry of this.#monitors) {
        entry.tables = resolveMonitor(hs.schema, entry.spec);
        incremental = (await this.#subscribe(ctx, entry)) && incremental;
      }
      for (const name of this.#locks) {
        session.request('lock', [name]).then(
          (r) => (r as { locked?: boolean }).locked && this.emit('locked', name),
          () => undefined,
        );
      }
      if (this.#closed) throw new ClientClosedError();
      if (session.closed) throw new ConnectionClosedError(`${remote}: closed during handshake`);
    } catch (error) {
      session.close(error as Error);
      throw error;
    }
    this.#current = ctx;
    this.#backoff.reset();
    const reconnected = this.#everConnected;
    this.#everConnected = true;
    if (reconnected) this.#counters.reconnects++;
    for (const w of this.#waiters.splice(0)) w.resolve(ctx);
    this.#logger.info({ remote, database: this.database }, 'ovsdb: connected');
    this.#emitSafely('connected', remote);
    if (reconnected) {
      const tables = this.#monitors.flatMap((m) => Object.keys(m.spec));
      this.#emitSafely('resync', { remote, tables, incremental: incremental && tables.length > 0 });
    }
  }

  /** Emits without letting a throwing listener break the connection logic. */
  #emitSafely<E extends keyof ClientEvents>(event: E, ...args: ClientEvents[E]): void {
    try {
      (this.emit as (e: E, ...a: ClientEvents[E]) => boolean)(event, ...args);
    } catch (error) {
      this.#logger.error({ err: error, event }, 'ovsdb: event listener threw');
    }
  }

  /** Sends the monitor for `entry` on `ctx`; resolves true if it resumed incrementally (`found`). */
  async #subscribe(ctx: SessionContext, entry: MonitorEntry): Promise<boolean> {
    const timeoutMs = this.#opts.requestTimeoutMs ?? 10_000;
    const { method, reply } = await sendMonitor(
      ctx.session,
      { database: this.database, id: entry.id, tables: entry.tables, lastTxnId: entry.lastTxnId, timeoutMs },
      ctx.methods.length ? ctx.methods : undefined,
    );
    ctx.methods = ctx.methods.length ? ctx.methods.slice(ctx.methods.indexOf(method)) : [method];
    applyUpdates(this.#rawCache, entry.tables, reply.updates, reply.format, !reply.found);
    entry.lastTxnId = reply.lastTxnId ?? ZERO_TXN_ID;
    entry.subscribedOn = ctx;
    return reply.found;
  }

  #onNotification(ctx: SessionContext, method: string, params: unknown): void {
    const p = params as unknown[];
    switch (method) {
      case 'update':
      case 'update2':
      case 'update3': {
        const id = p[0];
        const updates = (method === 'update3' ? p[2] : p[1]) as Record<string, Record<string, unknown>>;
        const format = method === 'update' ? 1 : 2;
        if (ctx.server && id === ctx.server.id) {
          applyUpdates(ctx.server.cache, ctx.server.tables, updates, format, false);
          try {
            ctx.server.check();
          } catch (error) {
            this.#logger.info(
              { remote: ctx.remote, reason: (error as Error).message },
              'ovsdb: leaving server',
            );
            ctx.session.close(error as Error);
          }
          return;
        }
        const entry = this.#monitors.find((m) => m.id === id);
        if (!entry || entry.subscribedOn !== ctx) return;
        applyUpdates(this.#rawCache, entry.tables, updates, format, false);
        if (method === 'update3') entry.lastTxnId = String(p[1]);
        return;
      }
      case 'monitor_canceled':
        ctx.session.close(
          new ConnectionClosedError(`${ctx.remote}: server canceled monitor ${JSON.stringify(p[0])}`),
        );
        return;
      case 'locked':
        this.emit('locked', String(p[0]));
        return;
      case 'stolen':
        this.emit('stolen', String(p[0]));
        return;
      default:
        this.#logger.debug({ method }, 'ovsdb: ignored notification');
    }
  }

  #onClose(ctx: SessionContext, reason: Error): void {
    const s = ctx.session.stats;
    for (const k of Object.keys(this.#retired) as (keyof SessionStats)[]) this.#retired[k] += s[k];
    if (this.#current !== ctx) return;
    this.#current = undefined;
    this.#logger.warn({ remote: ctx.remote, err: reason }, 'ovsdb: disconnected');
    this.#emitSafely('disconnected', reason);
    this.#startConnecting();
  }
}
