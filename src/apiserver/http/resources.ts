/**
 * Resource endpoints: maps (method, path, query) onto get/list/watch/create/update/patch/delete/
 * deletecollection for one served resource, including the status subresource, dryRun, fieldValidation and
 * the object representations the client asked for.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FieldValidation } from '../admission/admit.ts';
import type { Core } from '../rest/core.ts';
import { bindPod } from '../rest/binding.ts';
import { deleteObject, deleteOptionsFrom } from '../rest/delete.ts';
import { acceptedPatchTypes, patchObject } from '../rest/patch.ts';
import { getObject, listObjects, selectionFrom } from '../rest/read.ts';
import { create, update } from '../rest/write.ts';
import type { ServedResource } from '../resources/served.ts';
import { badRequest, methodNotAllowed, pathNotFound, unsupportedMediaType } from '../status.ts';
import { toTable } from '../table.ts';
import { serveWatch, type WatchSettings } from '../watch/stream.ts';
import { decodeBody, mediaType, readBody } from './body.ts';
import { negotiate } from './negotiate.ts';
import { includeObjectFrom, renderList, renderObject, sendJson } from './respond.ts';
import type { Route } from './router.ts';

export interface ResourceContext {
  core: Core;
  watch: WatchSettings;
  bodyLimit: number;
}

type ResourceRoute = Extract<Route, { kind: 'resource' }>;

function fieldValidationFrom(query: URLSearchParams): FieldValidation {
  const v = query.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(
    `fieldValidation: Unsupported value: "${v}": supported values: "Ignore", "Strict", "Warn"`,
  );
}

function dryRunFrom(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  for (const v of values)
    if (v !== 'All') throw badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  return values.length > 0;
}

async function body(ctx: ResourceContext, req: IncomingMessage): Promise<unknown> {
  return decodeBody(await readBody(req, ctx.bodyLimit), req.headers['content-type']);
}

export async function handleResource(
  ctx: ResourceContext,
  req: IncomingMessage,
  res: ServerResponse,
  rt: ResourceRoute,
  url: URL,
): Promise<void> {
  const { core } = ctx;
  const r: ServedResource | undefined = core.catalog.lookup(rt.group, rt.version, rt.plural);
  if (!r || (rt.namespace !== undefined && !r.type.namespaced)) throw pathNotFound(url.pathname);
  if (
    rt.subresource === 'binding' &&
    r.builtin &&
    r.type.kind === 'Pod' &&
    rt.name !== undefined &&
    rt.namespace !== undefined
  ) {
    if (req.method !== 'POST')
      throw methodNotAllowed('the server does not allow this method on the requested resource');
    const result = bindPod(core, r, rt.namespace, rt.name, await body(ctx, req), {
      dryRun: dryRunFrom(url.searchParams),
    });
    return sendJson(res, result.status, result.object, [], false);
  }
  if (
    rt.subresource !== undefined &&
    (rt.subresource !== 'status' || !r.type.subresources.status || rt.name === undefined)
  ) {
    throw pathNotFound(url.pathname);
  }
  const subresource = rt.subresource === 'status' ? 'status' : undefined;
  const query = url.searchParams;
  const namespace = rt.namespace ?? '';
  const method = req.method ?? 'GET';
  const watch = rt.watchPath || query.get('watch') === 'true' || query.get('watch') === '1';
  const rep = negotiate(req.headers.accept, method === 'GET');
  const now = core.clock.now();
  const reply = (status: number, object: unknown, warnings: readonly string[] = []): void =>
    sendJson(res, status, object, warnings, rep.as === 'object' && rep.yaml);

  if (method === 'GET' && watch) {
    const selection = selectionFrom(r, query);
    if (rt.name !== undefined)
      selection.fields = [...selection.fields, { field: 'metadata.name', op: '=', value: rt.name }];
    const timeout = query.get('timeoutSeconds');
    const sendInitial = query.get('sendInitialEvents');
    serveWatch(
      core,
      res,
      {
        resource: r,
        namespace: rt.namespace,
        selection,
        resourceVersion: query.get('resourceVersion') ?? undefined,
        allowBookmarks: query.get('allowWatchBookmarks') === 'true',
        sendInitialEvents: sendInitial === null ? undefined : sendInitial === 'true',
        timeoutSeconds: timeout ? Math.max(1, Number(timeout) || 1) : undefined,
        transform:
          rep.as === 'table'
            ? (o) =>
                toTable(r, [o], {
                  now: core.clock.now(),
                  includeObject: includeObjectFrom(query),
                  apiVersion: rep.apiVersion,
                  listMeta: { resourceVersion: o.metadata.resourceVersion ?? '' },
                })
            : rep.as === 'metadata'
              ? (o) => ({ kind: 'PartialObjectMetadata', apiVersion: rep.apiVersion, metadata: o.metadata })
              : undefined,
      },
      ctx.watch,
    );
    return;
  }
  const writeOptions = (): {
    fieldValidation: FieldValidation;
    dryRun: boolean;
    subresource: 'status' | undefined;
  } => ({
    fieldValidation: fieldValidationFrom(query),
    dryRun: dryRunFrom(query),
    subresource,
  });
  switch (method) {
    case 'GET':
      if (rt.name !== undefined)
        return reply(200, renderObject(r, getObject(core, r, namespace, rt.name), rep, now, query));
      return reply(200, renderList(r, listObjects(core, r, rt.namespace, query), rep, now, query));
    case 'POST': {
      if (rt.name !== undefined)
        throw methodNotAllowed('the server does not allow this method on the requested resource');
      if (r.type.namespaced && rt.namespace === undefined) throw pathNotFound(url.pathname);
      const result = create(core, r, namespace, await body(ctx, req), writeOptions());
      return reply(result.status, renderObject(r, result.object, rep, now, query), result.warnings);
    }
    case 'PUT': {
      if (rt.name === undefined)
        throw methodNotAllowed('the server does not allow this method on the requested resource');
      const result = update(core, r, namespace, rt.name, await body(ctx, req), writeOptions());
      return reply(result.status, renderObject(r, result.object, rep, now, query), result.warnings);
    }
    case 'PATCH': {
      if (rt.name === undefined)
        throw methodNotAllowed('the server does not allow this method on the requested resource');
      const type = mediaType(req.headers['content-type']);
      if (!(acceptedPatchTypes as readonly string[]).includes(type))
        throw unsupportedMediaType(type, acceptedPatchTypes);
      const patch = await body(ctx, req);
      const result = patchObject(core, r, namespace, rt.name, type, patch, {
        ...writeOptions(),
        fieldManager: query.get('fieldManager') ?? undefined,
        force: query.get('force') === 'true',
      });
      return reply(result.status, renderObject(r, result.object, rep, now, query), result.warnings);
    }
    case 'DELETE': {
      const raw = await readBody(req, ctx.bodyLimit);
      const options = deleteOptionsFrom(
        raw.length ? decodeBody(raw, req.headers['content-type']) : {},
        query,
        dryRunFrom(query),
      );
      if (rt.name !== undefined) {
        const result = deleteObject(core, r, namespace, rt.name, options);
        return reply(result.status, renderObject(r, result.object, rep, now, query));
      }
      const list = listObjects(
        core,
        r,
        rt.namespace,
        new URLSearchParams({
          labelSelector: query.get('labelSelector') ?? '',
          fieldSelector: query.get('fieldSelector') ?? '',
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
      return reply(
        200,
        renderList(r, { items: deleted, resourceVersion: String(core.store.revision()) }, rep, now, query),
      );
    }
    default:
      throw methodNotAllowed(`the server does not allow the ${method} method on the requested resource`);
  }
}
