/**
 * Database operations as plain values (RFC 7047 §5.2) and pure builders for them. Nothing here sends anything:
 * reconcilers build `Operation[]` from desired state, tests compare them as data, and `OvsdbClient.transact`
 * sends one array as one transaction (§4.1.3). Conditions (§5.1 <condition>) and mutations (§5.1 <mutation>)
 * are tuples; the helpers below only save typing.
 */
import { isValidUuidName, type Value, type WireRow } from './values.ts';

export type ConditionFunction = '<' | '<=' | '==' | '!=' | '>=' | '>' | 'includes' | 'excludes';
export type Condition = readonly [column: string, fn: ConditionFunction, value: Value];
export type Mutator = '+=' | '-=' | '*=' | '/=' | '%=' | 'insert' | 'delete';
export type Mutation = readonly [column: string, mutator: Mutator, value: Value];

export interface InsertOp {
  op: 'insert';
  table: string;
  row: WireRow;
  'uuid-name'?: string;
}
export interface SelectOp {
  op: 'select';
  table: string;
  where: Condition[];
  columns?: string[];
}
export interface UpdateOp {
  op: 'update';
  table: string;
  where: Condition[];
  row: WireRow;
}
export interface MutateOp {
  op: 'mutate';
  table: string;
  where: Condition[];
  mutations: Mutation[];
}
export interface DeleteOp {
  op: 'delete';
  table: string;
  where: Condition[];
}
export interface WaitOp {
  op: 'wait';
  table: string;
  where: Condition[];
  columns: string[];
  until: '==' | '!=';
  rows: WireRow[];
  timeout?: number;
}
export interface CommitOp {
  op: 'commit';
  durable: boolean;
}
export interface AbortOp {
  op: 'abort';
}
export interface CommentOp {
  op: 'comment';
  comment: string;
}
export interface AssertOp {
  op: 'assert';
  lock: string;
}

export type Operation =
  InsertOp | SelectOp | UpdateOp | MutateOp | DeleteOp | WaitOp | CommitOp | AbortOp | CommentOp | AssertOp;

/** Per-operation results (§5.2): insert gives `uuid`, select `rows`, update/mutate/delete `count`, others `{}`. */
export interface OperationResult {
  uuid?: readonly ['uuid', string];
  rows?: WireRow[];
  count?: number;
}

// --- conditions and mutations (§5.1) ---

export const eq = (column: string, value: Value): Condition => [column, '==', value];
export const ne = (column: string, value: Value): Condition => [column, '!=', value];
export const includes = (column: string, value: Value): Condition => [column, 'includes', value];
export const excludes = (column: string, value: Value): Condition => [column, 'excludes', value];
export const where = (column: string, fn: ConditionFunction, value: Value): Condition => [column, fn, value];

export const mutation = (column: string, mutator: Mutator, value: Value): Mutation => [
  column,
  mutator,
  value,
];
/** Adds elements to a set, or pairs to a map (existing keys keep their values, §5.1). */
export const insertInto = (column: string, value: Value): Mutation => [column, 'insert', value];
/** Removes elements from a set, or from a map by key (a set of keys) or by pair (a map). */
export const deleteFrom = (column: string, value: Value): Mutation => [column, 'delete', value];

// --- operation builders (§5.2.1 - §5.2.11) ---

export function insert(table: string, row: WireRow, uuidName?: string): InsertOp {
  if (uuidName === undefined) return { op: 'insert', table, row };
  if (!isValidUuidName(uuidName)) throw new TypeError(`not a valid uuid-name: ${JSON.stringify(uuidName)}`);
  return { op: 'insert', table, row, 'uuid-name': uuidName };
}

export function select(table: string, conditions: Condition[] = [], columns?: string[]): SelectOp {
  return columns === undefined
    ? { op: 'select', table, where: conditions }
    : { op: 'select', table, where: conditions, columns };
}

export function update(table: string, conditions: Condition[], row: WireRow): UpdateOp {
  return { op: 'update', table, where: conditions, row };
}

export function mutate(table: string, conditions: Condition[], mutations: Mutation[]): MutateOp {
  return { op: 'mutate', table, where: conditions, mutations };
}

export function del(table: string, conditions: Condition[]): DeleteOp {
  return { op: 'delete', table, where: conditions };
}

export interface WaitOptions {
  until: '==' | '!=';
  columns: string[];
  rows: WireRow[];
  /** Milliseconds; 0 fails at once if the condition does not hold, absent waits forever (§5.2.6). */
  timeout?: number;
}

export function wait(table: string, conditions: Condition[], options: WaitOptions): WaitOp {
  const op: WaitOp = {
    op: 'wait',
    table,
    where: conditions,
    columns: options.columns,
    until: options.until,
    rows: options.rows,
  };
  if (options.timeout !== undefined) op.timeout = options.timeout;
  return op;
}

export const commit = (durable: boolean): CommitOp => ({ op: 'commit', durable });
export const abort = (): AbortOp => ({ op: 'abort' });
export const comment = (text: string): CommentOp => ({ op: 'comment', comment: text });
/** Lock names are <id>s (§4.1.8, §5.2.11): `[_a-zA-Z][_a-zA-Z0-9]*`. */
export function assertLock(lock: string): AssertOp {
  if (!isValidUuidName(lock)) throw new TypeError(`not a valid lock name: ${JSON.stringify(lock)}`);
  return { op: 'assert', lock };
}

/** A transaction result for an insert: the new row's UUID. */
export function insertedUuid(result: OperationResult | undefined): string {
  const id = result?.uuid?.[1];
  if (id === undefined) throw new TypeError('operation result has no uuid');
  return id;
}
