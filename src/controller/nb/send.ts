/**
 * The only NB I/O of a reconcile: plan one owner's rows against the session's cache and, unless there is nothing to
 * do, send the plan as one transaction (guideline 4). Writes by UUID that matched no row mean the cache was behind the
 * database; that is reported as `StaleCacheError` so the key is retried with a fresher cache. A failed `wait` (a
 * parent vanished) aborts the whole transaction and is reported the same way. The plan is sent with the cache
 * generation it was made from, so a plan made from the cache of a lost connection is refused unsent
 * (`NotConnectedError` while disconnected, `StalePlanError` after the reconnect); the key is retried with backoff and
 * the reconnect's resync plans it again from the rebuilt cache. A caller that reads the NB cache for its desired rows
 * must read it in the same synchronous run as the call (no `await` in between), as every reconciler does.
 */
import type { DatabaseCache } from '../../ovsdb/cache.ts';
import type { ColumnTypes } from '../../ovsdb/codec.ts';
import { TimedOut } from '../../ovsdb/errors.ts';
import type { OvnNbTables } from '../../ovsdb/generated/ovn-nb.ts';
import type { Operation, OperationResult } from '../../ovsdb/operations.ts';
import type { TransactOptions } from '../../ovsdb/client.ts';
import { planOwner } from './diff.ts';
import { StaleCacheError } from './errors.ts';
import type { DesiredRow } from './model.ts';

/** What reconcilers need of the NB client (`OvsdbClient<OvnNbTables>` is one, monitoring `NB_MONITOR`). */
export interface NbSession {
  readonly cache: DatabaseCache<OvnNbTables>;
  /** The generation of `cache` (`OvsdbClient.cacheGeneration`), read with the rows a plan is made from. */
  readonly cacheGeneration: number;
  transact(ops: readonly Operation[], options: TransactOptions): Promise<OperationResult[]>;
  columnTypes(table: string): ColumnTypes;
}

export interface ConvergeRequest {
  owner: string;
  key: string;
  desired: readonly DesiredRow[];
}

/** Converges the owner's rows; returns the number of operations sent (0: already converged, nothing sent). */
export async function converge(nb: NbSession, request: ConvergeRequest): Promise<number> {
  const cacheGeneration = nb.cacheGeneration;
  const ops = planOwner({ ...request, cache: nb.cache, types: (t) => nb.columnTypes(t) });
  if (ops.length === 0) return 0;
  let results: OperationResult[];
  try {
    results = await nb.transact(ops, { cacheGeneration });
  } catch (err) {
    if (err instanceof TimedOut) {
      throw new StaleCacheError(`${request.key}: a parent row changed under the transaction`, { cause: err });
    }
    throw err;
  }
  ops.forEach((op, i) => {
    if ((op.op === 'update' || op.op === 'mutate' || op.op === 'delete') && results[i]?.count === 0) {
      throw new StaleCacheError(
        `${request.key}: ${op.op} of ${op.table} matched no row; the NB cache was behind`,
      );
    }
  });
  return ops.length;
}
