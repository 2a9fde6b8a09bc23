/**
 * OVSDB wire values (RFC 7047 §5.1, "Notation"): atoms, `["uuid", u]`, `["named-uuid", n]`, `["set", [...]]`,
 * `["map", [[k, v], ...]]`, with constructors for building operations and schema-free conversions to plain JS
 * (uuids become strings, sets become arrays, maps become records). Schema-aware decoding, which knows that a
 * one-element set is a scalar, lives in `codec.ts`.
 */

export type UuidValue = readonly ['uuid', string];
export type NamedUuidValue = readonly ['named-uuid', string];
export type Atom = string | number | boolean | UuidValue | NamedUuidValue;
export type SetValue = readonly ['set', readonly Atom[]];
export type MapValue = readonly ['map', readonly (readonly [Atom, Atom])[]];
/** Any value a column can hold on the wire (§5.1 <value>). */
export type Value = Atom | SetValue | MapValue;
/** A row on the wire (§5.1 <row>): column name to value. */
export type WireRow = Record<string, Value>;

/** A plain-JS atom: uuids as their string form. */
export type PlainAtom = string | number | boolean;
export type PlainValue = PlainAtom | PlainAtom[] | Record<string, PlainAtom>;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Named-uuid identifiers (§5.2.1 "uuid-name"): `[_a-zA-Z][_a-zA-Z0-9]*`. */
const ID_RE = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

export function isUuidString(s: string): boolean {
  return UUID_RE.test(s);
}

export function isValidUuidName(s: string): boolean {
  return ID_RE.test(s);
}

export function uuid(u: string): UuidValue {
  if (!isUuidString(u)) throw new TypeError(`not a UUID: ${JSON.stringify(u)}`);
  return ['uuid', u];
}

export function namedUuid(name: string): NamedUuidValue {
  if (!isValidUuidName(name)) throw new TypeError(`not a valid uuid-name: ${JSON.stringify(name)}`);
  return ['named-uuid', name];
}

/** A UUID string becomes `["uuid", s]`; anything else is taken as a uuid-name of this transaction. */
export function ref(idOrName: string): UuidValue | NamedUuidValue {
  return isUuidString(idOrName) ? uuid(idOrName) : namedUuid(idOrName);
}

export function set(atoms: Iterable<Atom>): SetValue {
  return ['set', [...atoms]];
}

export function map(
  entries: Record<string, Atom> | Map<Atom, Atom> | Iterable<readonly [Atom, Atom]>,
): MapValue {
  const pairs: (readonly [Atom, Atom])[] =
    entries instanceof Map || Symbol.iterator in entries
      ? [...(entries as Iterable<readonly [Atom, Atom]>)]
      : Object.entries(entries);
  return ['map', pairs];
}

export function isUuidValue(v: unknown): v is UuidValue {
  return Array.isArray(v) && v.length === 2 && v[0] === 'uuid' && typeof v[1] === 'string';
}

export function isNamedUuidValue(v: unknown): v is NamedUuidValue {
  return Array.isArray(v) && v.length === 2 && v[0] === 'named-uuid' && typeof v[1] === 'string';
}

export function isAtom(v: unknown): v is Atom {
  return (
    typeof v === 'string' ||
    typeof v === 'number' ||
    typeof v === 'boolean' ||
    isUuidValue(v) ||
    isNamedUuidValue(v)
  );
}

export function isSetValue(v: unknown): v is SetValue {
  return Array.isArray(v) && v.length === 2 && v[0] === 'set' && Array.isArray(v[1]) && v[1].every(isAtom);
}

export function isMapValue(v: unknown): v is MapValue {
  return (
    Array.isArray(v) &&
    v.length === 2 &&
    v[0] === 'map' &&
    Array.isArray(v[1]) &&
    v[1].every((p) => Array.isArray(p) && p.length === 2 && isAtom(p[0]) && isAtom(p[1]))
  );
}

export function isValue(v: unknown): v is Value {
  return isAtom(v) || isSetValue(v) || isMapValue(v);
}

/** Atom to plain JS: uuids and named-uuids become their string. */
export function atomToPlain(a: Atom): PlainAtom {
  return typeof a === 'object' ? a[1] : a;
}

/** Set elements as an array (a bare atom is a one-element set, §5.1). */
export function setToArray(v: Value): PlainAtom[] {
  if (isSetValue(v)) return v[1].map(atomToPlain);
  if (isMapValue(v)) throw new TypeError('expected a set, got a map');
  return [atomToPlain(v)];
}

/** Sets an own property, also for a key such as `__proto__` that plain assignment would not store. */
export function setOwn<V>(record: Record<string, V>, key: string, value: V): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

export function mapToRecord(v: Value): Record<string, PlainAtom> {
  if (!isMapValue(v)) throw new TypeError(`expected a map, got ${JSON.stringify(v)}`);
  const out: Record<string, PlainAtom> = {};
  for (const [k, val] of v[1]) setOwn(out, String(atomToPlain(k)), atomToPlain(val));
  return out;
}

export function mapToMap(v: Value): Map<PlainAtom, PlainAtom> {
  if (!isMapValue(v)) throw new TypeError(`expected a map, got ${JSON.stringify(v)}`);
  return new Map(v[1].map(([k, val]) => [atomToPlain(k), atomToPlain(val)]));
}

/**
 * Schema-free conversion to plain JS: maps become records, sets become arrays (even with one element), atoms stay
 * atoms. Without the schema, a scalar column and a one-element set look alike on the wire; use `codec.ts` for rows.
 */
export function toPlain(v: Value): PlainValue {
  if (isMapValue(v)) return mapToRecord(v);
  if (isSetValue(v)) return v[1].map(atomToPlain);
  return atomToPlain(v);
}

/** Canonical string for comparing atoms (uuid and named-uuid never equal plain strings). */
export function atomKey(a: Atom): string {
  return typeof a === 'object' ? `${a[0]}:${a[1]}` : `${typeof a}:${String(a)}`;
}
