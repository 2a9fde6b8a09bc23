/**
 * The in-memory replica that monitor updates feed: one `TableCache` per table holding immutable plain rows by
 * UUID, with secondary indexes maintained on every change. An index is named by a column (`name`), by a key of a
 * map column (`external_ids:kovn.io/vpc`) or defined with a key function; a set column indexes each element.
 * Indexes are built on first use and kept up to date afterwards. `DatabaseCache` emits one `change` event per row
 * change (insert/update/delete, with old and new rows); wholesale replacement after a resync emits no per-row
 * events, the client's `resync` event covers it.
 */
import { EventEmitter } from 'node:events';
import type { Row } from './codec.ts';

export type RowChange<R extends Row = Row> =
  | { kind: 'insert'; table: string; uuid: string; new: R }
  | { kind: 'update'; table: string; uuid: string; old: R; new: R }
  | { kind: 'delete'; table: string; uuid: string; old: R };

/** The keys a row is indexed under (none: `undefined` or `[]`). */
export type IndexKeyFn<R> = (
  row: R,
) => string | number | boolean | readonly (string | number | boolean)[] | undefined;

function columnKeyFn<R extends Row>(spec: string): IndexKeyFn<R> {
  const colon = spec.indexOf(':');
  if (colon < 0) {
    return (row) => {
      const v = (row as Record<string, unknown>)[spec];
      return Array.isArray(v) || ['string', 'number', 'boolean'].includes(typeof v)
        ? (v as string | readonly string[])
        : undefined;
    };
  }
  const column = spec.slice(0, colon);
  const key = spec.slice(colon + 1);
  return (row) => {
    const m = (row as Record<string, unknown>)[column] as Record<string, string> | undefined;
    return m && typeof m === 'object' && Object.hasOwn(m, key) ? m[key] : undefined;
  };
}

/**
 * Rows by key. A bucket holds row UUIDs, and rows are read from the table when asked for, so an update that keeps a
 * row's keys (a switch gaining one port keeps its other ports' keys) touches only the keys that changed.
 */
export class Index<R extends Row> {
  readonly #keyFn: IndexKeyFn<R>;
  readonly #rowOf: (uuid: string) => R | undefined;
  readonly #entries = new Map<string, Set<string>>();

  constructor(keyFn: IndexKeyFn<R>, rowOf: (uuid: string) => R | undefined) {
    this.#keyFn = keyFn;
    this.#rowOf = rowOf;
  }

  /** The row under `key`; with several, the first one indexed under it. */
  get(key: string | number | boolean): R | undefined {
    const bucket = this.#entries.get(String(key));
    if (!bucket) return undefined;
    for (const uuid of bucket) return this.#rowOf(uuid);
    return undefined;
  }

  getAll(key: string | number | boolean): R[] {
    const bucket = this.#entries.get(String(key));
    if (!bucket) return [];
    const rows: R[] = [];
    for (const uuid of bucket) {
      const row = this.#rowOf(uuid);
      if (row) rows.push(row);
    }
    return rows;
  }

  keys(): string[] {
    return [...this.#entries.keys()];
  }

  add(row: R): void {
    for (const key of this.#keys(row)) this.#put(key, row._uuid);
  }

  remove(row: R): void {
    for (const key of this.#keys(row)) this.#drop(key, row._uuid);
  }

  /** `old` became `row` (same UUID): only the keys one has and the other lacks change. */
  update(old: R, row: R): void {
    const before = this.#keys(old);
    const after = this.#keys(row);
    if (before.length === after.length && before.every((k, i) => k === after[i])) return;
    const kept = new Set(after);
    for (const key of before) if (!kept.has(key)) this.#drop(key, row._uuid);
    for (const key of after) this.#put(key, row._uuid);
  }

  clear(): void {
    this.#entries.clear();
  }

  #put(key: string, uuid: string): void {
    let bucket = this.#entries.get(key);
    if (!bucket) this.#entries.set(key, (bucket = new Set<string>()));
    bucket.add(uuid);
  }

  #drop(key: string, uuid: string): void {
    const bucket = this.#entries.get(key);
    bucket?.delete(uuid);
    if (bucket?.size === 0) this.#entries.delete(key);
  }

  #keys(row: R): string[] {
    const k = this.#keyFn(row);
    if (k === undefined) return [];
    return Array.isArray(k) ? k.map(String) : [String(k)];
  }
}

export class TableCache<R extends Row = Row> {
  readonly name: string;
  readonly #rows = new Map<string, R>();
  readonly #indexes = new Map<string, Index<R>>();

  constructor(name: string) {
    this.name = name;
  }

  get size(): number {
    return this.#rows.size;
  }

  rows(): R[] {
    return [...this.#rows.values()];
  }

  get(uuid: string): R | undefined {
    return this.#rows.get(uuid);
  }

  /** The index named `spec`: a column (`name`) or a map key (`external_ids:owner`); created on first use. */
  index(spec: string): Index<R> {
    return this.#indexes.get(spec) ?? this.defineIndex(spec, columnKeyFn<R>(spec));
  }

  /** Defines (or replaces) an index with a custom key function and builds it over the current rows. */
  defineIndex(name: string, keyFn: IndexKeyFn<R>): Index<R> {
    const index = new Index<R>(keyFn, (uuid) => this.#rows.get(uuid));
    for (const row of this.#rows.values()) index.add(row);
    this.#indexes.set(name, index);
    return index;
  }

  /** Stores `row` (or deletes when `undefined`) and returns what changed. */
  apply(uuid: string, row: R | undefined): RowChange<R> | undefined {
    const old = this.#rows.get(uuid);
    if (row === undefined) {
      if (!old) return undefined;
      for (const index of this.#indexes.values()) index.remove(old);
      this.#rows.delete(uuid);
      return { kind: 'delete', table: this.name, uuid, old };
    }
    const frozen = Object.freeze(row);
    this.#rows.set(uuid, frozen);
    for (const index of this.#indexes.values()) {
      if (old) index.update(old, frozen);
      else index.add(frozen);
    }
    return old
      ? { kind: 'update', table: this.name, uuid, old, new: frozen }
      : { kind: 'insert', table: this.name, uuid, new: frozen };
  }

  /** Replaces every row (after a resync) and rebuilds the indexes. */
  replaceAll(rows: Iterable<R>): void {
    this.#rows.clear();
    for (const index of this.#indexes.values()) index.clear();
    for (const row of rows) this.apply(row._uuid, row);
  }
}

/** Every table's cache. `T` maps table names to row types (e.g. the generated `OvnNbTables`). */
export class DatabaseCache<T extends { [table: string]: Row } = Record<string, Row>> extends EventEmitter<{
  change: [RowChange];
}> {
  readonly #tables = new Map<string, TableCache>();

  table<K extends keyof T & string>(name: K): TableCache<T[K]> {
    let table = this.#tables.get(name);
    if (!table) this.#tables.set(name, (table = new TableCache(name)));
    return table as unknown as TableCache<T[K]>;
  }

  tableNames(): string[] {
    return [...this.#tables.keys()];
  }

  /** Applies one row change and emits it. */
  apply(table: string, uuid: string, row: Row | undefined): void {
    const change = this.table(table).apply(uuid, row as T[string] | undefined);
    if (change) this.emit('change', change);
  }
}
