/**
 * The writes that take a body: POST (create on a collection), PUT (update of a named object or its status),
 * PATCH (in the patch types the server accepts, with fieldManager and force), and POST on `pods/NAME/binding`
 * (which binds a pod to a node and answers with a Status). Each reads the body before its query parameters, so a
 * body over the limit is refused first.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bindPod } from '../../rest/binding.ts';
import { acceptedPatchTypes, patchObject } from '../../rest/patch.ts';
import type { OptionsKind } from '../../rest/dry-run.ts';
import { create, update, type UpdateOptions } from '../../rest/write.ts';
import type { ServedResource } from '../../resources/served.ts';
import { pathNotFound, unsupportedMediaType } from '../../status.ts';
import { mediaType } from '../body.ts';
import { sendJson } from '../respond.ts';
import {
  dryRunFrom,
  fieldValidationFrom,
  notAllowed,
  rendered,
  reply,
  requestBody,
  type ResourceContext,
  type ResourceRequest,
} from './request.ts';

function writeOptions(rr: ResourceRequest, options: OptionsKind): UpdateOptions {
  return {
    fieldValidation: fieldValidationFrom(rr.query),
    dryRun: dryRunFrom(rr.query, options),
    subresource: rr.route.subresource === 'status' ? 'status' : undefined,
  };
}

export async function serveCreate(rr: ResourceRequest): Promise<void> {
  const { route, resource } = rr;
  if (route.name !== undefined) throw notAllowed();
  if (resource.type.namespaced && route.namespace === undefined) throw pathNotFound(rr.url.pathname);
  const body = await requestBody(rr.ctx, rr.req);
  const result = create(rr.ctx.core, resource, rr.namespace, body, writeOptions(rr, 'CreateOptions'));
  return reply(rr, result.status, rendered(rr, result.object), result.warnings);
}

export async function serveUpdate(rr: ResourceRequest): Promise<void> {
  const { name } = rr.route;
  if (name === undefined) throw notAllowed();
  const body = await requestBody(rr.ctx, rr.req);
  const result = update(
    rr.ctx.core,
    rr.resource,
    rr.namespace,
    name,
    body,
    writeOptions(rr, 'UpdateOptions'),
  );
  return reply(rr, result.status, rendered(rr, result.object), result.warnings);
}

export async function servePatch(rr: ResourceRequest): Promise<void> {
  const { name } = rr.route;
  if (name === undefined) throw notAllowed();
  const type = mediaType(rr.req.headers['content-type']);
  if (!(acceptedPatchTypes as readonly string[]).includes(type))
    throw unsupportedMediaType(type, acceptedPatchTypes);
  const patch = await requestBody(rr.ctx, rr.req);
  const result = patchObject(rr.ctx.core, rr.resource, rr.namespace, name, type, patch, {
    ...writeOptions(rr, 'PatchOptions'),
    verb: 'patch',
    fieldManager: rr.query.get('fieldManager') ?? undefined,
    force: rr.query.get('force') === 'true',
  });
  return reply(rr, result.status, rendered(rr, result.object), result.warnings);
}

/** POST `pods/NAME/binding`: answered before negotiation, always as JSON. */
export async function serveBinding(
  ctx: ResourceContext,
  req: IncomingMessage,
  res: ServerResponse,
  pods: ServedResource,
  pod: { namespace: string; name: string },
  query: URLSearchParams,
): Promise<void> {
  if (req.method !== 'POST') throw notAllowed();
  const body = await requestBody(ctx, req);
  const result = bindPod(ctx.core, pods, pod.namespace, pod.name, body, {
    dryRun: dryRunFrom(query, 'CreateOptions'),
  });
  return sendJson(res, result.status, result.object, [], false);
}
