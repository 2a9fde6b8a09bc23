/**
 * Column equality between a desired plain value and what the NB cache holds, with OVSDB's semantics: sets are
 * unordered, maps are compared by entries, and an absent optional column equals an empty set.
 */
import type { ColumnValue } from './model.ts';

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function sameSet(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  const left = a.map(String).sort();
  const right = b.map(String).sort();
  return left.every((v, i) => v === right[i]);
}

function sameMap(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.hasOwn(b, k) && String(a[k]) === String(b[k]));
}

/** Does the cached value `current` already hold `desired`? */
export function sameValue(desired: ColumnValue, current: unknown): boolean {
  if (Array.isArray(desired)) {
    if (current === undefined) return desired.length === 0;
    return sameSet(desired, Array.isArray(current) ? current : [current]);
  }
  if (isRecord(desired)) return sameMap(desired, isRecord(current) ? current : {});
  if (Array.isArray(current)) return current.length === 1 && current[0] === desired;
  return current === desired;
}

/** The desired columns whose value differs from the cached row's. */
export function changedColumns(
  desired: Readonly<Record<string, ColumnValue>>,
  current: Readonly<Record<string, unknown>>,
): Record<string, ColumnValue> {
  const out: Record<string, ColumnValue> = {};
  for (const [column, value] of Object.entries(desired)) {
    if (!sameValue(value, current[column])) out[column] = value;
  }
  return out;
}
