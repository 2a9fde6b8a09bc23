/**
 * The request entry point: bearer-token authentication (health and version are public, as in
 * kube-apiserver's system:public-info-viewer), the non-resource endpoints (discovery, OpenAPI, version, health),
 * resource endpoints, and the rule that every failure leaves as a Status object and never as a crash.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiGroup, apiGroupList, apiResourceList, apiVersions } from '../discovery.ts';
import type { V2Cache } from '../openapi/v2.ts';
import type { V3Cache } from '../openapi/v3.ts';
import { ApiError, badRequest, internal, pathNotFound, unauthorized } from '../status.ts';
import { handleResource, type ResourceContext } from './resources.ts';
import { sendError, sendJson } from './respond.ts';
import { route } from './router.ts';

export interface HandlerOptions extends ResourceContext {
  token: string;
  serverAddress: () => string;
  openapi: { v2: V2Cache; v3: V3Cache };
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

const protobufV2 = /application\/com\.github\.proto-openapi\.spec\.v2[@.]v1\.0\+protobuf/;

export function createHandler(options: HandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { core } = options;
  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let url: URL;
    let rt: ReturnType<typeof route>;
    try {
      url = new URL(req.url ?? '/', 'https://localhost');
      rt = route(url.pathname);
    } catch (error) {
      throw badRequest(`malformed request path: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    if (rt.kind === 'health') return sendText(res, 200, 'ok');
    if (rt.kind === 'version') return sendJson(res, 200, options.version);
    if (!authenticated(req, options.token)) throw unauthorized();
    const method = req.method ?? 'GET';
    if (rt.kind !== 'resource' && method !== 'GET') throw pathNotFound(url.pathname);
    switch (rt.kind) {
      case 'api':
        return sendJson(res, 200, apiVersions(options.serverAddress()));
      case 'apis':
        return sendJson(res, 200, apiGroupList(core.catalog));
      case 'group': {
        const doc = apiGroup(core.catalog, rt.group);
        if (!doc) throw pathNotFound(url.pathname);
        return sendJson(res, 200, doc);
      }
      case 'resources': {
        const doc = apiResourceList(core.catalog, rt.group, rt.version);
        if (!doc) throw pathNotFound(url.pathname);
        return sendJson(res, 200, doc);
      }
      case 'openapi-v2':
        if (protobufV2.test(req.headers.accept ?? '')) {
          res.writeHead(200, {
            'Content-Type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
            'Content-Length': String(options.openapi.v2.protobuf.length),
          });
          res.end(options.openapi.v2.protobuf);
          return;
        }
        res.writeHead(200, {
          'Content-Type': 'application/json',
          'Content-Length': String(Buffer.byteLength(options.openapi.v2.json)),
        });
        res.end(options.openapi.v2.json);
        return;
      case 'openapi-v3-index':
        return sendJson(res, 200, options.openapi.v3.index);
      case 'openapi-v3': {
        const doc = options.openapi.v3.documents.get(rt.path);
        if (!doc) throw pathNotFound(url.pathname);
        const immutable = url.searchParams.get('hash') === doc.hash;
        res.writeHead(200, {
          'Content-Type': 'application/json',
          'Content-Length': String(Buffer.byteLength(doc.json)),
          'Cache-Control': immutable ? 'public, immutable' : 'no-cache, no-store, must-revalidate',
          Etag: `"${doc.hash}"`,
        });
        res.end(doc.json);
        return;
      }
      case 'resource':
        return handleResource(options, req, res, rt, url);
      default:
        throw pathNotFound(url.pathname);
    }
  };
  return (req, res) => {
    const started = core.clock.now();
    res.on('finish', () => {
      core.log.debug(
        { method: req.method, url: req.url, status: res.statusCode, ms: core.clock.now() - started },
        'request',
      );
    });
    serve(req, res).catch((error: unknown) => {
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
