/**
 * One watch over HTTP: a stream of newline-delimited `{"type","object"}` events. Starts with synthetic ADDED
 * events (no resourceVersion, "0", or sendInitialEvents=true, which ends them with an initial-events-end
 * bookmark), or replays the event log after a resourceVersion (410 Gone as an ERROR event if it was compacted),
 * then follows live commits. Selector transitions map to ADDED/DELETED as the watch cache does; bookmarks carry
 * the store revision; `timeoutSeconds` ends the stream; a client that stops reading is cut off.
 */
import type { ServerResponse } from 'node:http';
import type { KubeObject } from '../../api/types.ts';
import type { TimerId } from '../../util/clock.ts';
import type { Core } from '../rest/core.ts';
import { apiVersionOf, type ServedResource } from '../resources/served.ts';
import { matches, type Selection } from '../selectors.ts';
import { gone } from '../status.ts';
import type { StoredEvent } from '../store/store.ts';

export interface WatchRequest {
  resource: ServedResource;
  namespace: string | undefined;
  selection: Selection;
  resourceVersion: string | undefined;
  allowBookmarks: boolean;
  sendInitialEvents: boolean | undefined;
  timeoutSeconds: number | undefined;
  /** Encodes an object for the wire (a one-row Table, PartialObjectMetadata); undefined = the object itself. */
  transform: ((object: KubeObject) => unknown) | undefined;
}

export interface WatchSettings {
  bookmarkIntervalMs: number;
  /** Default and maximum stream duration when the client gives no timeoutSeconds. */
  maxTimeoutSeconds: number;
  /** A watcher that has this much unread output is disconnected. */
  maxBufferedBytes: number;
}

type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';

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

export function serveWatch(
  core: Core,
  res: ServerResponse,
  request: WatchRequest,
  settings: WatchSettings,
): void {
  const { resource, selection } = request;
  const inScope = (o: KubeObject | undefined): boolean =>
    o !== undefined &&
    (request.namespace === undefined || o.metadata.namespace === request.namespace) &&
    matches(selection, o);

  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders();
  const timers = new Set<TimerId>();
  let unsubscribe = (): void => {};
  let finished = false;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    unsubscribe();
    for (const t of timers) core.clock.clearTimeout(t);
    timers.clear();
    if (!res.writableEnded) res.end();
  };
  res.on('close', finish);

  const writeLine = (line: string): void => {
    if (finished) return;
    res.write(line);
    if (res.writableLength > settings.maxBufferedBytes) {
      core.log.warn({ resource: resource.key }, 'watch client too slow; closing its stream');
      finished = true;
      unsubscribe();
      for (const t of timers) core.clock.clearTimeout(t);
      res.destroy();
    }
  };
  const write = (type: string, object: unknown): void => writeLine(`${JSON.stringify({ type, object })}\n`);
  const transform = request.transform;
  const send = (type: WatchType, object: KubeObject, json?: string): void => {
    if (transform) write(type, transform(object));
    else writeLine(`{"type":"${type}","object":${json ?? encode(object)}}\n`);
  };
  const bookmark = (annotations?: Record<string, string>): void => {
    const metadata: Record<string, unknown> = { resourceVersion: String(core.store.revision()) };
    if (annotations) metadata.annotations = annotations;
    write('BOOKMARK', { kind: resource.type.kind, apiVersion: apiVersionOf(resource.type), metadata });
  };
  const deliver = (event: StoredEvent): void => {
    const now = inScope(event.object);
    const before = event.type !== 'ADDED' && inScope(event.prev);
    const json = event.json;
    if (event.type === 'ADDED') {
      if (now) send('ADDED', event.object, json);
    } else if (event.type === 'DELETED') {
      if (now || before) send('DELETED', event.object, json);
    } else if (now && before) send('MODIFIED', event.object, json);
    else if (now) send('ADDED', event.object, json);
    else if (before) send('DELETED', event.object, json);
  };

  const rvText = request.resourceVersion;
  const fromList =
    rvText === undefined || rvText === '' || rvText === '0' || request.sendInitialEvents === true;
  if (fromList) {
    const ns = resource.type.namespaced ? request.namespace : undefined;
    for (const object of core.store.scan(resource.key, ns, undefined))
      if (matches(selection, object)) send('ADDED', object);
    if (request.sendInitialEvents === true && request.allowBookmarks)
      bookmark({ 'k8s.io/initial-events-end': 'true' });
  } else {
    const rv = Number(rvText);
    if (!Number.isInteger(rv) || rv < 0) {
      write('ERROR', {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `invalid resource version: ${rvText}`,
        reason: 'BadRequest',
        code: 400,
      });
      finish();
      return;
    }
    if (rv < core.store.compactedRevision()) {
      write(
        'ERROR',
        gone(`too old resource version: ${rv} (${core.store.compactedRevision() + 1})`).toStatus(),
      );
      finish();
      return;
    }
    for (const event of core.store.eventsSince(rv, resource.key)) deliver(event);
  }
  unsubscribe = core.hub.subscribe(resource.key, deliver);

  if (request.allowBookmarks && settings.bookmarkIntervalMs > 0) {
    const schedule = (): void => {
      const timer = core.clock.setTimeout(() => {
        timers.delete(timer);
        if (finished) return;
        bookmark();
        schedule();
      }, settings.bookmarkIntervalMs);
      timers.add(timer);
    };
    schedule();
  }
  const timeout = Math.min(request.timeoutSeconds ?? settings.maxTimeoutSeconds, settings.maxTimeoutSeconds);
  timers.add(core.clock.setTimeout(finish, timeout * 1000));
}
