/**
 * `OvsdbClient`: one logical connection to one database, kept alive across server restarts and Raft leader changes
 * (connection.ts), with a replicated cache fed by monitors (monitors.ts, cache.ts). This module is the public
 * surface: `transact` (RFC 7047 §4.1.3) with typed errors, `monitor`, locks (§4.1.8-10), schema-aware row
 * encoding, counters, events. A request in flight when the connection drops rejects with `ConnectionClosedError`
 * (its outcome is unknown; the caller's reconcile retries); requests made while disconnected wait for the next
 * ready connection. After a reconnect the cache is rebuilt and `resync` fires: re-enqueue everything.
 */
import { EventEmitter } from 'node:events';
import { systemClock, type Clock } from '../util/clock.ts';
import type { BackoffOptions } from './backoff.ts';
import { DatabaseCache } from './cache.ts';
import { decodeRow, encodeRow, type ColumnTypes, type PlainRow, type Row } from './codec.ts';
import { Connection, type ConnectionEvents, type SessionContext } from './connection.ts';
import { ClientClosedError, ConnectionClosedError } from './errors.ts';
import type { HandshakeResult } from './handshake.ts';
import type { SessionStats } from './jsonrpc.ts';
import { silentLogger, type Logger } from './logger.ts';
import type { MonitorMethod, MonitorSpec } from './monitor.ts';
import { MonitorRegistry } from './monitors.ts';
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
  /** Deadline for each handshake and monitor request (default 10000). */
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
  #schema: DatabaseSchema | undefined;
  #types = new Map<string, ColumnTypes>();
  #counters = { operationsSent: 0, transactions: 0 };

  private constructor(options: OvsdbClientOptions) {
    super();
    this.database = options.database;
    const clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
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
        connector: options.connector ?? netConnector(clock),
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

  /** The best monitor method the current server accepted: `monitor_cond_since`, `monitor_cond` or `monitor`. */
  get monitorMethod(): MonitorMethod | undefined {
    return this.#conn.current?.methods[0];
  }

  get stats(): ClientStats {
    return { ...this.#conn.stats, ...this.#counters, reconnects: this.#conn.reconnects };
  }

  /** Sends `ops` as one transaction (§4.1.3); throws the typed error of the failing operation. */
  async transact(
    ops: readonly Operation[],
    options: { timeoutMs?: number } = {},
  ): Promise<OperationResult[]> {
    if (ops.length === 0) return [];
    const ctx = await this.#conn.whenReady(options.timeoutMs);
    this.#counters.transactions++;
    this.#counters.operationsSent += ops.length;
    const result = await ctx.session.request('transact', [this.database, ...ops], options.timeoutMs);
    return checkTransactResult(ops, result);
  }

  /**
   * Replicates tables into `cache` (monitor_cond_since / monitor_cond, falling back to monitor) and keeps them
   * replicated across reconnects. Resolves once the initial contents are in the cache. A table may be monitored once.
   */
  async monitor(spec: MonitorSpec): Promise<void> {
    if (this.#conn.closed) throw new ClientClosedError();
    const entry = this.#monitors.add(this.schema, spec);
    for (;;) {
      const ctx = await this.#conn.whenReady();
      if (entry.subscribedOn === ctx) return; // a reconnect subscribed it meanwhile
      try {
        await this.#monitors.subscribe(ctx, entry);
        return;
      } catch (error) {
        if (error instanceof ConnectionClosedError && !this.#conn.closed) continue; // the next connection does it
        this.#monitors.remove(entry);
        throw error;
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
    const ctx = await this.#conn.whenReady();
    await ctx.session.request('unlock', [name]);
  }

  async listDbs(): Promise<string[]> {
    const ctx = await this.#conn.whenReady();
    return (await ctx.session.request('list_dbs', [])) as string[];
  }

  async getSchema(database = this.database): Promise<DatabaseSchema> {
    const ctx = await this.#conn.whenReady();
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
    const ctx = await this.#conn.whenReady();
    const r = (await ctx.session.request(method, [name])) as { locked?: boolean };
    return r.locked === true;
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
