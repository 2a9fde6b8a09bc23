/**
 * Schema-aware conversion between wire rows and plain JS rows (RFC 7047 §5.1), and application of the
 * `monitor_cond` "modify" diffs (RFC 7047bis / ovsdb-server(7) "update2"). Plain rows: a scalar column is its
 * atom, an optional column (min 0, max 1) is its atom or absent, a set column is an array, a map column a record
 * with string keys; uuids are strings. Encoding takes plain (or already-wire) values and, for uuid columns, turns a
 * UUID string into `["uuid", s]` and any other string into `["named-uuid", s]`. Decoding what the server sent
 * either succeeds or throws `WireValueError` (a value of the wrong shape is the server's or the schema's fault).
 */
import {
  atomToPlain,
  isMapValue,
  isNamedUuidValue,
  isSetValue,
  isUuidValue,
  isValue,
  ref,
  setOwn,
  toPlain,
  type Atom,
  type PlainAtom,
  type PlainValue,
  type Value,
  type WireRow,
} from './values.ts';
import { isMapType, isOptionalType, isSetType, type BaseType, type ColumnType } from './schema.ts';

/** A decoded row: `_uuid` plus its columns as plain values. */
export interface Row {
  readonly _uuid: string;
}
export type PlainRow = Row & Record<string, PlainValue | undefined>;

export type ColumnTypes = ReadonlyMap<string, ColumnType>;

/**
 * A value from the server that is not an RFC 7047 §5.1 value, or does not fit its column's type (a map where a set
 * is declared, two atoms in a scalar column, a row that is not an object). A TypeError, as the codec's other
 * complaints about values are.
 */
export class WireValueError extends TypeError {
  constructor(message: string) {
    super(message);
    this.name = 'WireValueError';
  }
}

const shown = (v: unknown): string => JSON.stringify(v)?.slice(0, 200) ?? String(v);

function wireValue(v: unknown): Value {
  if (!isValue(v)) throw new WireValueError(`not an OVSDB value: ${shown(v)}`);
  return v;
}

function wireRow(wire: unknown): WireRow {
  if (wire === null || typeof wire !== 'object' || Array.isArray(wire))
    throw new WireValueError(`expected a row object, got ${shown(wire)}`);
  return wire as WireRow;
}

function elements(v: Value): readonly Atom[] {
  if (isSetValue(v)) return v[1];
  if (isMapValue(v)) throw new WireValueError('expected a set or atom, got a map');
  return [v];
}

/** Decodes one column value by its type; `undefined` means "no value" (an empty optional column). */
export function decodeValue(type: ColumnType | undefined, wire: Value): PlainValue | undefined {
  const v = wireValue(wire);
  if (type === undefined) return toPlain(v);
  if (isMapType(type)) {
    const out: Record<string, PlainAtom> = {};
    if (!isMapValue(v)) throw new WireValueError(`expected a map, got ${shown(v)}`);
    for (const [k, val] of v[1]) setOwn(out, String(atomToPlain(k)), atomToPlain(val));
    return out;
  }
  const atoms = elements(v).map(atomToPlain);
  if (isSetType(type)) return atoms;
  if (atoms.length > 1) throw new WireValueError(`expected at most one element, got ${shown(v)}`);
  return atoms[0];
}

export function decodeRow(types: ColumnTypes, uuid: string, wire: WireRow): PlainRow {
  wireRow(wire);
  const row: Record<string, PlainValue | undefined> = { _uuid: uuid };
  for (const column of Object.keys(wire)) {
    if (column === '_uuid') continue;
    const plain = decodeValue(types.get(column), wire[column]!);
    if (plain !== undefined) setOwn(row, column, plain);
  }
  return row as PlainRow;
}

function parseKey(base: BaseType, key: string): PlainAtom {
  switch (base.type) {
    case 'integer':
    case 'real':
      return Number(key);
    case 'boolean':
      return key === 'true';
    default:
      return key;
  }
}

function encodeAtom(base: BaseType, v: unknown): Atom {
  switch (base.type) {
    case 'uuid':
      if (isUuidValue(v) || isNamedUuidValue(v)) return v;
      if (typeof v === 'string') return ref(v);
      break;
    case 'integer':
      if (Number.isInteger(v)) return v as number;
      break;
    case 'real':
      if (typeof v === 'number') return v;
      break;
    case 'boolean':
      if (typeof v === 'boolean') return v;
      break;
    default:
      if (typeof v === 'string') return v;
  }
  throw new TypeError(`cannot encode ${JSON.stringify(v)} as ${base.type}`);
}

/** Encodes a plain (or already-wire) value for a column of the given type. `undefined`/`null` is the empty set. */
export function encodeValue(type: ColumnType, v: unknown): Value {
  if (isSetValue(v) || isMapValue(v)) return v;
  if (isMapType(type)) {
    const entries = v instanceof Map ? [...(v as Map<unknown, unknown>)] : Object.entries(v ?? {});
    return [
      'map',
      entries.map(([k, val]) => [
        encodeAtom(type.key, typeof k === 'string' ? parseKey(type.key, k) : k),
        encodeAtom(type.value, val),
      ]),
    ];
  }
  if (v === undefined || v === null) return ['set', []];
  if (Array.isArray(v) && !isUuidValue(v) && !isNamedUuidValue(v)) {
    return ['set', v.map((a) => encodeAtom(type.key, a))];
  }
  const atom = encodeAtom(type.key, v);
  return isSetType(type) || isOptionalType(type) ? ['set', [atom]] : atom;
}

/** Encodes a plain row for insert/update; columns unknown to the schema are rejected, `_uuid` is dropped. */
export function encodeRow(types: ColumnTypes, row: Record<string, unknown>): WireRow {
  const out: WireRow = {};
  for (const column of Object.keys(row)) {
    if (column === '_uuid' || column === '_version') continue;
    const type = types.get(column);
    if (type === undefined) throw new TypeError(`unknown column ${JSON.stringify(column)}`);
    out[column] = encodeValue(type, row[column]);
  }
  return out;
}

/**
 * Applies an update2 "modify" diff for one column to its old plain value: sets toggle each listed element,
 * maps delete a key listed with its current value and otherwise insert or replace it, scalars take the new value.
 */
export function applyColumnDiff(
  type: ColumnType | undefined,
  old: PlainValue | undefined,
  wire: Value,
): PlainValue | undefined {
  const diff = wireValue(wire);
  if (type === undefined) return toPlain(diff);
  if (isMapType(type)) {
    const next: Record<string, PlainAtom> = { ...((old ?? {}) as Record<string, PlainAtom>) };
    if (!isMapValue(diff)) throw new WireValueError(`expected a map diff, got ${shown(diff)}`);
    for (const [k, v] of diff[1]) {
      const key = String(atomToPlain(k));
      const value = atomToPlain(v);
      if (Object.hasOwn(next, key) && next[key] === value) delete next[key];
      else setOwn(next, key, value);
    }
    return next;
  }
  if (isSetType(type)) {
    const next = [...((old ?? []) as PlainAtom[])];
    for (const atom of elements(diff).map(atomToPlain)) {
      const at = next.indexOf(atom);
      if (at >= 0) next.splice(at, 1);
      else next.push(atom);
    }
    return next;
  }
  return decodeValue(type, diff);
}

export function applyRowDiff(types: ColumnTypes, old: PlainRow, diff: WireRow): PlainRow {
  wireRow(diff);
  const row: Record<string, PlainValue | undefined> = { ...old };
  for (const [column, value] of Object.entries(diff)) {
    const before = Object.hasOwn(old, column) ? old[column] : undefined;
    const next = applyColumnDiff(types.get(column), before, value);
    if (next === undefined) delete row[column];
    else setOwn(row, column, next);
  }
  return row as PlainRow;
}
