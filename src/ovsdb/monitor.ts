/**
 * Monitor requests and updates: builds the params of `monitor_cond_since`, `monitor_cond` (ovsdb-server(7),
 * RFC 7047bis) and `monitor` (RFC 7047 §4.1.5), parses their replies, and applies `<table-updates>` (§4.1.6,
 * v1: old/new rows) and `<table-updates2>` (v2: initial/insert/modify-diff/delete) to the cache. A reply that
 * starts a fresh monitor replaces the monitored tables wholesale; notifications and a `found` `monitor_cond_since`
 * reply apply incrementally. Without `monitor_cond`, `where` is evaluated locally (see conditions.ts).
 */
import { applyRowDiff, decodeRow, type ColumnTypes, type PlainRow } from './codec.ts';
import type { DatabaseCache } from './cache.ts';
import { matchesAll } from './conditions.ts';
import type { Condition } from './operations.ts';
import {
  columnTypes,
  isMapType,
  isOptionalType,
  isSetType,
  type ColumnType,
  type DatabaseSchema,
} from './schema.ts';
import type { PlainValue, WireRow } from './values.ts';

export interface TableMonitorSpec {
  /** Columns to replicate (default: all). */
  columns?: string[];
  /** Only rows matching every condition (default: all rows). */
  where?: Condition[];
}
export type MonitorSpec = Record<string, TableMonitorSpec>;
export type MonitorMethod = 'monitor_cond_since' | 'monitor_cond' | 'monitor';

export interface MonitoredTable {
  name: string;
  columns: string[];
  types: ColumnTypes;
  where: Condition[] | undefined;
}

export const ZERO_TXN_ID = '00000000-0000-0000-0000-000000000000';

export function resolveMonitor(schema: DatabaseSchema, spec: MonitorSpec): MonitoredTable[] {
  return Object.entries(spec).map(([name, t]) => {
    const table = schema.tables[name];
    if (!table) throw new TypeError(`monitor: no table ${JSON.stringify(name)} in ${schema.name}`);
    const columns = t.columns ?? Object.keys(table.columns);
    for (const c of [...columns, ...(t.where ?? []).map((w) => w[0])]) {
      if (c !== '_uuid' && !(c in table.columns)) throw new TypeError(`monitor: no column ${name}.${c}`);
    }
    return { name, columns, types: columnTypes(table), where: t.where };
  });
}

/** The `<monitor-requests>` object for one method. */
export function monitorRequests(
  tables: readonly MonitoredTable[],
  method: MonitorMethod,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const t of tables) {
    if (method === 'monitor') {
      // §4.1.5: no conditions; columns used by `where` are fetched too, to filter locally.
      const extra = (t.where ?? []).map((w) => w[0]).filter((c) => c !== '_uuid' && !t.columns.includes(c));
      out[t.name] = { columns: [...t.columns, ...new Set(extra)] };
    } else {
      out[t.name] = [t.where === undefined ? { columns: t.columns } : { columns: t.columns, where: t.where }];
    }
  }
  return out;
}

export function monitorParams(
  method: MonitorMethod,
  database: string,
  id: string,
  tables: readonly MonitoredTable[],
  lastTxnId: string,
): unknown[] {
  const requests = monitorRequests(tables, method);
  return method === 'monitor_cond_since' ? [database, id, requests, lastTxnId] : [database, id, requests];
}

export interface MonitorReply {
  /** `monitor_cond_since` found our last transaction: the updates are a diff against the cache. */
  found: boolean;
  lastTxnId: string | undefined;
  updates: Record<string, Record<string, unknown>>;
  format: 1 | 2;
}

export function parseMonitorReply(method: MonitorMethod, result: unknown): MonitorReply {
  if (method === 'monitor_cond_since') {
    const [found, lastTxnId, updates] = result as [boolean, string, MonitorReply['updates']];
    return { found: found === true, lastTxnId, updates: updates ?? {}, format: 2 };
  }
  const updates = (result ?? {}) as MonitorReply['updates'];
  return { found: false, lastTxnId: undefined, updates, format: method === 'monitor' ? 1 : 2 };
}

function defaultFor(type: ColumnType): PlainValue | undefined {
  if (isMapType(type)) return {};
  if (isSetType(type)) return [];
  if (isOptionalType(type) || type.min === 0) return undefined;
  switch (type.key.type) {
    case 'integer':
    case 'real':
      return 0;
    case 'boolean':
      return false;
    case 'uuid':
      return ZERO_TXN_ID;
    default:
      return '';
  }
}

/** Fills monitored columns that the wire omitted (update2 leaves out default values) with their defaults. */
function withDefaults(table: MonitoredTable, row: PlainRow): PlainRow {
  const out = row as Record<string, PlainValue | undefined>;
  for (const c of table.columns) {
    const type = table.types.get(c);
    if (out[c] === undefined && type) {
      const d = defaultFor(type);
      if (d !== undefined) out[c] = d;
    }
  }
  return row;
}

type RowUpdate1 = { old?: WireRow; new?: WireRow };
type RowUpdate2 = { initial?: WireRow; insert?: WireRow; modify?: WireRow; delete?: null };

/** The new state of one row (undefined: gone) from a v1 or v2 row update. */
function nextRow(table: MonitoredTable, uuid: string, old: PlainRow | undefined, u: unknown, format: 1 | 2) {
  let row: PlainRow | undefined;
  if (format === 1) {
    const r = u as RowUpdate1;
    row = r.new === undefined ? undefined : withDefaults(table, decodeRow(table.types, uuid, r.new));
  } else {
    const r = u as RowUpdate2;
    const full = r.initial ?? r.insert;
    if (full !== undefined) row = withDefaults(table, decodeRow(table.types, uuid, full));
    else if (r.modify !== undefined && old !== undefined) row = applyRowDiff(table.types, old, r.modify);
    else row = undefined;
  }
  // Plain `monitor` cannot filter on the server: rows that do not match are treated as absent.
  if (row && format === 1 && table.where && !matchesAll(table.types, row, table.where)) return undefined;
  return row;
}

/**
 * Applies updates to the cache. `replace`: the monitored tables become exactly the rows in `updates` (a fresh
 * monitor's initial contents), with no per-row events; otherwise each row change is applied and emitted.
 */
export function applyUpdates(
  cache: DatabaseCache,
  tables: readonly MonitoredTable[],
  updates: MonitorReply['updates'],
  format: 1 | 2,
  replace: boolean,
): void {
  for (const table of tables) {
    const rowUpdates = updates[table.name] ?? {};
    const tableCache = cache.table(table.name);
    if (replace) {
      const rows: PlainRow[] = [];
      for (const uuid of Object.keys(rowUpdates)) {
        const row = nextRow(table, uuid, undefined, rowUpdates[uuid], format);
        if (row) rows.push(row);
      }
      tableCache.replaceAll(rows);
      continue;
    }
    // one update per transaction, thousands of them in a burst: no [key, value] pairs
    for (const uuid of Object.keys(rowUpdates)) {
      const old = tableCache.get(uuid) as PlainRow | undefined;
      cache.apply(table.name, uuid, nextRow(table, uuid, old, rowUpdates[uuid], format));
    }
  }
}
