/**
 * The desired-state vocabulary shared by the per-kind builders and the diff: a `DesiredRow` is one NB row an owner
 * wants (the columns it manages, as plain values) plus, for rows of non-root tables, the parent row and set column
 * that must reference it (an LRP lives in its router's `ports`). Rows are matched to existing rows by an identity
 * that is stable across reconciles: the name for named tables, `priority|match` for policies (Kube-OVN keeps one
 * policy per priority and match) and `route_table|policy|ip_prefix|nexthop` for static routes (routes differing only in
 * the next hop coexist as an ECMP group; Kube-OVN keeps one: its `AddLogicalRouterStaticRoute` replaces the other
 * next hops; ADR 12), and `parent|direction|priority|match` for ACLs (acl.ts; ADR 23).
 */
import type { OvnNbTables } from '../../ovsdb/generated/ovn-nb.ts';

/** Kube-OVN's `external_ids` key naming the switch (or port group) an ACL belongs to (pkg/ovs aclParentKey). */
export const ACL_PARENT_KEY = 'parent';

/** The tables whose rows this controller owns. */
export const OWNED_TABLES = [
  'Logical_Router',
  'Logical_Switch',
  'Logical_Router_Port',
  'Logical_Switch_Port',
  'Logical_Router_Policy',
  'Logical_Router_Static_Route',
  // root rows attached by weak reference to the switches of one VPC (Logical_Switch.load_balancer; lb-links.ts)
  'Load_Balancer',
  // a subnet's ACLs, in its switch's `acls` (acl.ts); a NetworkPolicy's, in its port group's `acls`
  'ACL',
  // a NetworkPolicy's port group (its pods' switch ports, weakly referenced) and its peers' address sets
  'Port_Group',
  'Address_Set',
] as const satisfies readonly (keyof OvnNbTables)[];

export type OwnedTable = (typeof OWNED_TABLES)[number];
export type ParentTable = 'Logical_Router' | 'Logical_Switch' | 'Port_Group';
export type ParentColumn = 'ports' | 'policies' | 'static_routes' | 'acls';

/** Where each non-root table's rows are referenced from (strong references: a row lives while referenced). */
export const PARENT_OF: Partial<Record<OwnedTable, { table: ParentTable; column: ParentColumn }>> = {
  Logical_Router_Port: { table: 'Logical_Router', column: 'ports' },
  Logical_Switch_Port: { table: 'Logical_Switch', column: 'ports' },
  Logical_Router_Policy: { table: 'Logical_Router', column: 'policies' },
  Logical_Router_Static_Route: { table: 'Logical_Router', column: 'static_routes' },
  ACL: { table: 'Logical_Switch', column: 'acls' },
};

/** Further parents a non-root table's rows may have: an ACL lives in a switch's or a port group's `acls`. */
const OTHER_PARENTS: Partial<Record<OwnedTable, readonly { table: ParentTable; column: ParentColumn }[]>> = {
  ACL: [{ table: 'Port_Group', column: 'acls' }],
};

/** Every parent table (and set column) that may hold a row of `table`. */
export const parentSlotsOf = (table: OwnedTable): { table: ParentTable; column: ParentColumn }[] => {
  const first = PARENT_OF[table];
  return first ? [first, ...(OTHER_PARENTS[table] ?? [])] : [];
};

/** Where a desired row is linked: the slot of its parent's table. */
export const parentSlotOf = (row: DesiredRow): { table: ParentTable; column: ParentColumn } | undefined =>
  row.parent && parentSlotsOf(row.table).find((slot) => slot.table === row.parent!.table);

export const isRootTable = (table: OwnedTable): boolean => PARENT_OF[table] === undefined;

/** A plain column value as the cache holds it: atom, set (array) or map (record). */
export type ColumnValue =
  string | number | boolean | readonly (string | number)[] | Readonly<Record<string, string>>;

export interface DesiredRow {
  table: OwnedTable;
  /** Columns this owner manages; columns not listed are left as they are. */
  columns: Readonly<Record<string, ColumnValue>>;
  /** For non-root tables: the parent, by name (it may belong to another owner, or be inserted in the same plan). */
  parent?: { table: ParentTable; name: string };
}

const str = (v: unknown): string =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';

/** The identity of a row (desired columns or a cached row) within its table. */
export function identityOf(table: OwnedTable, row: Readonly<Record<string, unknown>>): string {
  switch (table) {
    case 'Logical_Router_Policy':
      return `${str(row['priority'])}|${str(row['match'])}`;
    case 'Logical_Router_Static_Route':
      return `${str(row['route_table'])}|${str(row['policy']) || 'dst-ip'}|${str(row['ip_prefix'])}|${str(row['nexthop'])}`;
    case 'ACL': {
      const parent = (row['external_ids'] as Readonly<Record<string, string>> | undefined)?.[ACL_PARENT_KEY];
      return `${parent ?? ''}|${str(row['direction'])}|${str(row['priority'])}|${str(row['match'])}`;
    }
    default:
      return str(row['name']);
  }
}

/** Tables whose identity is a name; a same-named row of another owner is a conflict, not ours to adopt. */
export const isNamedTable = (table: OwnedTable): boolean =>
  table !== 'Logical_Router_Policy' && table !== 'Logical_Router_Static_Route' && table !== 'ACL';
