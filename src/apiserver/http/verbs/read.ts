/**
 * GET on a resource path: get (a named path) or list (a collection, with selectors and pagination), answered in
 * the representation the client negotiated. Watches, which are GETs too, are watch.ts's.
 */
import { getObject, listObjects } from '../../rest/read.ts';
import { rendered, renderedList, reply, type ResourceRequest } from './request.ts';

export function serveGet(rr: ResourceRequest): void {
  const { core } = rr.ctx;
  const { name } = rr.route;
  if (name !== undefined)
    return reply(rr, 200, rendered(rr, getObject(core, rr.resource, rr.namespace, name)));
  return reply(rr, 200, renderedList(rr, listObjects(core, rr.resource, rr.route.namespace, rr.query)));
}
