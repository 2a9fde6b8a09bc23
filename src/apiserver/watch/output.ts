/**
 * The wire side of one watch: a chunked response of newline-delimited `{"type","object"}` events, each committed
 * object serialised once however many watchers receive it, BOOKMARKs carrying the store revision, and the end of
 * the stream (the subscription dropped, the stream's timers cleared) when the client goes, the server ends it, or
 * the client stops reading and its unread output passes the limit (then the connection is cut).
 */
import type { ServerResponse } from 'node:http';
import type { KubeObject } from '../../api/types.ts';
import type { TimerId } from '../../util/clock.ts';
import type { Core } from '../rest/core.ts';
import { apiVersionOf, type ServedResource } from '../resources/served.ts';

export type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** Each committed object is serialised once, however many watchers receive it. */
const encoded = new WeakMap<KubeObject, string>();

function encode(object: KubeObject): string {
  let json = encoded.get(object);
  if (json === undefined) {
    json = JSON.stringify(object);
    encoded.set(object, json);
  }
  return json;
}

export interface WatchOutputOptions {
  resource: ServedResource;
  /** Encodes an object for the wire; undefined = the object itself. */
  transform: ((object: KubeObject) => unknown) | undefined;
  /** A watcher that has this much unread output is disconnected. */
  maxBufferedBytes: number;
}

export class WatchOutput {
  readonly #core: Core;
  readonly #res: ServerResponse;
  readonly #options: WatchOutputOptions;
  readonly #timers = new Set<TimerId>();
  #unsubscribe = (): void => {};
  #finished = false;

  /** Sends the response head at once, so the client sees the watch open before the first event. */
  constructor(core: Core, res: ServerResponse, options: WatchOutputOptions) {
    this.#core = core;
    this.#res = res;
    this.#options = options;
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    res.on('close', () => this.finish());
  }

  get finished(): boolean {
    return this.#finished;
  }

  /** The hub subscription feeding this stream, dropped when it ends (at once if it already has: a client cut off
   * while the initial events were still being written). */
  follow(unsubscribe: () => void): void {
    if (this.#finished) {
      unsubscribe();
      return;
    }
    this.#unsubscribe = unsubscribe;
  }

  /** Runs `fn` after `ms` unless the stream has ended by then (its timers are cleared with it). */
  after(ms: number, fn: () => void): void {
    const timer = this.#core.clock.setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
  }

  /** An event about a committed object; `json` is its stored serialisation, when there is one. */
  send(type: WatchType, object: KubeObject, json?: string): void {
    const transform = this.#options.transform;
    if (transform) this.write(type, transform(object));
    else this.#writeLine(`{"type":"${type}","object":${json ?? encode(object)}}\n`);
  }

  /** Any other event (BOOKMARK, ERROR), serialised here. */
  write(type: string, object: unknown): void {
    this.#writeLine(`${JSON.stringify({ type, object })}\n`);
  }

  bookmark(annotations?: Record<string, string>): void {
    const { type } = this.#options.resource;
    const metadata: Record<string, unknown> = { resourceVersion: String(this.#core.store.revision()) };
    if (annotations) metadata.annotations = annotations;
    this.write('BOOKMARK', { kind: type.kind, apiVersion: apiVersionOf(type), metadata });
  }

  /** Ends the stream: drops the subscription, clears the timers, ends the response. */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#unsubscribe();
    for (const t of this.#timers) this.#core.clock.clearTimeout(t);
    this.#timers.clear();
    if (!this.#res.writableEnded) this.#res.end();
  }

  #writeLine(line: string): void {
    if (this.#finished) return;
    const res = this.#res;
    res.write(line);
    if (res.writableLength > this.#options.maxBufferedBytes) {
      this.#core.log.warn(
        { resource: this.#options.resource.key },
        'watch client too slow; closing its stream',
      );
      this.#finished = true;
      this.#unsubscribe();
      for (const t of this.#timers) this.#core.clock.clearTimeout(t);
      res.destroy();
    }
  }
}
