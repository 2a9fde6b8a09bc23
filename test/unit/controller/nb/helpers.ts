// Helpers for the pure NB planning tests: the NB column types from the installed schema, and a cache holding rows.
import { readFileSync } from 'node:fs';
import { DatabaseCache } from '../../../../src/ovsdb/cache.ts';
import type { ColumnTypes } from '../../../../src/ovsdb/codec.ts';
import type { OvnNbTables } from '../../../../src/ovsdb/generated/ovn-nb.ts';
import { asDatabaseSchema, columnTypes } from '../../../../src/ovsdb/schema.ts';
import { NB_SCHEMA } from '../../../../src/ovn/daemons.ts';
import { PARENT_OF, type DesiredRow, type OwnedTable } from '../../../../src/controller/nb/model.ts';

const schema = asDatabaseSchema(JSON.parse(readFileSync(NB_SCHEMA, 'utf8')));
const typeCache = new Map<string, ColumnTypes>();
export function nbTypes(table: string): ColumnTypes {
  let types = typeCache.get(table);
  if (!types) typeCache.set(table, (types = columnTypes(schema.tables[table]!)));
  return types;
}

let counter = 0;
export const nextUuid = (): string => `00000000-0000-4000-8000-${(++counter).toString(16).padStart(12, '0')}`;

export type Cached = { table: OwnedTable; row: Record<string, unknown> & { _uuid: string } };

/** A cache holding `rows` (each with a `_uuid`). */
export function cacheOf(rows: readonly Cached[]): DatabaseCache<OvnNbTables> {
  const cache = new DatabaseCache<OvnNbTables>();
  for (const { table, row } of rows) cache.apply(table, row._uuid, row);
  return cache;
}

/** Rows as a converged NB would hold them: every desired row present, children in their parents' set columns. */
export function materialize(desired: readonly DesiredRow[], extra: readonly Cached[] = []): Cached[] {
  const rows: Cached[] = desired.map((d) => ({
    table: d.table,
    row: { _uuid: nextUuid(), ...structuredClone(d.columns) },
  }));
  const all = [...extra.map((e) => ({ table: e.table, row: { ...e.row } })), ...rows];
  desired.forEach((d, i) => {
    const where = PARENT_OF[d.table];
    if (!where || !d.parent) return;
    const parent = all.find((r) => r.table === d.parent!.table && r.row['name'] === d.parent!.name);
    if (!parent) return;
    const column = (parent.row[where.column] as string[] | undefined) ?? [];
    parent.row[where.column] = [...column, rows[i]!.row._uuid];
  });
  return all;
}
