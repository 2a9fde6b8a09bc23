/**
 * Loads Kubernetes manifests the way kubectl reads them: files or directories (recursively, *.yaml, *.yml,
 * *.json, sorted), multi-document YAML, `kind: List` expanded. Every document keeps its file, index and line,
 * and any field path can be mapped back to its line, so errors point at the place to fix.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, isMap, isSeq, parseAllDocuments, type Document } from 'yaml';
import type { KubeObject } from '../api/types.ts';

export interface ManifestDocument {
  file: string;
  /** 0-based index of the document in its file. */
  index: number;
  line: number;
  object: KubeObject;
  /** Line of a field path such as `spec.staticRoutes[0].cidr` (the nearest existing parent's, else the document's). */
  lineOf(field: string): number;
}

export interface ManifestError {
  file: string;
  index: number;
  line: number;
  message: string;
}

export interface LoadResult {
  documents: ManifestDocument[];
  errors: ManifestError[];
}

const MANIFEST_FILE = /\.(ya?ml|json)$/;

export function listManifestFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((entry) => {
      const full = join(path, entry);
      return statSync(full).isDirectory() ? listManifestFiles(full) : MANIFEST_FILE.test(entry) ? [full] : [];
    });
}

/** `spec.routes[0].cidr` -> ['spec', 'routes', 0, 'cidr']; `metadata.annotations[a/b]` keeps the bracketed key. */
export function fieldPathKeys(field: string): (string | number)[] {
  const keys: (string | number)[] = [];
  for (const match of field.matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)) {
    if (match[1] !== undefined) keys.push(match[1]);
    else if (match[2] !== undefined) keys.push(/^\d+$/.test(match[2]) ? Number(match[2]) : match[2]);
  }
  return keys;
}

function lineFinder(doc: Document, counter: LineCounter, fallback: number) {
  return (field: string): number => {
    const keys = fieldPathKeys(field);
    for (let n = keys.length; n > 0; n--) {
      const node = doc.getIn(keys.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      const parent = n > 0 ? doc.getIn(keys.slice(0, n - 1), true) : undefined;
      // Prefer the key's own line for map entries (the value may start on the next line).
      if (isMap(parent)) {
        const pair = parent.items.find(
          (item) => (item.key as { value?: unknown } | null)?.value === keys[n - 1],
        );
        const keyNode = pair?.key as { range?: [number, number, number] } | undefined;
        if (keyNode?.range) return counter.linePos(keyNode.range[0]).line;
      }
      if (isSeq(parent) && node?.range) return counter.linePos(node.range[0]).line;
      if (node?.range) return counter.linePos(node.range[0]).line;
    }
    return fallback;
  };
}

export function parseManifestText(file: string, text: string): LoadResult {
  const counter = new LineCounter();
  const result: LoadResult = { documents: [], errors: [] };
  const docs = parseAllDocuments(text, { lineCounter: counter, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [];
  list.forEach((doc, index) => {
    const start = doc.contents?.range?.[0] ?? doc.range[0];
    const line = counter.linePos(start).line;
    if (doc.errors.length) {
      for (const error of doc.errors) {
        result.errors.push({
          file,
          index,
          line: error.linePos?.[0].line ?? line,
          message: error.message.split('\n')[0] ?? error.message,
        });
      }
      return;
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) return;
    const lineOf = lineFinder(doc, counter, line);
    const items = isListObject(value) ? value.items : [value];
    items.forEach((item, i) => {
      const problem = shapeProblem(item);
      const itemLine = isListObject(value) ? lineOf(`items[${i}]`) : line;
      if (problem) result.errors.push({ file, index, line: itemLine, message: problem });
      else {
        const prefix = isListObject(value) ? `items[${i}].` : '';
        result.documents.push({
          file,
          index,
          line: itemLine,
          object: item as KubeObject,
          lineOf: (f) => lineOf(prefix + f),
        });
      }
    });
  });
  return result;
}

function isListObject(value: unknown): value is { items: unknown[] } {
  const v = value as { kind?: unknown; items?: unknown } | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.kind === 'string' &&
    v.kind.endsWith('List') &&
    Array.isArray(v.items)
  );
}

function shapeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'a manifest must be a mapping (an object)';
  const obj = value as {
    apiVersion?: unknown;
    kind?: unknown;
    metadata?: { name?: unknown; generateName?: unknown };
  };
  if (typeof obj.apiVersion !== 'string' || !obj.apiVersion) return 'apiVersion: Required value';
  if (typeof obj.kind !== 'string' || !obj.kind) return 'kind: Required value';
  if (typeof obj.metadata !== 'object' || obj.metadata === null) return 'metadata: Required value';
  if (typeof obj.metadata.name !== 'string' && typeof obj.metadata.generateName !== 'string') {
    return 'metadata.name: Required value: name or generateName is required';
  }
  return undefined;
}

export function loadManifests(paths: readonly string[]): LoadResult {
  const result: LoadResult = { documents: [], errors: [] };
  for (const file of paths.flatMap(listManifestFiles)) {
    const parsed = parseManifestText(file, readFileSync(file, 'utf8'));
    result.documents.push(...parsed.documents);
    result.errors.push(...parsed.errors);
  }
  return result;
}
