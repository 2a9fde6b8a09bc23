/**
 * The connection lifecycle behind `OvsdbClient`: pick a remote (round robin), open a session, handshake
 * (handshake.ts), let the client resubscribe, then mark the session ready and wake waiting requests. On any session
 * loss — server gone, keepalive dead, leadership moved (the `_Server` row stops qualifying) — it retries: every
 * remote once, then an exponential backoff wait, until one works or `close()`. Each ready session is numbered
 * (`generation`, 1 for the first): the number of the connection whose monitors filled the client's cache, so a plan
 * made from that cache can tell whether it still belongs to the ready session. Emits `connected`, `disconnected`,
 * `connect-failed` and, after every successful reconnect, `resync`.
 */
import type { Clock, TimerId } from '../util/clock.ts';
import { Backoff, type BackoffOptions } from './backoff.ts';
import { ClientClosedError, ConnectionClosedError } from './errors.ts';
import { handshake, type HandshakeResult, type ServerWatch } from './handshake.ts';
import { JsonRpcSession, type SessionStats } from './jsonrpc.ts';
import type { Logger } from './logger.ts';
import { applyUpdates, type MonitorMethod } from './monitor.ts';
import type { Connector } from './transport.ts';

export interface SessionContext {
  session: JsonRpcSession;
  remote: string;
  server: ServerWatch | undefined;
  /** Monitor methods this server accepts, best first. */
  methods: readonly MonitorMethod[];
  /** The session's number, given when it became ready (0 before). */
  generation: number;
}

export type ConnectionEvents = {
  connected: [remote: string];
  disconnected: [reason: Error];
  /**
   * After a reconnect: the cache is current again; re-enqueue everything. `incremental`: every monitor resumed
   * from its last transaction (monitor_cond_since, clustered servers) instead of reloading its tables.
   */
  resync: [info: { remote: string; tables: string[]; incremental: boolean }];
  'connect-failed': [remote: string, error: Error];
};

export interface ConnectionOptions {
  remotes: string[];
  database: string;
  clock: Clock;
  logger: Logger;
  connector: Connector;
  leaderOnly: boolean;
  backoff?: BackoffOptions | undefined;
  echoIntervalMs: number;
  echoTimeoutMs?: number | undefined;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
}

export interface ConnectionHooks {
  /** Runs after the handshake, before the session is ready (resubscribe here); resolves "resumed incrementally". */
  prepare(ctx: SessionContext, hs: HandshakeResult): Promise<{ incremental: boolean; tables: string[] }>;
  notification(ctx: SessionContext, method: string, params: unknown[]): void;
  emit<E extends keyof ConnectionEvents>(event: E, ...args: ConnectionEvents[E]): void;
}

interface Waiter {
  resolve: (ctx: SessionContext) => void;
  reject: (error: Error) => void;
}

export const zeroStats = (): SessionStats => ({
  messagesIn: 0,
  messagesOut: 0,
  echoesAnswered: 0,
  echoesSent: 0,
  echoRepliesReceived: 0,
});

export class Connection {
  readonly #o: ConnectionOptions;
  readonly #hooks: ConnectionHooks;
  readonly #backoff: Backoff;
  readonly #abort = new AbortController();
  #waiters: Waiter[] = [];
  #current: SessionContext | undefined;
  #nextRemote = 0;
  #generation = 0;
  #everConnected = false;
  #connecting = false;
  #closed = false;
  #retired: SessionStats = zeroStats();
  reconnects = 0;
  lastError: Error | undefined;

  constructor(options: ConnectionOptions, hooks: ConnectionHooks) {
    if (options.remotes.length === 0) throw new TypeError('OVSDB: at least one remote is required');
    this.#o = options;
    this.#hooks = hooks;
    this.#backoff = new Backoff(options.backoff);
  }

  get current(): SessionContext | undefined {
    return this.#current;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The number of the last session that became ready (0 before the first); it stays while disconnected. */
  get generation(): number {
    return this.#generation;
  }

  /** Session counters summed over every session so far. */
  get stats(): SessionStats {
    const live = this.#current?.session.stats ?? zeroStats();
    const sum = { ...this.#retired };
    for (const k of Object.keys(sum) as (keyof SessionStats)[]) sum[k] += live[k];
    return sum;
  }

  /** Starts connecting unless already connected or connecting. */
  start(): void {
    if (this.#connecting || this.#closed || this.#current) return;
    this.#connecting = true;
    this.#loop().catch((error: unknown) =>
      this.#o.logger.error({ err: error }, 'ovsdb: connect loop failed'),
    );
  }

  /**
   * The ready session, now or once connected; rejects on close or after `timeoutMs` (with `timeoutError()`, by default
   * a `ConnectionClosedError`).
   */
  whenReady(timeoutMs?: number, timeoutError?: () => Error): Promise<SessionContext> {
    if (this.#closed) return Promise.reject(new ClientClosedError());
    if (this.#current) return Promise.resolve(this.#current);
    return new Promise((resolve, reject) => {
      let timer: TimerId | undefined;
      const waiter: Waiter = {
        resolve: (ctx) => {
          this.#o.clock.clearTimeout(timer);
          resolve(ctx);
        },
        reject: (error) => {
          this.#o.clock.clearTimeout(timer);
          reject(error);
        },
      };
      if (timeoutMs !== undefined) {
        timer = this.#o.clock.setTimeout(() => {
          this.#waiters = this.#waiters.filter((w) => w !== waiter);
          reject(
            timeoutError?.() ??
              new ConnectionClosedError(`OVSDB ${this.#o.database}: not connected within ${timeoutMs} ms`),
          );
        }, timeoutMs);
      }
      this.#waiters.push(waiter);
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#abort.abort(new ClientClosedError());
    const ctx = this.#current;
    this.#current = undefined;
    ctx?.session.close(new ClientClosedError());
    for (const w of this.#waiters.splice(0)) w.reject(new ClientClosedError());
  }

  async #loop(): Promise<void> {
    try {
      await this.#tryRemotes();
    } finally {
      this.#connecting = false; // synchronously as the loop ends, so a session lost right after restarts it
    }
  }

  async #tryRemotes(): Promise<void> {
    let failures = 0;
    const { remotes } = this.#o;
    // Re-checks `#current` after a success too: a listener may have dropped the fresh session already.
    while (!this.#closed && !this.#current) {
      const remote = remotes[this.#nextRemote++ % remotes.length] as string;
      try {
        await this.#establish(remote);
        failures = 0;
      } catch (error) {
        this.lastError = error as Error;
        this.#o.logger.warn({ remote, err: error }, 'ovsdb: connection attempt failed');
        this.#hooks.emit('connect-failed', remote, error as Error);
        if (++failures % remotes.length !== 0) continue; // try the other remotes before waiting
        try {
          await this.#o.clock.sleep(this.#backoff.next(), this.#abort.signal);
        } catch {
          return; // closed
        }
      }
    }
  }

  async #establish(remote: string): Promise<void> {
    const o = this.#o;
    const stream = await o.connector(remote, o.connectTimeoutMs);
    const session = new JsonRpcSession({
      stream,
      clock: o.clock,
      logger: o.logger,
      ...(o.echoIntervalMs > 0 ? { echoIntervalMs: o.echoIntervalMs } : {}),
      ...(o.echoTimeoutMs === undefined ? {} : { echoTimeoutMs: o.echoTimeoutMs }),
    });
    const ctx: SessionContext = { session, remote, server: undefined, methods: [], generation: 0 };
    session.on('notification', (method, params) => this.#onNotification(ctx, method, params as unknown[]));
    session.once('close', (reason) => this.#onClose(ctx, reason));
    let prepared: { incremental: boolean; tables: string[] };
    try {
      const hs = await handshake(session, {
        remote,
        database: o.database,
        leaderOnly: o.leaderOnly,
        timeoutMs: o.requestTimeoutMs,
      });
      ctx.server = hs.server;
      ctx.methods = hs.methods;
      prepared = await this.#hooks.prepare(ctx, hs);
      if (this.#closed) throw new ClientClosedError();
      if (session.closed) throw new ConnectionClosedError(`${remote}: closed during handshake`);
    } catch (error) {
      session.close(error as Error);
      throw error;
    }
    ctx.generation = ++this.#generation;
    this.#current = ctx;
    this.#backoff.reset();
    const reconnected = this.#everConnected;
    this.#everConnected = true;
    if (reconnected) this.reconnects++;
    for (const w of this.#waiters.splice(0)) w.resolve(ctx);
    o.logger.info({ remote, database: o.database }, 'ovsdb: connected');
    this.#hooks.emit('connected', remote);
    if (reconnected) {
      const { tables, incremental } = prepared;
      this.#hooks.emit('resync', { remote, tables, incremental: incremental && tables.length > 0 });
    }
  }

  #onNotification(ctx: SessionContext, method: string, params: unknown[]): void {
    const server = ctx.server;
    if (
      server &&
      (method === 'update' || method === 'update2' || method === 'update3') &&
      params[0] === server.id
    ) {
      const updates = (method === 'update3' ? params[2] : params[1]) as Record<
        string,
        Record<string, unknown>
      >;
      applyUpdates(server.cache, server.tables, updates, method === 'update' ? 1 : 2, false);
      try {
        server.check();
      } catch (error) {
        this.#o.logger.info(
          { remote: ctx.remote, reason: (error as Error).message },
          'ovsdb: leaving server',
        );
        ctx.session.close(error as Error);
      }
      return;
    }
    this.#hooks.notification(ctx, method, params);
  }

  #onClose(ctx: SessionContext, reason: Error): void {
    const s = ctx.session.stats;
    for (const k of Object.keys(this.#retired) as (keyof SessionStats)[]) this.#retired[k] += s[k];
    if (this.#current !== ctx) return;
    this.#current = undefined;
    this.#o.logger.warn({ remote: ctx.remote, err: reason }, 'ovsdb: disconnected');
    this.#hooks.emit('disconnected', reason);
    this.start();
  }
}
