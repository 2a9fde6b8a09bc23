/**
 * `OvsdbClient`: one logical connection to one database, kept alive across server restarts and Raft leader changes
 * (connection.ts), with a replicated cache fed by monitors (monitors.ts, cache.ts). This module is the public
 * surface: `transact` (RFC 7047 §4.1.3) with typed errors, `monitor`, locks (§4.1.8-10), schema-aware row
 * encoding, counters, events. `ssl:` remotes need `tls` (key, certificate, CA files; see tls.ts).
 * Every call a caller awaits has a deadline (`callTimeoutMs`, default 30 s; `transact` takes its own): the wait for a
 * ready connection and the round trip share it, and missing it rejects with `DeadlineExceededError` naming the
 * database, the call (a transaction's op count and tables) and the time taken. A request in flight when the
 * connection drops rejects with `ConnectionClosedError` (its outcome is unknown; the caller's reconcile retries).
 * Plans made from the cache never reach a later connection: `cacheGeneration` numbers the connection whose monitors
 * filled the cache, the planner reads it with the rows it plans from and passes it to `transact`, which then sends
 * only on that connection — while disconnected it rejects at once with `NotConnectedError`, after a reconnect with
 * `StalePlanError`, both unsent and retryable. A transaction without one (operations that do not depend on the cache)
 * waits for the next ready connection within its deadline. After a reconnect the cache is rebuilt and `resync`
 * fires: re-enqueue everything, so every key is planned again from the rebuilt cache.
 */
import { EventEmitter } from 'node:events';
import { systemClock, type Clock } from '../util/clock.ts';
import type { BackoffOptions } from './backoff.ts';
import { DatabaseCache } from './cache.ts';
import { decodeRow, encodeRow, type ColumnTypes, type PlainRow, type Row } from './codec.ts';
import { Connection, type ConnectionEvents, type SessionContext } from './connection.ts';
import { Deadline, describeTransaction, planRefusal } from './call-guards.ts';
import {
  ClientClosedError,
  ConnectionClosedError,
  NotConnectedError,
  RequestTimeoutError,
} from './errors.ts';
import type { HandshakeResult } from './handshake.ts';
import type { SessionStats } from './jsonrpc.ts';
import { silentLogger, type Logger } from './logger.ts';
import type { MonitorMethod, MonitorSpec } from './monitor.ts';
import { MonitorRegistry } from './monitors.ts';
import type { Operation, OperationResult } from './operations.ts';
import { columnTypes, type DatabaseSchema } from './schema.ts';
import type { Metrics, TransactInstruments } from '../util/metrics/registry.ts';
import { checkTransactResult, measuredTransact } from './transact.ts';
import { requireTlsOptions, type OvsdbTlsOptions } from './tls.ts';
import { netConnector, type Connector } from './transport.ts';
import type { WireRow } from './values.ts';

export interface OvsdbClientOptions {
  /** `unix:PATH`, `tcp:HOST:PORT` or `ssl:HOST:PORT` (`[IPV6]` in brackets); several for a clustered database. */
  remotes: string[];
  database: string;
  /** Key, certificate and CA files for `ssl:` remotes (required with one), read on every connect. */
  tls?: OvsdbTlsOptions;
  clock?: Clock;
  logger?: Logger;
  /** Use only the Raft leader of a clustered database (default: when more than one remote is given). */
  leaderOnly?: boolean;
  backoff?: BackoffOptions;
  /** Send our echo after this much silence; 0 disables (default 5000, as OVS). */
  echoIntervalMs?: number;
  echoTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Deadline for each handshake and monitor request (default 10000). */
  requestTimeoutMs?: number;
  /**
   * Deadline of every call a caller awaits — `transact`, `monitor`, locks, `listDbs`, `getSchema` — counting the
   * wait for a ready connection and the round trip (default 30000, Kube-OVN's older `--ovn-timeout`).
   */
  callTimeoutMs?: number;
  /** How long `connect()` keeps trying before it rejects (default 30000). */
  initialConnectTimeoutMs?: number;
  connector?: Connector;
  /** The program's metrics: each transaction's duration, and failures by kind. */
  metrics?: Metrics;
}

export interface ClientStats extends SessionStats {
  /** Operations sent in `transact` requests (benchmarks print this). */
  operationsSent: number;
  transactions: number;
  /** Successful connections after the first one. */
  reconnects: number;
}

export interface TransactOptions {
  /** This call's deadline (default: the client's `callTimeoutMs`). */
  timeoutMs?: number;
  /**
   * The `cacheGeneration` read with the cache rows the operations were planned from, in the same synchronous run.
   * Given, the transaction is sent only on that connection: it rejects at once, unsent, with `NotConnectedError`
   * while disconnected and `StalePlanError` after a reconnect. Absent, the call waits for a ready connection.
   */
  cacheGeneration?: number;
}

export const DEFAULT_CALL_TIMEOUT_MS = 30_000;

export type ClientEvents = ConnectionEvents & {
  locked: [lock: string];
  stolen: [lock: string];
};

export class OvsdbClient<
  T extends { [table: string]: Row } = Record<string, PlainRow>,
> extends EventEmitter<ClientEvents> {
  readonly database: string;
  readonly #rawCache = new DatabaseCache();
  /** The replicated tables (see `monitor`). */
  readonly cache: DatabaseCache<T> = this.#rawCache as unknown as DatabaseCache<T>;
  readonly #logger: Logger;
  readonly #conn: Connection;
  readonly #monitors: MonitorRegistry;
  readonly #locks = new Set<string>();
  readonly #clock: Clock;
  readonly #callTimeoutMs: number;
  readonly #requestTimeoutMs: number;
  readonly #transactions: TransactInstruments | undefined;
  #schema: DatabaseSchema | undefined;
  #types = new Map<string, ColumnTypes>();
  #counters = { operationsSent: 0, transactions: 0 };

  private constructor(options: OvsdbClientOptions) {
    super();
    if (!options.connector) requireTlsOptions(options.remotes, options.tls);
    this.database = options.database;
    const clock = options.clock ?? systemClock;
    this.#clock = clock;
    this.#transactions = options.metrics?.transact(options.database);
    this.#logger = options.logger ?? silentLogger;
    const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.#requestTimeoutMs = requestTimeoutMs;
    this.#callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    this.#monitors = new MonitorRegistry({
      cache: this.#rawCache,
      database: options.database,
      timeoutMs: requestTimeoutMs,
    });
    this.#conn = new Connection(
      {
        remotes: [...options.remotes],
        database: options.database,
        clock,
        logger: this.#logger,
        connector: options.connector ?? netConnector(clock, options.tls),
        leaderOnly: options.leaderOnly ?? options.remotes.length > 1,
        backoff: options.backoff,
        echoIntervalMs: options.echoIntervalMs ?? 5000,
        echoTimeoutMs: options.echoTimeoutMs,
        connectTimeoutMs: options.connectTimeoutMs ?? 5000,
        requestTimeoutMs,
      },
      {
        prepare: (ctx, hs) => this.#prepare(ctx, hs),
        notification: (ctx, method, params) => this.#onNotification(ctx, method, params),
        emit: (event, ...args) => this.#emitSafely(event, ...(args as ClientEvents[typeof event])),
      },
    );
  }

  /** Connects (trying every remote, with backoff) and resolves once the first connection is ready. */
  static async connect<T extends { [table: string]: Row } = Record<string, PlainRow>>(
    options: OvsdbClientOptions,
  ): Promise<OvsdbClient<T>> {
    const client = new OvsdbClient<T>(options);
    client.#conn.start();
    try {
      await client.#conn.whenReady(options.initialConnectTimeoutMs ?? 30_000);
    } catch (error) {
      client.close();
      throw new Error(`OVSDB ${options.database}: could not connect to ${options.remotes.join(', ')}`, {
        cause: client.#conn.lastError ?? error,
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
    return this.#conn.current?.remote;
  }

  get connected(): boolean {
    return this.#conn.current !== undefined;
  }

  /**
   * The number of the connection whose monitors filled `cache` (1 for the first; a reconnect that rebuilt the cache
   * moves it on). Read it with the rows a transaction is planned from and pass it to `transact`.
   */
  get cacheGeneration(): number {
    return this.#conn.generation;
  }

  /** The best monitor method the current server accepted: `monitor_cond_since`, `monitor_cond` or `monitor`. */
  get monitorMethod(): MonitorMethod | undefined {
    return this.#conn.current?.methods[0];
  }

  get stats(): ClientStats {
    return { ...this.#conn.stats, ...this.#counters, reconnects: this.#conn.reconnects };
  }

  /**
   * Sends `ops` as one transaction (§4.1.3); throws the typed error of the failing operation, `DeadlineExceededError`
   * past the deadline, and, for a plan (`cacheGeneration`), `NotConnectedError`/`StalePlanError` (see
   * `TransactOptions`).
   */
  async transact(ops: readonly Operation[], options: TransactOptions = {}): Promise<OperationResult[]> {
    if (ops.length === 0) return [];
    return measuredTransact(this.#transactions, this.#clock, () => this.#transact(ops, options));
  }

  async #transact(ops: readonly Operation[], options: TransactOptions): Promise<OperationResult[]> {
    // Named only when an error needs the name: building it for each of thousands of transactions shows.
    const call = (): string => describeTransaction(ops);
    const deadline = new Deadline(this.#clock, options.timeoutMs ?? this.#callTimeoutMs);
    const ctx =
      options.cacheGeneration === undefined
        ? await this.#ready(call, deadline)
        : this.#sessionOfPlan(call, options.cacheGeneration);
    this.#counters.transactions++;
    this.#counters.operationsSent += ops.length;
    const result = await this.#request(ctx, call, deadline, 'transact', [this.database, ...ops]);
    return checkTransactResult(ops, result);
  }

  /**
   * Replicates tables into `cache` (monitor_cond_since / monitor_cond, falling back to monitor) and keeps them
   * replicated across reconnects. Resolves once the initial contents are in the cache. A table may be monitored once.
   */
  async monitor(spec: MonitorSpec): Promise<void> {
    if (this.#conn.closed) throw new ClientClosedError();
    const entry = this.#monitors.add(this.schema, spec);
    const call = (): string => `monitor (${Object.keys(spec).join(', ')})`;
    const deadline = new Deadline(this.#clock, this.#callTimeoutMs);
    for (;;) {
      try {
        const ctx = await this.#ready(call, deadline);
        if (entry.subscribedOn === ctx) return; // a reconnect subscribed it meanwhile
        await this.#monitors.subscribe(ctx, entry, Math.min(this.#requestTimeoutMs, deadline.remainingMs));
        return;
      } catch (error) {
        if (error instanceof ConnectionClosedError && !this.#conn.closed) continue; // the next connection does it
        this.#monitors.remove(entry);
        throw error instanceof RequestTimeoutError && deadline.expired
          ? deadline.error(this.database, call(), true, error)
          : error;
      }
    }
  }

  /** Requests a lock (§4.1.8): true if held now, else the `locked` event says when. Re-requested after reconnects. */
  lock(name: string): Promise<boolean> {
    return this.#lockRequest('lock', name);
  }

  /** Takes a lock from its owner (§4.1.9). */
  steal(name: string): Promise<boolean> {
    return this.#lockRequest('steal', name);
  }

  async unlock(name: string): Promise<void> {
    this.#locks.delete(name);
    await this.#call('unlock', [name], `unlock ${name}`);
  }

  async listDbs(): Promise<string[]> {
    return (await this.#call('list_dbs', [], 'list_dbs')) as string[];
  }

  async getSchema(database = this.database): Promise<DatabaseSchema> {
    return (await this.#call('get_schema', [database], `get_schema ${database}`)) as DatabaseSchema;
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

  /** Decodes rows from a `select` result (`_uuid` is taken from each row if selected). */
  decodeRows<K extends keyof T & string>(table: K, rows: readonly WireRow[]): T[K][] {
    const types = this.columnTypes(table);
    return rows.map((r) => {
      const id = r['_uuid'];
      return decodeRow(types, Array.isArray(id) ? String(id[1]) : '', r) as unknown as T[K];
    });
  }

  /** Closes the connection and stops reconnecting; pending and future requests reject. */
  close(): void {
    this.#conn.close();
  }

  async #lockRequest(method: 'lock' | 'steal', name: string): Promise<boolean> {
    this.#locks.add(name);
    const r = (await this.#call(method, [name], `${method} ${name}`)) as { locked?: boolean };
    return r.locked === true;
  }

  /** One request on the ready connection (waiting for one), within the client's call deadline. */
  async #call(method: string, params: unknown[], call: string): Promise<unknown> {
    const deadline = new Deadline(this.#clock, this.#callTimeoutMs);
    const name = (): string => call;
    const ctx = await this.#ready(name, deadline);
    return this.#request(ctx, name, deadline, method, params);
  }

  /** The ready connection, waiting for one no longer than the deadline allows. `call` names it in errors. */
  #ready(call: () => string, deadline: Deadline): Promise<SessionContext> {
    return this.#conn.whenReady(deadline.remainingMs, () =>
      deadline.error(this.database, call(), false, this.#conn.lastError),
    );
  }

  /** The ready connection if a plan made at cache generation `planned` may be sent on it; else throws, unsent. */
  #sessionOfPlan(call: () => string, planned: number): SessionContext {
    if (this.#conn.closed) throw new ClientClosedError();
    const ctx = this.#conn.current;
    const current = ctx?.generation;
    if (ctx !== undefined && current === planned) return ctx;
    throw (
      planRefusal(this.database, call(), planned, current) ?? new NotConnectedError(this.database, call())
    );
  }

  async #request(
    ctx: SessionContext,
    call: () => string,
    deadline: Deadline,
    method: string,
    params: unknown[],
  ): Promise<unknown> {
    try {
      return await ctx.session.request(method, params, deadline.remainingMs);
    } catch (error) {
      if (error instanceof RequestTimeoutError) throw deadline.error(this.database, call(), true, error);
      throw error;
    }
  }

  async #prepare(
    ctx: SessionContext,
    hs: HandshakeResult,
  ): Promise<{ incremental: boolean; tables: string[] }> {
    if (this.#schema?.cksum !== hs.schema.cksum || this.#schema?.version !== hs.schema.version)
      this.#types.clear();
    this.#schema = hs.schema;
    const incremental = await this.#monitors.subscribeAll(ctx, hs.schema);
    for (const name of this.#locks) {
      ctx.session.request('lock', [name]).then(
        (r) => (r as { locked?: boolean }).locked && this.#emitSafely('locked', name),
        () => undefined, // the session is gone; the next one asks again
      );
    }
    return { incremental, tables: this.#monitors.tables() };
  }

  #onNotification(ctx: SessionContext, method: string, params: unknown[]): void {
    if (this.#monitors.handle(ctx, method, params)) return;
    switch (method) {
      case 'monitor_canceled': // e.g. the database was converted: start over on a fresh connection
        ctx.session.close(
          new ConnectionClosedError(`${ctx.remote}: server canceled monitor ${JSON.stringify(params[0])}`),
        );
        return;
      case 'locked':
      case 'stolen':
        this.#emitSafely(method, String(params[0]));
        return;
      default:
        this.#logger.debug({ method }, 'ovsdb: ignored notification');
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
}
