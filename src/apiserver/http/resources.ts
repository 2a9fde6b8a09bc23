/**
 * Resource endpoints: finds the served resource a path names, decides which subresources it has (status where
 * the kind declares it, binding on pods), negotiates the representation and hands the request to its verb:
 * get/list and watch (verbs/read.ts, verbs/watch.ts), create/update/patch and pods/binding (verbs/write.ts),
 * delete and deletecollection (verbs/delete.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServedResource } from '../resources/served.ts';
import { methodNotAllowed, pathNotFound } from '../status.ts';
import { negotiate } from './negotiate.ts';
import { serveDelete } from './verbs/delete.ts';
import { serveGet } from './verbs/read.ts';
import type { ResourceContext, ResourceRequest, ResourceRoute } from './verbs/request.ts';
import { serveWatchRequest } from './verbs/watch.ts';
import { serveBinding, serveCreate, servePatch, serveUpdate } from './verbs/write.ts';

/** The pod a `pods/NAME/binding` path names; undefined for every other path. */
function bindingTarget(
  r: ServedResource,
  rt: ResourceRoute,
): { namespace: string; name: string } | undefined {
  if (rt.subresource !== 'binding' || !r.builtin || r.type.kind !== 'Pod') return undefined;
  if (rt.name === undefined || rt.namespace === undefined) return undefined;
  return { namespace: rt.namespace, name: rt.name };
}

/** Only the status subresource is served (besides pods/binding), on a named object of a kind that has one. */
function servesSubresource(r: ServedResource, rt: ResourceRoute): boolean {
  return (
    rt.subresource === undefined ||
    (rt.subresource === 'status' && r.type.subresources.status && rt.name !== undefined)
  );
}

export async function handleResource(
  ctx: ResourceContext,
  req: IncomingMessage,
  res: ServerResponse,
  rt: ResourceRoute,
  url: URL,
): Promise<void> {
  const r = ctx.core.catalog.lookup(rt.group, rt.version, rt.plural);
  if (!r || (rt.namespace !== undefined && !r.type.namespaced)) throw pathNotFound(url.pathname);
  const pod = bindingTarget(r, rt);
  if (pod) return serveBinding(ctx, req, res, r, pod, url.searchParams);
  if (!servesSubresource(r, rt)) throw pathNotFound(url.pathname);
  const query = url.searchParams;
  const method = req.method ?? 'GET';
  const watch = rt.watchPath || query.get('watch') === 'true' || query.get('watch') === '1';
  const rr: ResourceRequest = {
    ctx,
    req,
    res,
    url,
    route: rt,
    resource: r,
    namespace: rt.namespace ?? '',
    query,
    rep: negotiate(req.headers.accept, method === 'GET'),
    now: ctx.core.clock.now(),
  };
  switch (method) {
    case 'GET':
      return watch ? serveWatchRequest(rr) : serveGet(rr);
    case 'POST':
      return serveCreate(rr);
    case 'PUT':
      return serveUpdate(rr);
    case 'PATCH':
      return servePatch(rr);
    case 'DELETE':
      return serveDelete(rr);
    default:
      throw methodNotAllowed(`the server does not allow the ${method} method on the requested resource`);
  }
}
