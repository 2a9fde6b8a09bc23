/**
 * One watch over HTTP: a stream of newline-delimited `{"type","object"}` events. Starts with synthetic ADDED
 * events (no resourceVersion, "0", or sendInitialEvents=true, which ends them with an initial-events-end
 * bookmark), or replays the event log after a resourceVersion (410 Gone as an ERROR event if it was compacted),
 * then follows live commits. Selector transitions map to ADDED/DELETED as the watch cache does; bookmarks carry
 * the store revision; `timeoutSeconds` ends the stream; a client that stops reading is cut off (the stream
 * itself, its framing and its end, is output.ts's).
 */
import type { ServerResponse } from 'node:http';
import type { KubeObject } from '../../api/types.ts';
import type { Core } from '../rest/core.ts';
import type { ServedResource } from '../resources/served.ts';
import { matches, type Selection } from '../selectors.ts';
import { gone } from '../status.ts';
import type { StoredEvent } from '../store/store.ts';
import { WatchOutput, type WatchType } from './output.ts';

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

/**
 * What a watcher sees of a committed event, from whether the object was in its scope before the change and is
 * after it: a change that moves an object into the selection is ADDED, one that moves it out is DELETED.
 */
export function watchEventType(
  type: StoredEvent['type'],
  before: boolean,
  after: boolean,
): WatchType | undefined {
  if (type === 'ADDED') return after ? 'ADDED' : undefined;
  if (type === 'DELETED') return after || before ? 'DELETED' : undefined;
  if (after && before) return 'MODIFIED';
  if (after) return 'ADDED';
  if (before) return 'DELETED';
  return undefined;
}

const badResourceVersion = (text: string): Record<string, unknown> => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: `invalid resource version: ${text}`,
  reason: 'BadRequest',
  code: 400,
});

/**
 * The watch's start: the current objects as ADDED (ending with the initial-events-end bookmark when asked for),
 * or the event log after the client's resourceVersion. False when the stream ended instead (an ERROR event for a
 * malformed or compacted resourceVersion).
 */
function start(
  core: Core,
  out: WatchOutput,
  request: WatchRequest,
  deliver: (e: StoredEvent) => void,
): boolean {
  const { resource, selection } = request;
  const rvText = request.resourceVersion;
  if (rvText === undefined || rvText === '' || rvText === '0' || request.sendInitialEvents === true) {
    const ns = resource.type.namespaced ? request.namespace : undefined;
    for (const object of core.store.scan(resource.key, ns, undefined))
      if (matches(selection, object)) out.send('ADDED', object);
    if (request.sendInitialEvents === true && request.allowBookmarks)
      out.bookmark({ 'k8s.io/initial-events-end': 'true' });
    return true;
  }
  const rv = Number(rvText);
  if (!Number.isInteger(rv) || rv < 0) {
    out.write('ERROR', badResourceVersion(rvText));
    out.finish();
    return false;
  }
  if (rv < core.store.compactedRevision()) {
    out.write(
      'ERROR',
      gone(`too old resource version: ${rv} (${core.store.compactedRevision() + 1})`).toStatus(),
    );
    out.finish();
    return false;
  }
  for (const event of core.store.eventsSince(rv, resource.key)) deliver(event);
  return true;
}

function scheduleBookmarks(out: WatchOutput, intervalMs: number): void {
  out.after(intervalMs, () => {
    if (out.finished) return;
    out.bookmark();
    scheduleBookmarks(out, intervalMs);
  });
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
  const out = new WatchOutput(core, res, {
    resource,
    transform: request.transform,
    maxBufferedBytes: settings.maxBufferedBytes,
  });
  const deliver = (event: StoredEvent): void => {
    const after = inScope(event.object);
    const before = event.type !== 'ADDED' && inScope(event.prev);
    const type = watchEventType(event.type, before, after);
    if (type) out.send(type, event.object, event.json);
  };
  if (!start(core, out, request, deliver)) return;
  out.follow(core.hub.subscribe(resource.key, deliver));
  if (request.allowBookmarks && settings.bookmarkIntervalMs > 0)
    scheduleBookmarks(out, settings.bookmarkIntervalMs);
  const timeout = Math.min(request.timeoutSeconds ?? settings.maxTimeoutSeconds, settings.maxTimeoutSeconds);
  out.after(timeout * 1000, () => out.finish());
}
