/**
 * Reads: get, and list with label/field selectors and `limit`/`continue` pagination in (namespace, name) order.
 * Paged lists are one snapshot, as kube-apiserver's: the first page fixes the revision, its continue token
 * (continue-token.ts) carries it, and later pages read the objects as they were at that revision from the store's
 * history (store/reads.ts); every page's resourceVersion is the snapshot's. A token whose revision was compacted
 * away is a 410 Expired (ADR 0004).
 */
import type { KubeObject } from '../../api/types.ts';
import type { ServedResource } from '../resources/served.ts';
import {
  isEverything,
  matches,
  parseFieldSelector,
  parseLabelSelector,
  type Selection,
} from '../selectors.ts';
import { badRequest, expiredContinue, notFound } from '../status.ts';
import type { Position } from '../store/reads.ts';
import type { Store } from '../store/store.ts';
import { decodeContinue, encodeContinue, latestRevision, type ContinueToken } from './continue-token.ts';
import type { Core } from './core.ts';
import { qualifiedOf } from './write.ts';

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  /** Objects after this page in the snapshot; set with `continue` when the list has no selectors. */
  remainingItemCount?: number;
}

export function selectionFrom(r: ServedResource, query: URLSearchParams): Selection {
  return {
    labels: parseLabelSelector(query.get('labelSelector')),
    fields: parseFieldSelector(query.get('fieldSelector'), [
      'metadata.name',
      'metadata.namespace',
      ...r.fieldSelectors,
    ]),
  };
}

export function getObject(core: Core, r: ServedResource, namespace: string, name: string): KubeObject {
  const object = core.get(r, namespace, name);
  if (!object) throw notFound(qualifiedOf(r), name);
  return object;
}

/** Where the next page starts: after the last item returned. */
function positionOf(object: KubeObject): Position {
  return { namespace: object.metadata.namespace ?? '', name: object.metadata.name ?? '' };
}

/**
 * The revision a page is read at: the token's snapshot (410 Expired once compacted away, offering the remainder at
 * the latest revision), or undefined for the latest, which is what a first page and a `latestRevision` token read.
 */
function pinnedRevision(store: Store, token: ContinueToken | undefined): number | undefined {
  if (!token || token.revision === latestRevision) return undefined;
  if (token.revision > store.revision())
    throw badRequest(`continue key is not valid: resourceVersion ${token.revision} is in the future`);
  if (token.revision < store.compactedRevision())
    throw expiredContinue(encodeContinue({ revision: latestRevision, after: token.after }));
  return token.revision;
}

export function listObjects(
  core: Core,
  r: ServedResource,
  namespace: string | undefined,
  query: URLSearchParams,
): ListResult {
  const selection = selectionFrom(r, query);
  const limitText = query.get('limit');
  const limit = limitText ? Number(limitText) : 0;
  if (!Number.isInteger(limit) || limit < 0)
    throw badRequest(`limit: Invalid value: "${limitText ?? ''}": must be a non-negative integer`);
  const continueText = query.get('continue');
  const token = continueText ? decodeContinue(continueText) : undefined;
  const ns = r.type.namespaced ? namespace : undefined;
  const { store } = core;
  const pinned = pinnedRevision(store, token);
  const revision = pinned ?? store.revision();
  const items: KubeObject[] = [];
  let more = false;
  for (const object of store.scan(r.key, ns, token?.after, pinned)) {
    if (!matches(selection, object)) continue;
    if (limit > 0 && items.length === limit) {
      more = true;
      break;
    }
    items.push(object);
  }
  const result: ListResult = { items, resourceVersion: String(revision) };
  const last = items[items.length - 1];
  if (more && last) {
    const after = positionOf(last);
    // As kube-apiserver: counted only without selectors (with them, the count would include non-matching objects).
    // Within a snapshot the count only shrinks by the pages read, so it is counted once and carried in the token.
    const remaining = !isEverything(selection)
      ? undefined
      : pinned !== undefined && token?.remaining !== undefined
        ? Math.max(0, token.remaining - items.length)
        : store.countAfter(r.key, ns, after, pinned);
    result.continue = encodeContinue({ revision, after, ...(remaining === undefined ? {} : { remaining }) });
    if (remaining !== undefined) result.remainingItemCount = remaining;
  }
  return result;
}
