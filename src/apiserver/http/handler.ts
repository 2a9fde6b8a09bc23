/**
 * The request entry point: bearer-token authentication (health and version are public, as in
 * kube-apiserver's system:public-info-viewer), then the route's handler: the discovery and OpenAPI documents
 * (documents.ts) or a resource endpoint (resources.ts); and the rule that every failure leaves as a Status object
 * and never as a crash.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badRequest, internal, pathNotFound, unauthorized } from '../status.ts';
import { sendDocument, type Documents } from './documents.ts';
import { handleResource } from './resources.ts';
import { sendError, sendJson } from './respond.ts';
import { route, type Route } from './router.ts';
import type { ResourceContext } from './verbs/request.ts';

export interface HandlerOptions extends ResourceContext, Pick<Documents, 'serverAddress' | 'openapi'> {
  token: string;
  version: Record<string, string>;
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
    'Content-Length': String(Buffer.byteLength(text)),
  });
  res.end(text);
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
  if (rt.kind === 'health') return sendText(res, 200, 'ok');
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
      const apiError =
        error instanceof ApiError
          ? error
          : internal(error instanceof Error ? error.message : String(error), error);
      if (apiError.code >= 500)
        core.log.error({ err: error, method: req.method, url: req.url }, 'request failed');
      if (!req.complete) req.resume();
      sendError(res, apiError);
    });
  };
}
