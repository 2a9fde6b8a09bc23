/**
 * A watch request (`?watch=true` or a `/watch/` path): its query parameters (selectors, a named path as a
 * metadata.name selector, resourceVersion, bookmarks, sendInitialEvents, timeoutSeconds) become a `WatchRequest`,
 * and each event's object is encoded as negotiated (a one-row Table, PartialObjectMetadata, or the object itself).
 */
import type { KubeObject } from '../../../api/types.ts';
import { selectionFrom } from '../../rest/read.ts';
import { toTable } from '../../table.ts';
import { serveWatch, type WatchRequest } from '../../watch/stream.ts';
import { includeObjectFrom } from '../respond.ts';
import type { ResourceRequest } from './request.ts';

/** How each event's object goes on the wire; undefined: the object itself. */
function encoderFor(rr: ResourceRequest): WatchRequest['transform'] {
  const { rep, query, resource } = rr;
  const { clock } = rr.ctx.core;
  if (rep.as === 'table')
    return (o: KubeObject) =>
      toTable(resource, [o], {
        now: clock.now(),
        includeObject: includeObjectFrom(query),
        apiVersion: rep.apiVersion,
        listMeta: { resourceVersion: o.metadata.resourceVersion ?? '' },
      });
  if (rep.as === 'metadata')
    return (o: KubeObject) => ({
      kind: 'PartialObjectMetadata',
      apiVersion: rep.apiVersion,
      metadata: o.metadata,
    });
  return undefined;
}

export function serveWatchRequest(rr: ResourceRequest): void {
  const { query, route } = rr;
  const selection = selectionFrom(rr.resource, query);
  if (route.name !== undefined)
    selection.fields = [...selection.fields, { field: 'metadata.name', op: '=', value: route.name }];
  const timeout = query.get('timeoutSeconds');
  const sendInitial = query.get('sendInitialEvents');
  serveWatch(
    rr.ctx.core,
    rr.res,
    {
      resource: rr.resource,
      namespace: route.namespace,
      selection,
      resourceVersion: query.get('resourceVersion') ?? undefined,
      allowBookmarks: query.get('allowWatchBookmarks') === 'true',
      sendInitialEvents: sendInitial === null ? undefined : sendInitial === 'true',
      timeoutSeconds: timeout ? Math.max(1, Number(timeout) || 1) : undefined,
      transform: encoderFor(rr),
    },
    rr.ctx.watch,
  );
}
