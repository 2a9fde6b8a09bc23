/**
 * Database schema model (RFC 7047 §3.2, "Schema Format"): the JSON that `get_schema` returns and that
 * `*.ovsschema` files hold, plus normalisation of a column's <type> into one shape (key, optional value, min, max)
 * that the codec and the type generator share.
 */

export type AtomicType = 'integer' | 'real' | 'boolean' | 'string' | 'uuid';

/** §3.2 <base-type>, normalised. */
export interface BaseType {
  type: AtomicType;
  enum?: readonly (string | number | boolean)[];
  minInteger?: number;
  maxInteger?: number;
  minReal?: number;
  maxReal?: number;
  minLength?: number;
  maxLength?: number;
  refTable?: string;
  refType?: 'strong' | 'weak';
}

/** §3.2 <type>, normalised: `max` is a number or Infinity for "unlimited". */
export interface ColumnType {
  key: BaseType;
  value?: BaseType;
  min: number;
  max: number;
}

/** The raw JSON forms as found in a schema file. */
export type RawBaseType = AtomicType | (Omit<BaseType, 'enum'> & { enum?: unknown });
export type RawColumnType =
  AtomicType | { key: RawBaseType; value?: RawBaseType; min?: number; max?: number | 'unlimited' };

export interface ColumnSchema {
  type: RawColumnType;
  ephemeral?: boolean;
  mutable?: boolean;
}

export interface TableSchema {
  columns: Record<string, ColumnSchema>;
  maxRows?: number;
  isRoot?: boolean;
  indexes?: string[][];
}

export interface DatabaseSchema {
  name: string;
  version: string;
  cksum?: string;
  tables: Record<string, TableSchema>;
}

const ATOMIC: readonly string[] = ['integer', 'real', 'boolean', 'string', 'uuid'];

function isAtomicType(s: unknown): s is AtomicType {
  return typeof s === 'string' && ATOMIC.includes(s);
}

/** §3.2: an enum is an atom or `["set", [...]]` of atoms. */
function enumValues(raw: unknown): (string | number | boolean)[] | undefined {
  if (raw === undefined) return undefined;
  if (Array.isArray(raw) && raw[0] === 'set' && Array.isArray(raw[1]))
    return raw[1] as (string | number | boolean)[];
  return [raw as string | number | boolean];
}

export function normalizeBaseType(raw: RawBaseType): BaseType {
  if (isAtomicType(raw)) return { type: raw };
  if (!isAtomicType(raw.type)) throw new TypeError(`unknown atomic type ${JSON.stringify(raw.type)}`);
  const { enum: rawEnum, ...rest } = raw;
  const values = enumValues(rawEnum);
  return values === undefined ? { ...rest } : { ...rest, enum: values };
}

export function normalizeColumnType(raw: RawColumnType): ColumnType {
  if (isAtomicType(raw)) return { key: { type: raw }, min: 1, max: 1 };
  const max = raw.max === undefined ? 1 : raw.max === 'unlimited' ? Infinity : raw.max;
  const key = normalizeBaseType(raw.key);
  const base = { key, min: raw.min ?? 1, max };
  return raw.value === undefined ? base : { ...base, value: normalizeBaseType(raw.value) };
}

export function isMapType(t: ColumnType): t is ColumnType & { value: BaseType } {
  return t.value !== undefined;
}

/** A set that can hold more than one element (RFC 7047 §3.2: max > 1). */
export function isSetType(t: ColumnType): boolean {
  return t.value === undefined && t.max > 1;
}

/** Exactly one atom. */
export function isScalarType(t: ColumnType): boolean {
  return t.value === undefined && t.min === 1 && t.max === 1;
}

/** Zero or one atom (min 0, max 1). */
export function isOptionalType(t: ColumnType): boolean {
  return t.value === undefined && t.min === 0 && t.max === 1;
}

/** Column types of a table, including the implicit `_uuid` and `_version` (§3.2 "Table Schema"). */
export function columnTypes(table: TableSchema): Map<string, ColumnType> {
  const out = new Map<string, ColumnType>([
    ['_uuid', { key: { type: 'uuid' }, min: 1, max: 1 }],
    ['_version', { key: { type: 'uuid' }, min: 1, max: 1 }],
  ]);
  for (const [name, column] of Object.entries(table.columns)) out.set(name, normalizeColumnType(column.type));
  return out;
}

/** Checks the minimum shape of a schema received from the wire. */
export function asDatabaseSchema(json: unknown): DatabaseSchema {
  const s = json as Partial<DatabaseSchema> | null;
  if (!s || typeof s.name !== 'string' || typeof s.tables !== 'object') {
    throw new TypeError('not an OVSDB database schema');
  }
  return s as DatabaseSchema;
}
