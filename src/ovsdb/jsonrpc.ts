/**
 * One JSON-RPC 1.0 session over one byte stream, as RFC 7047 §4 uses it: requests with ids matched to responses,
 * notifications (`id: null`) emitted as events, and the server's `echo` answered at once (§4.1.11). Optionally runs our
 * own echo keepalive. Messages sent in one tick are written together. The session ends exactly once — on a framing or
 * protocol error (typed, never swallowed; a notification whose listener throws is one), a dead keepalive, the peer
 * closing, or `close()` — and then rejects every outstanding request with `ConnectionClosedError` whose `cause` is
 * the reason (named in its message: a TLS alert after the handshake, e.g. the server refusing our certificate
 * under TLS 1.3, arrives here). Reconnecting is the client's job, not this module's.
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import type { Clock, TimerId } from '../util/clock.ts';
import { JsonStreamSplitter } from './json-stream.ts';
import { Keepalive } from './keepalive.ts';
import {
  ConnectionClosedError,
  KeepaliveTimeoutError,
  RequestTimeoutError,
  errorFromWire,
} from './errors.ts';
import type { Logger } from './logger.ts';
import { tlsErrorText } from './tls.ts';

/** A well-formed JSON value that is not a valid JSON-RPC message. */
export class JsonRpcProtocolError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(`JSON-RPC protocol error: ${message}`, options);
    this.name = 'JsonRpcProtocolError';
  }
}

export interface JsonRpcSessionOptions {
  stream: Duplex;
  clock: Clock;
  logger: Logger;
  /** Send our own echo after this much silence (0 or absent: never). */
  echoIntervalMs?: number;
  /** Close the session if nothing arrives this long after our echo (default: `echoIntervalMs`). */
  echoTimeoutMs?: number;
  maxMessageBytes?: number;
}

export interface SessionStats {
  messagesIn: number;
  messagesOut: number;
  /** Echo requests from the server that we answered. */
  echoesAnswered: number;
  /** Our own keepalive echoes sent, and how many were answered. */
  echoesSent: number;
  echoRepliesReceived: number;
}

interface Pending {
  method: string;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: TimerId | undefined;
}

type Message = { id?: unknown; method?: unknown; params?: unknown; result?: unknown; error?: unknown };

export class JsonRpcSession extends EventEmitter<{
  notification: [method: string, params: unknown];
  close: [Error];
}> {
  readonly stats: SessionStats = {
    messagesIn: 0,
    messagesOut: 0,
    echoesAnswered: 0,
    echoesSent: 0,
    echoRepliesReceived: 0,
  };
  readonly #stream: Duplex;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #splitter: JsonStreamSplitter;
  readonly #pending = new Map<number, Pending>();
  readonly #keepalive: Keepalive | undefined;
  #nextId = 1;
  #corked = false;
  #closeReason: Error | undefined;

  constructor(options: JsonRpcSessionOptions) {
    super();
    this.#stream = options.stream;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#splitter = new JsonStreamSplitter(
      options.maxMessageBytes === undefined ? {} : { maxMessageBytes: options.maxMessageBytes },
    );
    this.#stream.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.#stream.on('error', (error) => this.close(error));
    this.#stream.on('end', () => this.#onEnd());
    this.#stream.on('close', () => this.#onEnd());
    if (options.echoIntervalMs) {
      this.#keepalive = new Keepalive({
        clock: options.clock,
        intervalMs: options.echoIntervalMs,
        ...(options.echoTimeoutMs === undefined ? {} : { timeoutMs: options.echoTimeoutMs }),
        sendProbe: () => this.#sendEcho(),
        onDead: (silentMs) => this.close(new KeepaliveTimeoutError(silentMs)),
      });
      this.#keepalive.start();
    }
  }

  get closed(): boolean {
    return this.#closeReason !== undefined;
  }

  /** Sends a request; resolves with its `result`, rejects with the typed error of its `error`. */
  request(method: string, params: unknown[], timeoutMs?: number): Promise<unknown> {
    if (this.#closeReason) {
      return Promise.reject(new ConnectionClosedError(undefined, { cause: this.#closeReason }));
    }
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : this.#clock.setTimeout(() => {
              this.#pending.delete(id);
              reject(new RequestTimeoutError(method, timeoutMs));
            }, timeoutMs);
      this.#pending.set(id, { method, resolve, reject, timer });
      this.#send({ method, params, id });
    });
  }

  notify(method: string, params: unknown[]): void {
    this.#send({ method, params, id: null });
  }

  /** Ends the session (idempotent); outstanding requests reject with `ConnectionClosedError` caused by `reason`. */
  close(reason: Error = new ConnectionClosedError('session closed by the client')): void {
    if (this.#closeReason) return;
    this.#closeReason = reason;
    this.#keepalive?.stop();
    this.#stream.destroy();
    for (const [id, p] of this.#pending) {
      this.#clock.clearTimeout(p.timer);
      this.#pending.delete(id);
      p.reject(
        reason instanceof ConnectionClosedError
          ? reason
          : new ConnectionClosedError(`OVSDB connection closed: ${tlsErrorText(reason)}`, { cause: reason }),
      );
    }
    this.emit('close', reason);
  }

  #send(message: object): void {
    if (this.#closeReason) return;
    this.stats.messagesOut++;
    this.#coalesceWrites();
    this.#stream.write(JSON.stringify(message));
  }

  /**
   * Holds writes until the current tick ends, so requests sent together (several workers' transactions) leave in one
   * write: fewer system calls and server wake-ups. Message order is unchanged.
   */
  #coalesceWrites(): void {
    if (this.#corked) return;
    this.#corked = true;
    this.#stream.cork();
    setImmediate(() => {
      this.#corked = false;
      this.#stream.uncork();
    });
  }

  #sendEcho(): void {
    this.stats.echoesSent++;
    this.request('echo', ['kovn-keepalive']).then(
      () => this.stats.echoRepliesReceived++,
      () => undefined, // a dead session reports itself through 'close'
    );
  }

  #onEnd(): void {
    if (this.#closeReason) return;
    try {
      this.#splitter.end();
      this.close(new ConnectionClosedError('connection closed by the server'));
    } catch (error) {
      this.close(error as Error);
    }
  }

  #onData(chunk: Buffer): void {
    if (this.#closeReason) return;
    let messages: unknown[];
    try {
      messages = this.#splitter.push(chunk);
    } catch (error) {
      this.#logger.warn({ err: error }, 'ovsdb: malformed stream, closing session');
      this.close(error as Error);
      return;
    }
    for (const message of messages) {
      if (this.#closeReason) return;
      this.stats.messagesIn++;
      this.#keepalive?.activity();
      this.#dispatch(message);
    }
  }

  /**
   * Hands a notification to the listeners. One that throws (an update whose rows do not decode) ends the session
   * with that error as the cause, rather than escaping into the stream's 'data' event and out of the process.
   */
  #notify(method: string, params: unknown[]): void {
    try {
      this.emit('notification', method, params);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.close(new JsonRpcProtocolError(`${method} notification not handled: ${reason}`, { cause: error }));
    }
  }

  #dispatch(raw: unknown): void {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      this.close(new JsonRpcProtocolError(`expected an object, got ${JSON.stringify(raw)?.slice(0, 80)}`));
      return;
    }
    const msg = raw as Message;
    if (typeof msg.method === 'string') {
      const params = Array.isArray(msg.params) ? msg.params : [];
      if (msg.id === null || msg.id === undefined) {
        this.#notify(msg.method, params);
      } else if (msg.method === 'echo') {
        this.stats.echoesAnswered++;
        this.#send({ result: params, error: null, id: msg.id });
      } else {
        this.#send({ result: null, error: { error: 'unknown method', details: msg.method }, id: msg.id });
      }
      return;
    }
    if (!('result' in msg) && !('error' in msg)) {
      this.close(
        new JsonRpcProtocolError(`neither a request nor a response: ${JSON.stringify(raw).slice(0, 80)}`),
      );
      return;
    }
    const pending = typeof msg.id === 'number' ? this.#pending.get(msg.id) : undefined;
    if (pending === undefined) {
      this.#logger.debug({ id: msg.id }, 'ovsdb: response to no outstanding request');
      return;
    }
    this.#pending.delete(msg.id as number);
    this.#clock.clearTimeout(pending.timer);
    if (msg.error !== null && msg.error !== undefined) {
      pending.reject(errorFromWire(msg.error, { method: pending.method }));
    } else {
      pending.resolve(msg.result);
    }
  }
}
