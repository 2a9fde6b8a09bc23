/**
 * Server-side table output (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`): each kind's printer
 * columns evaluated per object, Name first, `date` columns as kubectl's human-readable ages, and each row
 * carrying the object as PartialObjectMetadata (includeObject=Metadata, the default), whole, or not at all.
 */
import type { KubeObject } from '../api/types.ts';
import { jsonPath } from './jsonpath.ts';
import { humanAge } from './duration.ts';
import type { ServedColumn, ServedResource } from './resources/served.ts';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  now: number;
  includeObject: IncludeObject;
  /** `meta.k8s.io/v1` or `meta.k8s.io/v1beta1`, as the client asked. */
  apiVersion: string;
  listMeta: { resourceVersion: string; continue?: string; remainingItemCount?: number };
}

export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: Record<string, unknown>;
  columnDefinitions: Array<{
    name: string;
    type: string;
    format: string;
    description: string;
    priority: number;
  }>;
  rows: Array<{ cells: unknown[]; object?: unknown }>;
}

/** A CRD column's cell, as apiextensions' tableconvertor computes it. */
function jsonPathCell(column: ServedColumn, object: KubeObject, now: number): unknown {
  let results: unknown[];
  try {
    results = jsonPath(column.jsonPath, object);
  } catch {
    return null;
  }
  if (!results.length) return null;
  const value = results[0];
  if (value === undefined || value === null) return null;
  switch (column.type) {
    case 'string':
      return typeof value === 'string'
        ? value
        : typeof value === 'number' || typeof value === 'boolean'
          ? String(value)
          : JSON.stringify(value);
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date':
      return typeof value === 'string' ? humanAge(value, now) : null;
  }
  return null;
}

export function cell(column: ServedColumn, object: KubeObject, now: number): unknown {
  if (column.compute) return column.compute(object, now) ?? null;
  if (column.format === 'name' && column.jsonPath === '.metadata.name') return object.metadata.name ?? '';
  return jsonPathCell(column, object, now);
}

function rowObject(object: KubeObject, include: IncludeObject, metaApiVersion: string): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return object;
  return { kind: 'PartialObjectMetadata', apiVersion: metaApiVersion, metadata: object.metadata };
}

export function toTable(
  resource: ServedResource,
  objects: readonly KubeObject[],
  options: TableOptions,
): Table {
  const columns = resource.columns;
  const metaApiVersion = options.apiVersion;
  const metadata: Record<string, unknown> = { resourceVersion: options.listMeta.resourceVersion };
  if (options.listMeta.continue) metadata.continue = options.listMeta.continue;
  if (options.listMeta.remainingItemCount !== undefined)
    metadata.remainingItemCount = options.listMeta.remainingItemCount;
  return {
    kind: 'Table',
    apiVersion: metaApiVersion,
    metadata,
    columnDefinitions: columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.description ?? '',
      priority: c.priority ?? 0,
    })),
    rows: objects.map((object) => {
      const row: { cells: unknown[]; object?: unknown } = {
        cells: columns.map((c) => cell(c, object, options.now)),
      };
      const included = rowObject(object, options.includeObject, metaApiVersion);
      if (included !== undefined) row.object = included;
      return row;
    }),
  };
}
