/**
 * The client's registered monitors: what each one asked for, the id it has on the wire, the last transaction it
 * has seen (for `monitor_cond_since`) and the session it is subscribed on. Subscribes one monitor or all of them on
 * a new session (replacing or, when the server found our last transaction, updating the cache), and routes
 * `update`/`update2`/`update3` notifications (RFC 7047 §4.1.6, ovsdb-server(7)) into the cache.
 */
import type { DatabaseCache } from './cache.ts';
import type { SessionContext } from './connection.ts';
import { sendMonitor } from './handshake.ts';
import {
  applyUpdates,
  resolveMonitor,
  ZERO_TXN_ID,
  type MonitorSpec,
  type MonitoredTable,
} from './monitor.ts';
import type { DatabaseSchema } from './schema.ts';

export interface MonitorEntry {
  id: string;
  spec: MonitorSpec;
  tables: MonitoredTable[];
  lastTxnId: string;
  subscribedOn: SessionContext | undefined;
}

export class MonitorRegistry {
  readonly #cache: DatabaseCache;
  readonly #database: string;
  readonly #timeoutMs: number;
  readonly #entries: MonitorEntry[] = [];
  #nextId = 1;

  constructor(options: { cache: DatabaseCache; database: string; timeoutMs: number }) {
    this.#cache = options.cache;
    this.#database = options.database;
    this.#timeoutMs = options.timeoutMs;
  }

  /** Every monitored table name. */
  tables(): string[] {
    return this.#entries.flatMap((m) => Object.keys(m.spec));
  }

  /** Registers a monitor (validated against `schema`); a table may be monitored once. */
  add(schema: DatabaseSchema, spec: MonitorSpec): MonitorEntry {
    for (const table of Object.keys(spec)) {
      if (this.tables().includes(table)) throw new TypeError(`monitor: ${table} is already monitored`);
    }
    const entry: MonitorEntry = {
      id: `kovn-${this.#nextId++}`,
      spec,
      tables: resolveMonitor(schema, spec),
      lastTxnId: ZERO_TXN_ID,
      subscribedOn: undefined,
    };
    this.#entries.push(entry);
    return entry;
  }

  remove(entry: MonitorEntry): void {
    const at = this.#entries.indexOf(entry);
    if (at >= 0) this.#entries.splice(at, 1);
  }

  /**
   * Sends `entry`'s monitor on `ctx` (within `timeoutMs`, default the registry's); resolves true if it resumed from its
   * last transaction (`found`).
   */
  async subscribe(ctx: SessionContext, entry: MonitorEntry, timeoutMs = this.#timeoutMs): Promise<boolean> {
    const { method, reply } = await sendMonitor(
      ctx.session,
      {
        database: this.#database,
        id: entry.id,
        tables: entry.tables,
        lastTxnId: entry.lastTxnId,
        timeoutMs,
      },
      ctx.methods.length ? ctx.methods : undefined,
    );
    ctx.methods = ctx.methods.length ? ctx.methods.slice(ctx.methods.indexOf(method)) : [method];
    applyUpdates(this.#cache, entry.tables, reply.updates, reply.format, !reply.found);
    entry.lastTxnId = reply.lastTxnId ?? ZERO_TXN_ID;
    entry.subscribedOn = ctx;
    return reply.found;
  }

  /** Resubscribes every monitor on a new session (schema may have changed); true if all resumed incrementally. */
  async subscribeAll(ctx: SessionContext, schema: DatabaseSchema): Promise<boolean> {
    let incremental = true;
    for (const entry of [...this.#entries]) {
      entry.tables = resolveMonitor(schema, entry.spec);
      incremental = (await this.subscribe(ctx, entry)) && incremental;
    }
    return incremental;
  }

  /** Applies an update notification to the cache; false if it was not an update for one of ours. */
  handle(ctx: SessionContext, method: string, params: unknown[]): boolean {
    if (method !== 'update' && method !== 'update2' && method !== 'update3') return false;
    const entry = this.#entries.find((m) => m.id === params[0]);
    if (!entry || entry.subscribedOn !== ctx) return true; // stale: a session we already left
    const updates = (method === 'update3' ? params[2] : params[1]) as Record<string, Record<string, unknown>>;
    applyUpdates(this.#cache, entry.tables, updates ?? {}, method === 'update' ? 1 : 2, false);
    if (method === 'update3') entry.lastTxnId = String(params[1]);
    return true;
  }
}
