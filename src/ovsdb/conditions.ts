/**
 * Client-side evaluation of conditions (RFC 7047 §5.1 <condition>, semantics in §5.2.x "where") against plain
 * rows. Used only when the server lacks `monitor_cond` and the plain `monitor` (§4.1.5) must be filtered locally,
 * so that a caller's `where` means the same thing on every server.
 */
import { decodeValue, type ColumnTypes, type PlainRow } from './codec.ts';
import type { Condition } from './operations.ts';
import type { PlainAtom, PlainValue } from './values.ts';
import { isMapType, isSetType, type ColumnType } from './schema.ts';

type Coll = { kind: 'set'; items: PlainAtom[] } | { kind: 'map'; items: Record<string, PlainAtom> };

function asCollection(type: ColumnType | undefined, v: PlainValue | undefined): Coll {
  if (type && isMapType(type)) return { kind: 'map', items: (v ?? {}) as Record<string, PlainAtom> };
  if (v === undefined) return { kind: 'set', items: [] };
  if (Array.isArray(v)) return { kind: 'set', items: v };
  if (typeof v === 'object') return { kind: 'map', items: v };
  return { kind: 'set', items: [v] };
}

function subset(a: Coll, b: Coll): boolean {
  if (a.kind === 'map' && b.kind === 'map') {
    return Object.entries(a.items).every(([k, v]) => Object.hasOwn(b.items, k) && b.items[k] === v);
  }
  if (a.kind === 'set' && b.kind === 'set') return a.items.every((x) => b.items.includes(x));
  return false;
}

function disjoint(a: Coll, b: Coll): boolean {
  if (a.kind === 'map' && b.kind === 'map') {
    return Object.entries(a.items).every(([k, v]) => !(Object.hasOwn(b.items, k) && b.items[k] === v));
  }
  if (a.kind === 'set' && b.kind === 'set') return a.items.every((x) => !b.items.includes(x));
  return true;
}

function equal(a: Coll, b: Coll): boolean {
  return subset(a, b) && subset(b, a);
}

function compare(fn: '<' | '<=' | '>' | '>=', a: PlainValue | undefined, b: PlainValue | undefined): boolean {
  if (typeof a !== 'number' || typeof b !== 'number') return false;
  switch (fn) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    default:
      return a >= b;
  }
}

export function conditionHolds(types: ColumnTypes, row: PlainRow, [column, fn, wire]: Condition): boolean {
  const type = types.get(column);
  const actual = (row as Record<string, PlainValue | undefined>)[column];
  const wanted = decodeValue(type, wire);
  const a = asCollection(type, actual);
  const w = asCollection(type, wanted);
  switch (fn) {
    case '==':
      return equal(a, w);
    case '!=':
      return !equal(a, w);
    case 'includes':
      return subset(w, a);
    case 'excludes':
      return disjoint(w, a);
    default:
      return type !== undefined && !isSetType(type) && compare(fn, actual, wanted);
  }
}

/** True when every condition holds (an empty list matches every row, §5.2.2). */
export function matchesAll(types: ColumnTypes, row: PlainRow, conditions: readonly Condition[]): boolean {
  return conditions.every((c) => conditionHolds(types, row, c));
}
