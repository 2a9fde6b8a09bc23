/**
 * Desired rows of one owner + the NB cache -> the minimal OVSDB operations that converge them (guidelines 4-6):
 * new rows are inserted with uuid-names and linked into their parent's set column; matched rows are updated in the
 * changed columns only; rows tagged with this owner that are no longer desired are deleted (root tables) or unlinked
 * from their parent (non-root tables, which ovsdb-server then garbage-collects). A row without this owner's tag is
 * never touched: a same-named foreign row is a conflict. Nothing to do gives `[]`; otherwise the plan starts with a
 * `comment` naming the reconcile key and `wait`s that the existing parents it links into still exist. Pure.
 */
import type { ColumnTypes } from '../../ovsdb/codec.ts';
import type { DatabaseCache } from '../../ovsdb/cache.ts';
import type { OvnNbTables } from '../../ovsdb/generated/ovn-nb.ts';
import { comment, del, eq, insert, wait, type Operation } from '../../ovsdb/operations.ts';
import { encodeRow } from '../../ovsdb/codec.ts';
import { namedUuid, uuid, type Atom, type WireRow } from '../../ovsdb/values.ts';
import { changedColumns } from './compare.ts';
import { MissingParentError, NbConflictError } from './errors.ts';
import { LinkBook } from './links.ts';
import {
  OWNED_TABLES,
  identityOf,
  isNamedTable,
  isRootTable,
  parentSlotOf,
  parentSlotsOf,
  type DesiredRow,
  type OwnedTable,
} from './model.ts';
import { OWNER_INDEX, ownerOfRow } from './owner.ts';

export interface PlanInput {
  /** The owner tag value (`subnet/net1`). */
  owner: string;
  /** The reconcile key, written into the transaction's comment. */
  key: string;
  desired: readonly DesiredRow[];
  cache: DatabaseCache<OvnNbTables>;
  /** Column types of a table (`OvsdbClient.columnTypes`). */
  types: (table: string) => ColumnTypes;
}

type CachedRow = { readonly _uuid: string } & Readonly<Record<string, unknown>>;

interface Slot {
  row: DesiredRow;
  current: CachedRow | undefined;
  /** uuid-name when inserted by this plan. */
  name: string | undefined;
}

const slotKey = (table: string, id: string): string => `${table}\u0000${id}`;

function byName(cache: DatabaseCache<OvnNbTables>, table: OwnedTable, name: string): CachedRow[] {
  return cache.table(table).index('name').getAll(name) as unknown as CachedRow[];
}

function ownedRows(cache: DatabaseCache<OvnNbTables>, table: OwnedTable, owner: string): CachedRow[] {
  return cache.table(table).index(OWNER_INDEX).getAll(owner) as unknown as CachedRow[];
}

/** A row tagged with this owner that no desired row matches. */
interface StaleRow {
  table: OwnedTable;
  row: CachedRow;
}

/** Matches desired rows to the owner's cached rows; returns the slots and the owner's rows nobody wants. */
function match(input: PlanInput): { slots: Slot[]; stale: StaleRow[] } {
  const wanted = new Map<string, DesiredRow>();
  for (const row of input.desired) wanted.set(slotKey(row.table, identityOf(row.table, row.columns)), row);
  const slots = new Map<string, Slot>();
  for (const [k, row] of wanted) slots.set(k, { row, current: undefined, name: undefined });
  const stale: StaleRow[] = [];
  for (const table of OWNED_TABLES) {
    for (const row of ownedRows(input.cache, table, input.owner)) {
      const slot = slots.get(slotKey(table, identityOf(table, row)));
      if (slot && !slot.current) slot.current = row;
      else stale.push({ table, row });
    }
  }
  let n = 0;
  for (const slot of slots.values()) {
    if (slot.current) continue;
    slot.name = `kovn_row${n++}`;
    if (!isNamedTable(slot.row.table)) continue;
    const name = identityOf(slot.row.table, slot.row.columns);
    const clash = byName(input.cache, slot.row.table, name)[0];
    if (clash) throw new NbConflictError(slot.row.table, name, input.owner, ownerOfRow(clash));
  }
  return { slots: [...slots.values()], stale };
}

/** Unlink the stale rows, link the desired ones, then inserts, updates, set mutations and deletes, in that order. */
export function planOwner(input: PlanInput): Operation[] {
  const { slots, stale } = match(input);
  const plan: LinkPlan = { links: new LinkBook(), childRefs: new Map(), waits: new Map() };
  unlinkStale(input.cache, stale, plan.links);
  for (const slot of slots) linkSlot(input, slots, slot, plan);
  const body = [
    ...rowOperations(input, slots, plan.childRefs),
    ...plan.links.operations(),
    ...stale.filter((s) => isRootTable(s.table)).map((s) => del(s.table, [eq('_uuid', uuid(s.row._uuid))])),
  ];
  if (body.length === 0) return [];
  return [comment(`kovn reconcile ${input.key}`), ...plan.waits.values(), ...body];
}

/** What linking the slots into their parents collects, in the order the plan sends it. */
interface LinkPlan {
  links: LinkBook;
  /** Children of a parent this plan inserts: they go into the parent's insert, not a `mutate`. */
  childRefs: Map<Slot, Map<string, Atom[]>>;
  /** One `wait` per existing parent a new row is linked into, by the parent's uuid. */
  waits: Map<string, Operation>;
}

/** A stale non-root row leaves the sets that hold it (unless that parent is deleted by this plan anyway). */
function unlinkStale(cache: DatabaseCache<OvnNbTables>, stale: readonly StaleRow[], links: LinkBook): void {
  if (stale.length === 0) return;
  const deletedRoots = new Set(stale.filter((s) => isRootTable(s.table)).map((s) => s.row._uuid));
  for (const { table, row } of stale) {
    for (const parent of parentSlotsOf(table)) {
      for (const p of parentsOf(cache, parent.table, parent.column, row._uuid)) {
        if (!deletedRoots.has(p._uuid)) links.unlink(parent.table, p._uuid, parent.column, uuid(row._uuid));
      }
    }
  }
}

/** Puts a child row in its desired parent's set and takes it out of any other parent's. */
function linkSlot(input: PlanInput, slots: readonly Slot[], slot: Slot, plan: LinkPlan): void {
  const { row } = slot;
  const where = parentSlotOf(row);
  if (!where || !row.parent) return;
  const ref: Atom = slot.current ? uuid(slot.current._uuid) : namedUuid(slot.name!);
  // the parents whose set holds the existing row (a cache index over the set's elements), in every parent table
  const current = slot.current;
  const held = current
    ? parentSlotsOf(row.table).flatMap((w) =>
        parentsOf(input.cache, w.table, w.column, current._uuid).map((p) => ({ where: w, p })),
      )
    : [];
  const currentParents = held.filter((h) => h.where.table === where.table).map((h) => h.p);
  const own = slots.find(
    (s) => s.row.table === row.parent!.table && s.row.columns['name'] === row.parent!.name,
  );
  let parentUuid: string | undefined;
  if (own && !own.current) {
    let refs = plan.childRefs.get(own);
    if (!refs) plan.childRefs.set(own, (refs = new Map<string, Atom[]>()));
    refs.set(where.column, [...(refs.get(where.column) ?? []), ref]);
  } else {
    const parent = own?.current ?? resolveParent(input, row);
    parentUuid = parent._uuid;
    const linked = currentParents.some((p) => p._uuid === parent._uuid);
    if (!linked) plan.links.link(where.table, parent._uuid, where.column, ref);
    if (!own && !slot.current && !plan.waits.has(parent._uuid)) {
      plan.waits.set(parent._uuid, parentStillThere(where.table, parent._uuid, row.parent.name));
    }
  }
  for (const h of held) {
    if (h.p._uuid !== parentUuid) plan.links.unlink(h.where.table, h.p._uuid, h.where.column, ref);
  }
}

/** Fails the transaction unless the parent row a new child is linked into still exists with its name. */
function parentStillThere(table: string, parentUuid: string, name: string): Operation {
  return wait(table, [eq('_uuid', uuid(parentUuid))], {
    until: '==',
    columns: ['name'],
    rows: [{ name }],
    timeout: 0,
  });
}

/** Inserts (children before root rows, each with the children this plan links into it), then updates. */
function rowOperations(
  input: PlanInput,
  slots: readonly Slot[],
  childRefs: ReadonlyMap<Slot, Map<string, Atom[]>>,
): Operation[] {
  const encode = (table: string, columns: Readonly<Record<string, unknown>>): WireRow =>
    encodeRow(input.types(table), columns);
  const inserts: Operation[] = [];
  const updates: Operation[] = [];
  const ordered = [...slots].sort(
    (a, b) => Number(isRootTable(a.row.table)) - Number(isRootTable(b.row.table)),
  );
  for (const slot of ordered) {
    const { table, columns } = slot.row;
    if (!slot.current) {
      const refs = Object.fromEntries(
        [...(childRefs.get(slot) ?? [])].map(([column, atoms]) => [column, ['set', atoms] as const]),
      );
      inserts.push(insert(table, encode(table, { ...columns, ...refs }), slot.name));
      continue;
    }
    const changed = changedColumns(columns, slot.current);
    if (Object.keys(changed).length) {
      updates.push({
        op: 'update',
        table,
        where: [eq('_uuid', uuid(slot.current._uuid))],
        row: encode(table, changed),
      });
    }
  }
  return [...inserts, ...updates];
}

function resolveParent(input: PlanInput, row: DesiredRow): CachedRow {
  const parent = row.parent!;
  const found = byName(input.cache, parent.table, parent.name);
  if (found.length !== 1) throw new MissingParentError(parent.table, parent.name, row.table, found.length);
  return found[0]!;
}

/** Rows of `table` whose set column `column` references `id` (a cache index over the set's elements). */
function parentsOf(
  cache: DatabaseCache<OvnNbTables>,
  table: OwnedTable,
  column: string,
  id: string,
): CachedRow[] {
  return cache.table(table).index(column).getAll(id) as unknown as CachedRow[];
}
