/**
 * The non-resource GET endpoints, answered from documents built once at start: discovery (/api, /apis,
 * /apis/GROUP, each group-version's resource list) and OpenAPI (v2 as JSON or as the gnostic protobuf kubectl
 * asks for, the v3 index and its per group-version documents, immutable when fetched by their content hash).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiGroup, apiGroupList, apiResourceList, apiVersions } from '../discovery.ts';
import type { V2Cache } from '../openapi/v2.ts';
import type { V3Cache } from '../openapi/v3.ts';
import type { Catalog } from '../resources/catalog.ts';
import { pathNotFound } from '../status.ts';
import { sendJson } from './respond.ts';
import type { Route } from './router.ts';

export interface Documents {
  catalog: Catalog;
  serverAddress: () => string;
  openapi: { v2: V2Cache; v3: V3Cache };
}

export type DocumentRoute = Exclude<Route, { kind: 'resource' | 'health' | 'version' }>;

const protobufV2 = /application\/com\.github\.proto-openapi\.spec\.v2[@.]v1\.0\+protobuf/;

function sendOpenApiV2(v2: V2Cache, req: IncomingMessage, res: ServerResponse): void {
  if (protobufV2.test(req.headers.accept ?? '')) {
    res.writeHead(200, {
      'Content-Type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
      'Content-Length': String(v2.protobuf.length),
    });
    res.end(v2.protobuf);
    return;
  }
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(v2.json)),
  });
  res.end(v2.json);
}

function sendOpenApiV3(v3: V3Cache, path: string, res: ServerResponse, url: URL): void {
  const doc = v3.documents.get(path);
  if (!doc) throw pathNotFound(url.pathname);
  const immutable = url.searchParams.get('hash') === doc.hash;
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(doc.json)),
    'Cache-Control': immutable ? 'public, immutable' : 'no-cache, no-store, must-revalidate',
    Etag: `"${doc.hash}"`,
  });
  res.end(doc.json);
}

/** Answers a GET of a discovery or OpenAPI path (404 for a group, group-version or document not served). */
export function sendDocument(
  docs: Documents,
  rt: DocumentRoute,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): void {
  switch (rt.kind) {
    case 'api':
      return sendJson(res, 200, apiVersions(docs.serverAddress()));
    case 'apis':
      return sendJson(res, 200, apiGroupList(docs.catalog));
    case 'group': {
      const doc = apiGroup(docs.catalog, rt.group);
      if (!doc) throw pathNotFound(url.pathname);
      return sendJson(res, 200, doc);
    }
    case 'resources': {
      const doc = apiResourceList(docs.catalog, rt.group, rt.version);
      if (!doc) throw pathNotFound(url.pathname);
      return sendJson(res, 200, doc);
    }
    case 'openapi-v2':
      return sendOpenApiV2(docs.openapi.v2, req, res);
    case 'openapi-v3-index':
      return sendJson(res, 200, docs.openapi.v3.index);
    case 'openapi-v3':
      return sendOpenApiV3(docs.openapi.v3, rt.path, res, url);
    default:
      throw pathNotFound(url.pathname);
  }
}
