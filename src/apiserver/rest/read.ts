/**
 * Reads: get, and list with label/field selectors and `limit`/`continue` pagination in (namespace, name) order.
 * A continue token names the last returned position; later pages read the current state (no snapshot reads:
 * see ADR 0004), and the list's resourceVersion is the store's revision when the page was read.
 */
import type { KubeObject } from '../../api/types.ts';
import type { ServedResource } from '../resources/served.ts';
import { matches, parseFieldSelector, parseLabelSelector, type Selection } from '../selectors.ts';
import { badRequest, notFound } from '../status.ts';
import type { Core } from './core.ts';
import { qualifiedOf } from './write.ts';

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
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

interface Position {
  namespace: string;
  name: string;
}

function encodeContinue(position: Position, rv: number): string {
  return Buffer.from(JSON.stringify({ v: 'kovn/1', rv, ns: position.namespace, n: position.name })).toString(
    'base64url',
  );
}

function decodeContinue(token: string): Position {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      v?: string;
      ns?: string;
      n?: string;
    };
    if (parsed.v !== 'kovn/1' || typeof parsed.ns !== 'string' || typeof parsed.n !== 'string')
      throw new Error('bad token');
    return { namespace: parsed.ns, name: parsed.n };
  } catch (error) {
    throw badRequest(`continue key is not valid: ${error instanceof Error ? error.message : String(error)}`);
  }
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
  const token = query.get('continue');
  const after = token ? decodeContinue(token) : undefined;
  const ns = r.type.namespaced ? namespace : undefined;
  const rv = core.store.revision();
  const items: KubeObject[] = [];
  let more = false;
  for (const object of core.store.scan(r.key, ns, after)) {
    if (!matches(selection, object)) continue;
    if (limit > 0 && items.length === limit) {
      more = true;
      break;
    }
    items.push(object);
  }
  const result: ListResult = { items, resourceVersion: String(rv) };
  const last = items[items.length - 1];
  if (more && last)
    result.continue = encodeContinue(
      { namespace: last.metadata.namespace ?? '', name: last.metadata.name ?? '' },
      rv,
    );
  return result;
}
