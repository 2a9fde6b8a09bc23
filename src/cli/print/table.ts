/**
 * `kovn get`'s default output, as kubectl prints a server-side Table (meta.k8s.io/v1): upper-case headers, columns
 * of priority 0 (all of them with `-o wide`), a NAMESPACE column first for `-A`, cells printed as Go's fmt.Print
 * would (null as nothing, strings cut at the first line break with "..."). Objects from a server that sends no
 * Table get kubectl's fallback columns, NAME and AGE. Pure.
 */
import { humanAge } from '../../apiserver/duration.ts';
import type { KubeObject } from '../../api/types.ts';
import { alignColumns } from './columns.ts';

export interface TableColumn {
  name: string;
  type?: string;
  priority?: number;
}

export interface TableRow {
  cells: unknown[];
  object?: { metadata?: { name?: string; namespace?: string } };
}

export interface Table {
  kind: 'Table';
  columnDefinitions: TableColumn[];
  rows: TableRow[];
}

export interface TableOptions {
  wide: boolean;
  /** Prefix a NAMESPACE column (`-A`). */
  withNamespace: boolean;
}

export const isTable = (v: unknown): v is Table =>
  typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'Table';

/** A cell as Go's fmt.Sprint prints the decoded JSON value kubectl holds. */
export function cellText(cell: unknown): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'string') {
    const cut = cell.search(/[\f\n\r]/);
    return cut < 0 ? cell : `${cell.slice(0, cut)}...`;
  }
  if (typeof cell === 'number' || typeof cell === 'boolean') return String(cell);
  if (Array.isArray(cell)) return `[${cell.map(cellText).join(' ')}]`;
  if (typeof cell === 'object') {
    const entries = Object.keys(cell)
      .sort()
      .map((k) => `${k}:${cellText((cell as Record<string, unknown>)[k])}`);
    return `map[${entries.join(' ')}]`;
  }
  return typeof cell === 'bigint' ? cell.toString() : '';
}

/** The lines kubectl prints for these tables (rows of several tables of one kind are printed as one). */
export function formatTable(tables: readonly Table[], options: TableOptions): string[] {
  const first = tables[0];
  if (!first) return [];
  const shown = first.columnDefinitions
    .map((column, index) => ({ column, index }))
    .filter(({ column }) => options.wide || !column.priority);
  const header = shown.map(({ column }) => column.name.toUpperCase());
  const rows = tables.flatMap((t) =>
    t.rows.map((row) => shown.map(({ index }) => cellText(row.cells[index]))),
  );
  if (options.withNamespace) {
    header.unshift('NAMESPACE');
    let i = 0;
    for (const t of tables)
      for (const row of t.rows) rows[i++]?.unshift(row.object?.metadata?.namespace ?? '');
  }
  return alignColumns([header, ...rows]);
}

/** The Table kubectl builds itself when the server sends plain objects: NAME and AGE. */
export function fallbackTable(objects: readonly KubeObject[], now: number): Table {
  return {
    kind: 'Table',
    columnDefinitions: [
      { name: 'Name', type: 'string' },
      { name: 'Age', type: 'string' },
    ],
    rows: objects.map((o) => ({
      cells: [o.metadata.name ?? '', humanAge(o.metadata.creationTimestamp, now)],
      object: { metadata: o.metadata },
    })),
  };
}
