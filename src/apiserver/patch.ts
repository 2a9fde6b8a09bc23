/**
 * The three PATCH dialects: JSON merge patch (RFC 7386), JSON patch (RFC 6902, via fast-json-patch) and
 * strategic merge patch for built-in kinds (lists merged by their merge key - containers by name, ports by
 * containerPort, ...; `$patch: replace|delete`, `$deleteFromPrimitiveList/`, `$retainKeys`,
 * `$setElementOrder/` honoured). Custom resources have no patch strategies, so a strategic patch is a merge patch.
 */
import jsonPatch from 'fast-json-patch';
import { ApiError, badRequest } from './status.ts';

type Json = unknown;
type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * A member's value and its assignment, for any JSON key: plain `o[k]` reads an inherited value for `__proto__` or
 * `constructor`, and assigning `__proto__` sets the object's prototype instead of storing the member.
 */
const member = (o: JsonObject, k: string): Json => (Object.hasOwn(o, k) ? o[k] : undefined);
function setMember(o: JsonObject, k: string, v: Json): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** RFC 7386. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete result[k];
    else setMember(result, k, mergePatch(member(result, k), v));
  }
  return result;
}

/** RFC 6902; failures are 422 (as kube-apiserver answers a patch that does not apply) or 400 when malformed. */
export function applyJsonPatch(document: Json, operations: Json): Json {
  if (!Array.isArray(operations)) throw badRequest('json patch must be an array of operations');
  try {
    return jsonPatch.applyPatch(structuredClone(document), operations as jsonPatch.Operation[], true, true)
      .newDocument;
  } catch (error) {
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    if (
      error instanceof jsonPatch.JsonPatchError &&
      error.name.startsWith('OPERATION_') &&
      error.name !== 'OPERATION_PATH_UNRESOLVABLE'
    ) {
      throw badRequest(`invalid JSON patch: ${message}`, { cause: error });
    }
    throw new ApiError(
      422,
      'Invalid',
      `the server rejected our request due to an error in our request: ${message}`,
      {},
      { cause: error },
    );
  }
}

const directiveKeys = new Set(['$patch', '$retainKeys']);

function isDirectiveKey(k: string): boolean {
  return (
    directiveKeys.has(k) || k.startsWith('$setElementOrder/') || k.startsWith('$deleteFromPrimitiveList/')
  );
}

function stripDirectives(v: Json): Json {
  if (Array.isArray(v))
    return v
      .filter((i) => !(isObject(i) && i.$patch !== undefined && Object.keys(i).length === 1))
      .map(stripDirectives);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v))
    if (!isDirectiveKey(k) && x !== null) setMember(out, k, stripDirectives(x));
  return out;
}

export type MergeKeys = ReadonlyMap<string, string>;

function orderBy(list: Json[], order: Json[] | undefined, key: string): Json[] {
  if (!order) return list;
  const rank = (item: Json): number => {
    const i = order.findIndex((o) =>
      key === '' ? o === item : isObject(o) && isObject(item) && o[key] === item[key],
    );
    return i < 0 ? order.length : i;
  };
  return list
    .map((item, i) => ({ item, i }))
    .sort((a, b) => rank(a.item) - rank(b.item) || a.i - b.i)
    .map((x) => x.item);
}

function mergeList(
  original: Json,
  patch: Json[],
  path: string,
  keys: MergeKeys,
  order: Json[] | undefined,
): Json[] {
  const key = keys.get(path);
  if (key === undefined) return stripDirectives(patch) as Json[];
  const replace = patch.some((i) => isObject(i) && i.$patch === 'replace');
  const base: Json[] = replace || !Array.isArray(original) ? [] : [...(original as Json[])];
  if (key === '') {
    for (const item of patch)
      if (!(isObject(item) && item.$patch !== undefined) && !base.includes(item)) base.push(item);
    return orderBy(base, order, key);
  }
  for (const item of patch) {
    if (!isObject(item)) {
      base.push(item);
      continue;
    }
    if (item.$patch === 'replace') continue;
    const index = base.findIndex((o) => isObject(o) && o[key] === item[key]);
    if (item.$patch === 'delete') {
      if (index >= 0) base.splice(index, 1);
      continue;
    }
    if (index >= 0) base[index] = strategicMerge(base[index], item, path, keys);
    else base.push(strategicMerge({}, item, path, keys));
  }
  return orderBy(base, order, key);
}

/**
 * Applies a strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch) to `original`.
 * `path` is the dotted field path of the map being merged (list indices omitted).
 */
export function strategicMerge(original: Json, patch: Json, path: string, keys: MergeKeys): Json {
  if (!isObject(patch)) return patch;
  if (patch.$patch === 'replace') return stripDirectives(patch);
  if (patch.$patch === 'delete') return undefined;
  const result: JsonObject = isObject(original) ? { ...original } : {};
  const at = (k: string): string => (path ? `${path}.${k}` : k);
  for (const [k, v] of Object.entries(patch)) {
    if (isDirectiveKey(k)) {
      if (k.startsWith('$deleteFromPrimitiveList/')) {
        const field = k.slice('$deleteFromPrimitiveList/'.length);
        const current = member(result, field);
        if (Array.isArray(current) && Array.isArray(v)) {
          const kept = current.filter((x) => !v.includes(x));
          setMember(result, field, kept);
        }
      }
      continue;
    }
    if (v === null) {
      delete result[k];
    } else if (isObject(v)) {
      const merged = strategicMerge(member(result, k), v, at(k), keys);
      if (merged === undefined) delete result[k];
      else setMember(result, k, merged);
    } else if (Array.isArray(v)) {
      const order = member(patch, `$setElementOrder/${k}`);
      const list = mergeList(member(result, k), v, at(k), keys, Array.isArray(order) ? order : undefined);
      setMember(result, k, list);
    } else {
      setMember(result, k, v);
    }
  }
  const retain = patch.$retainKeys;
  if (Array.isArray(retain)) for (const k of Object.keys(result)) if (!retain.includes(k)) delete result[k];
  return result;
}

export const patchTypes = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;
