/**
 * A request's authorization attributes, worked out once, as kube-apiserver's RequestInfoFactory does: for a resource
 * path the verb (POST create, GET/HEAD get, PUT update, PATCH patch, DELETE delete; on a collection GET is list, or
 * watch with `watch=true|1` or under `/watch/`, and DELETE is deletecollection), group, version, resource,
 * subresource, name (a list or watch whose fieldSelector pins metadata.name names that object) and namespace (a
 * Namespace's own name for `/api/v1/namespaces/NAME`); for every other path the lowercased method and the path.
 */
import type { Route } from '../http/router.ts';

export interface ResourceAttributes {
  resourceRequest: true;
  verb: string;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  name: string;
  /** '' at the cluster scope. */
  namespace: string;
}

export interface NonResourceAttributes {
  resourceRequest: false;
  verb: string;
  path: string;
}

export type Attributes = ResourceAttributes | NonResourceAttributes;

const methodVerbs: Record<string, string> = {
  POST: 'create',
  GET: 'get',
  HEAD: 'get',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/** The name a `metadata.name=X` (or `==X`) term of a field selector pins; '' when none does. */
function pinnedName(fieldSelector: string | null): string {
  for (const term of (fieldSelector ?? '').split(',')) {
    const m = /^\s*metadata\.name\s*==?\s*([^\s=!]+)\s*$/.exec(term);
    if (m?.[1]) return m[1];
  }
  return '';
}

function isWatch(query: URLSearchParams): boolean {
  const w = query.get('watch');
  return w === 'true' || w === '1';
}

function resourceVerb(
  method: string,
  rt: Extract<Route, { kind: 'resource' }>,
  query: URLSearchParams,
): string {
  const verb = methodVerbs[method] ?? method.toLowerCase();
  if (rt.watchPath) return 'watch';
  if (verb === 'get' && (rt.name === undefined || isWatch(query))) return isWatch(query) ? 'watch' : 'list';
  if (verb === 'delete' && rt.name === undefined) return 'deletecollection';
  return verb;
}

export function requestAttributes(method: string, rt: Route, url: URL): Attributes {
  const m = method.toUpperCase();
  if (rt.kind !== 'resource') return { resourceRequest: false, verb: m.toLowerCase(), path: url.pathname };
  const verb = resourceVerb(m, rt, url.searchParams);
  const listing = verb === 'list' || verb === 'watch';
  const name = rt.name ?? (listing ? pinnedName(url.searchParams.get('fieldSelector')) : '');
  const namespace = rt.namespace ?? (rt.group === '' && rt.plural === 'namespaces' && rt.name ? rt.name : '');
  return {
    resourceRequest: true,
    verb,
    group: rt.group,
    version: rt.version,
    resource: rt.plural,
    subresource: rt.subresource ?? '',
    name,
    namespace,
  };
}
