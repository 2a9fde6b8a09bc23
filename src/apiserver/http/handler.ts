/**
 * The request entry point: bearer-token authentication (`/livez`, `/readyz`, `/healthz` and `/version` are public,
 * as in kube-apiserver's system:public-info-viewer; a single check, which says why it fails, is not), then the
 * route's handler: the health endpoints (health.ts), the discovery and OpenAPI documents (documents.ts) or a
 * resource endpoint (resources.ts); and the rule that every failure leaves as a Status object and never as a crash,
 * a failed store write as a 503 when the storage is at fault (full, I/O error, read-only) and a 500 otherwise.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badRequest, internal, pathNotFound, unauthorized } from '../status.ts';
import { StoreError } from '../store/errors.ts';
import { sendDocument, type Documents } from './documents.ts';
import { endpointHealth, singleCheckHealth, type HealthChecks } from './health.ts';
import { handleResource } from './resources.ts';
import { sendError, sendJson } from './respond.ts';
import { route, type Route } from './router.ts';
import type { ResourceContext } from './verbs/request.ts';

export interface HandlerOptions extends ResourceContext, Pick<Documents, 'serverAddress' | 'openapi'> {
  token: string;
  version: Record<string, string>;
  health: HealthChecks;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function authenticated(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m !== null && timingSafeEqual(digest(m[1] ?? ''), digest(token));
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
  if (rt.check !== undefined && !authenticated(req, options.token)) throw unauthorized();
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
  if (!authenticated(req, options.token)) throw unauthorized();
  if (rt.kind === 'resource') return handleResource(options, req, res, rt, url);
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
