/**
 * The patch `apply` sends, computed as kubectl's three-way merge does from the last-applied configuration
 * (original), the new manifest (modified) and the live object (current): fields whose modified value differs from
 * the live one are set; fields present in the original but gone from the modified are deleted (null); everything
 * the user never applied (server defaults, status, other writers' fields) is left alone. An empty patch means
 * "unchanged".
 * - merge mode (custom resources, `application/merge-patch+json`): lists are replaced whole when they differ;
 * - strategic mode (built-in kinds): lists with a merge key are patched item by item, removed items sent as
 *   `{key, $patch: delete}`, with `$setElementOrder/<field>` giving the applied order. Pure.
 */

type Json = unknown;
type JsonObject = Record<string, unknown>;

export interface ThreeWayOptions {
  /** Merge keys by dotted path (strategic mode); absent: merge mode. */
  mergeKeys?: ReadonlyMap<string, string>;
}

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

export function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]))
    );
  }
  if (!isObject(a) || !isObject(b)) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
}

export function threeWayPatch(
  original: JsonObject | undefined,
  modified: JsonObject,
  current: JsonObject,
  options: ThreeWayOptions = {},
): JsonObject {
  return diffMaps(original, modified, current, '', options.mergeKeys);
}

const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);

function diffMaps(
  original: JsonObject | undefined,
  modified: JsonObject,
  current: JsonObject | undefined,
  path: string,
  mergeKeys: ReadonlyMap<string, string> | undefined,
): JsonObject {
  const patch: JsonObject = {};
  for (const [key, m] of Object.entries(modified)) {
    if (m === undefined) continue;
    const c = current?.[key];
    const o = original?.[key];
    const here = join(path, key);
    if (m === null) {
      if (o !== undefined && o !== null && c !== undefined && c !== null) patch[key] = null;
      continue;
    }
    if (isObject(m) && isObject(c)) {
      const sub = diffMaps(isObject(o) ? o : undefined, m, c, here, mergeKeys);
      if (Object.keys(sub).length) patch[key] = sub;
      continue;
    }
    const mergeKey = mergeKeys?.get(here);
    if (mergeKey && Array.isArray(m) && Array.isArray(c) && keyed(m, mergeKey) && keyed(c, mergeKey)) {
      const list = diffKeyedList(
        Array.isArray(o) && keyed(o, mergeKey) ? o : [],
        m,
        c,
        here,
        mergeKey,
        mergeKeys,
      );
      if (list.length) {
        patch[key] = list;
        patch[`$setElementOrder/${key}`] = m.map((item) => ({ [mergeKey]: item[mergeKey] }));
      }
      continue;
    }
    if (!deepEqual(m, c)) patch[key] = m;
  }
  for (const key of Object.keys(original ?? {})) {
    if (!(key in modified) && original?.[key] !== undefined && current?.[key] !== undefined)
      patch[key] = null;
  }
  return patch;
}

function keyed(list: unknown[], mergeKey: string): list is JsonObject[] {
  return list.every((item) => isObject(item) && item[mergeKey] !== undefined);
}

function diffKeyedList(
  original: JsonObject[],
  modified: JsonObject[],
  current: JsonObject[],
  path: string,
  mergeKey: string,
  mergeKeys: ReadonlyMap<string, string> | undefined,
): JsonObject[] {
  const find = (list: JsonObject[], value: unknown): JsonObject | undefined =>
    list.find((item) => deepEqual(item[mergeKey], value));
  const items: JsonObject[] = [];
  for (const m of modified) {
    const c = find(current, m[mergeKey]);
    if (!c) {
      items.push(m);
      continue;
    }
    const sub = diffMaps(find(original, m[mergeKey]), m, c, path, mergeKeys);
    if (Object.keys(sub).length) items.push({ [mergeKey]: m[mergeKey], ...sub });
  }
  for (const o of original) {
    if (!find(modified, o[mergeKey]) && find(current, o[mergeKey])) {
      items.push({ [mergeKey]: o[mergeKey], $patch: 'delete' });
    }
  }
  return items;
}
