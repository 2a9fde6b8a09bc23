/**
 * Writing responses: JSON (or YAML) bodies with the right status code, Warning headers, Status objects for
 * errors, and the three representations of objects and lists (plain, Table, PartialObjectMetadata).
 */
import type { ServerResponse } from 'node:http';
import { stringify as toYaml } from 'yaml';
import type { KubeObject } from '../../api/types.ts';
import type { ListResult } from '../rest/read.ts';
import { apiVersionOf, type ServedResource } from '../resources/served.ts';
import type { ApiError } from '../status.ts';
import { toTable, type IncludeObject } from '../table.ts';
import type { Representation } from './negotiate.ts';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  warnings: readonly string[] = [],
  yaml = false,
): void {
  const text = yaml ? toYaml(body) : JSON.stringify(body);
  const headers: Record<string, string | string[]> = {
    'Content-Type': yaml ? 'application/yaml' : 'application/json',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-cache, private',
  };
  if (warnings.length) headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  res.writeHead(status, headers);
  res.end(text);
}

export function sendError(res: ServerResponse, error: ApiError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, error.code, error.toStatus(), error.warnings);
}

export function includeObjectFrom(query: URLSearchParams): IncludeObject {
  const v = query.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function partial(object: KubeObject, apiVersion: string): Record<string, unknown> {
  return { kind: 'PartialObjectMetadata', apiVersion, metadata: object.metadata };
}

export function renderObject(
  r: ServedResource,
  object: KubeObject,
  rep: Representation,
  now: number,
  query: URLSearchParams,
): unknown {
  if (rep.as === 'table') {
    return toTable(r, [object], {
      now,
      includeObject: includeObjectFrom(query),
      apiVersion: rep.apiVersion,
      listMeta: { resourceVersion: object.metadata.resourceVersion ?? '' },
    });
  }
  if (rep.as === 'metadata') return partial(object, rep.apiVersion);
  return object;
}

export function renderList(
  r: ServedResource,
  list: ListResult,
  rep: Representation,
  now: number,
  query: URLSearchParams,
): unknown {
  const listMeta: { resourceVersion: string; continue?: string; remainingItemCount?: number } = {
    resourceVersion: list.resourceVersion,
  };
  if (list.continue) listMeta.continue = list.continue;
  if (list.remainingItemCount !== undefined) listMeta.remainingItemCount = list.remainingItemCount;
  if (rep.as === 'table')
    return toTable(r, list.items, {
      now,
      includeObject: includeObjectFrom(query),
      apiVersion: rep.apiVersion,
      listMeta,
    });
  if (rep.as === 'metadata') {
    return {
      kind: 'PartialObjectMetadataList',
      apiVersion: rep.apiVersion,
      metadata: listMeta,
      items: list.items.map((o) => partial(o, rep.apiVersion)),
    };
  }
  return { kind: r.type.listKind, apiVersion: apiVersionOf(r.type), metadata: listMeta, items: list.items };
}
