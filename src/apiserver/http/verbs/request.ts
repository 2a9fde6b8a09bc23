/**
 * One request to a resource endpoint, parsed once for every verb's handler: the served resource, the route's
 * namespace and name, the query, the representation the client accepts and the request's time; plus what the
 * verbs share: the body, the dryRun and fieldValidation parameters, and the reply in the negotiated form.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../../../api/types.ts';
import type { FieldValidation } from '../../admission/admit.ts';
import type { Core } from '../../rest/core.ts';
import { isDryRun, type OptionsKind } from '../../rest/dry-run.ts';
import type { ListResult } from '../../rest/read.ts';
import type { ServedResource } from '../../resources/served.ts';
import { badRequest, methodNotAllowed, type ApiError } from '../../status.ts';
import type { WatchSettings } from '../../watch/stream.ts';
import { decodeBody, readBody } from '../body.ts';
import type { Representation } from '../negotiate.ts';
import { renderList, renderObject, sendJson } from '../respond.ts';
import type { Route } from '../router.ts';

/** What every resource endpoint runs against. */
export interface ResourceContext {
  core: Core;
  watch: WatchSettings;
  bodyLimit: number;
}

export type ResourceRoute = Extract<Route, { kind: 'resource' }>;

export interface ResourceRequest {
  ctx: ResourceContext;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  route: ResourceRoute;
  resource: ServedResource;
  /** The route's namespace; '' on a cluster-wide path. */
  namespace: string;
  query: URLSearchParams;
  rep: Representation;
  /** When the request was taken up (the time printed in Table age columns). */
  now: number;
}

/** 405 for a verb the path does not take (create on a named path, update or patch on a collection). */
export function notAllowed(): ApiError {
  return methodNotAllowed('the server does not allow this method on the requested resource');
}

export function fieldValidationFrom(query: URLSearchParams): FieldValidation {
  const v = query.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(
    `fieldValidation: Unsupported value: "${v}": supported values: "Ignore", "Strict", "Warn"`,
  );
}

/** The `dryRun` query parameter of a write whose options are `options` (rest/dry-run.ts). */
export function dryRunFrom(query: URLSearchParams, options: OptionsKind): boolean {
  return isDryRun(query.getAll('dryRun'), options);
}

/** The decoded request body (JSON, YAML or protobuf), within the body limit. */
export async function requestBody(ctx: ResourceContext, req: IncomingMessage): Promise<unknown> {
  return decodeBody(await readBody(req, ctx.bodyLimit), req.headers['content-type']);
}

/** Sends `object` with `status` and Warning headers, as YAML when the client asked for it. */
export function reply(
  rr: ResourceRequest,
  status: number,
  object: unknown,
  warnings: readonly string[] = [],
): void {
  sendJson(rr.res, status, object, warnings, rr.rep.as === 'object' && rr.rep.yaml);
}

/** An object in the negotiated representation (itself, a one-row Table, PartialObjectMetadata). */
export function rendered(rr: ResourceRequest, object: KubeObject): unknown {
  return renderObject(rr.resource, object, rr.rep, rr.now, rr.query);
}

/** A list in the negotiated representation. */
export function renderedList(rr: ResourceRequest, list: ListResult): unknown {
  return renderList(rr.resource, list, rr.rep, rr.now, rr.query);
}
