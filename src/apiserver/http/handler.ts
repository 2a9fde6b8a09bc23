/**
 * The request entry point: authentication of the bearer token (auth/authenticator.ts: the admin's or a
 * ServiceAccount's; `/livez`, `/readyz`, `/healthz` and `/version` are public, as in kube-apiserver's
 * system:public-info-viewer; a single check, which says why it fails, is not), authorization of the request's
 * attributes (auth/attributes.ts, auth/authorizer.ts: 403 as kube-apiserver words it), then the route's handler:
 * the health endpoints (health.ts), the discovery and OpenAPI documents (documents.ts), TokenRequest and the
 * self-subject reviews (auth-endpoints.ts) or a resource endpoint (resources.ts); and the rule that every failure
 * leaves as a Status object and never as a crash, a failed store write as a 503 when the storage is at fault (full,
 * I/O error, read-only) and a 500 otherwise.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestAttributes } from '../auth/attributes.ts';
import { refusal } from '../auth/refusal.ts';
import type { UserInfo } from '../auth/user.ts';
import { ApiError, badRequest, internal, pathNotFound, unauthorized } from '../status.ts';
import { StoreError } from '../store/errors.ts';
import { authEndpoint, serveAuthEndpoint, type Auth } from './auth-endpoints.ts';
import { sendDocument, type Documents } from './documents.ts';
import { endpointHealth, singleCheckHealth, type HealthChecks } from './health.ts';
import { handleResource } from './resources.ts';
import { sendError, sendJson } from './respond.ts';
import { route, type Route } from './router.ts';
import type { ResourceContext } from './verbs/request.ts';

export interface HandlerOptions extends ResourceContext, Pick<Documents, 'serverAddress' | 'openapi'> {
  auth: Auth;
  version: Record<string, string>;
  health: HealthChecks;
}

/** The request's user, allowed to make it: 401 without a valid token, 403 when the authorizer refuses. */
function admit(options: HandlerOptions, req: IncomingMessage, rt: Route, url: URL): UserInfo {
  const user = options.auth.authenticator.authenticate(req.headers.authorization);
  if (!user) throw unauthorized();
  const attrs = requestAttributes(req.method ?? 'GET', rt, url);
  const decision = options.auth.authorizer.authorize(user, attrs);
  if (!decision.allowed) throw refusal(user, attrs, decision.reason);
  return user;
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

function serveHealth(
  options: HandlerOptions,
  req: IncomingMessage,
  res: ServerResponse,
  rt: Extract<Route, { kind: 'health' }>,
  url: URL,
): void {
  if (rt.check !== undefined) admit(options, req, rt, url);
  const checks = options.health[rt.endpoint];
  const answer =
    rt.check === undefined
      ? endpointHealth(rt.endpoint, checks, url.searchParams)
      : singleCheckHealth(checks, rt.check);
  if (answer.failures.length)
    options.core.log.warn({ endpoint: rt.endpoint, failures: answer.failures }, 'health check failed');
  sendText(res, answer.status, answer.text);
}

/** The Status a failure leaves as. A failed store write was rolled back: the message says so and names the cause. */
function statusOf(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof StoreError) {
    const what = `the write was not applied: ${error.message}`;
    if (error.storage)
      return new ApiError(503, 'ServiceUnavailable', `storage unavailable, ${what}`, {}, { cause: error });
    return internal(`storage write failed, ${what}`, error);
  }
  return internal(error instanceof Error ? error.message : String(error), error);
}

/** The URL and its route; a path that does not parse is a 400. */
function routeOf(req: IncomingMessage): { url: URL; rt: Route } {
  try {
    const url = new URL(req.url ?? '/', 'https://localhost');
    return { url, rt: route(url.pathname) };
  } catch (error) {
    throw badRequest(`malformed request path: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

async function serve(
  options: HandlerOptions,
  docs: Documents,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { url, rt } = routeOf(req);
  if (rt.kind === 'health') return serveHealth(options, req, res, rt, url);
  if (rt.kind === 'version') return sendJson(res, 200, options.version);
  const user = admit(options, req, rt, url);
  if (rt.kind === 'resource') {
    const endpoint = authEndpoint(rt);
    if (endpoint) return serveAuthEndpoint(options, options.auth, user, endpoint, req, res);
    return handleResource(options, req, res, rt, url);
  }
  if ((req.method ?? 'GET') !== 'GET') throw pathNotFound(url.pathname);
  return sendDocument(docs, rt, req, res, url);
}

export function createHandler(options: HandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { core } = options;
  const docs: Documents = {
    catalog: core.catalog,
    serverAddress: options.serverAddress,
    openapi: options.openapi,
  };
  return (req, res) => {
    const started = core.clock.now();
    res.on('finish', () => {
      core.log.debug(
        { method: req.method, url: req.url, status: res.statusCode, ms: core.clock.now() - started },
        'request',
      );
    });
    serve(options, docs, req, res).catch((error: unknown) => {
      const apiError = statusOf(error);
      if (apiError.code >= 500)
        core.log.error({ err: error, method: req.method, url: req.url }, 'request failed');
      if (!req.complete) req.resume();
      sendError(res, apiError);
    });
  };
}
