/**
 * DELETE on a resource path: delete of a named object, or deletecollection of everything a collection's label and
 * field selectors match (each object deleted as a single delete would be, the deleted objects returned as a list).
 * DeleteOptions come from the optional body and the query.
 */
import { deleteObject, deleteOptionsFrom, type DeleteOptions } from '../../rest/delete.ts';
import { guardOwnedWrite } from '../../rest/owned.ts';
import { listObjects } from '../../rest/read.ts';
import { decodeBody, readBody } from '../body.ts';
import { rendered, renderedList, reply, type ResourceRequest } from './request.ts';

async function deleteOptionsOf(rr: ResourceRequest): Promise<DeleteOptions> {
  const raw = await readBody(rr.req, rr.ctx.bodyLimit);
  const body = raw.length ? decodeBody(raw, rr.req.headers['content-type']) : {};
  return deleteOptionsFrom(body, rr.query);
}

function deleteCollection(rr: ResourceRequest, options: DeleteOptions): void {
  const { core } = rr.ctx;
  const r = rr.resource;
  guardOwnedWrite(core, r, { verb: 'deletecollection', name: '' });
  const list = listObjects(
    core,
    r,
    rr.route.namespace,
    new URLSearchParams({
      labelSelector: rr.query.get('labelSelector') ?? '',
      fieldSelector: rr.query.get('fieldSelector') ?? '',
    }),
  );
  const deleted = [];
  for (const item of list.items) {
    const object = core.get(r, item.metadata.namespace ?? '', item.metadata.name ?? '');
    if (!object) continue;
    deleted.push(
      deleteObject(core, r, item.metadata.namespace ?? '', item.metadata.name ?? '', options).object,
    );
  }
  return reply(rr, 200, renderedList(rr, { items: deleted, resourceVersion: String(core.store.revision()) }));
}

export async function serveDelete(rr: ResourceRequest): Promise<void> {
  const options = await deleteOptionsOf(rr);
  const { name } = rr.route;
  if (name === undefined) return deleteCollection(rr, options);
  const result = deleteObject(rr.ctx.core, rr.resource, rr.namespace, name, options);
  return reply(rr, result.status, rendered(rr, result.object));
}
