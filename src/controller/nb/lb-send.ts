/**
 * The NB I/O of a Service reconcile: converge the owner's Load_Balancer rows (diff.ts) and their switch links
 * (lb-links.ts) in one transaction. Links need the rows' UUIDs, so a plan that inserts a load balancer is sent alone
 * and reported `linksPending`: the caller looks again once the cache holds the new row, and that reconcile (or any
 * later one) links it. A converged owner sends nothing. As in send.ts, the plan goes out with the cache generation it
 * was made from and is refused unsent if the connection was lost since.
 */
import { comment } from '../../ovsdb/operations.ts';
import { planOwner } from './diff.ts';
import { planLbLinks } from './lb-links.ts';
import type { DesiredRow } from './model.ts';
import { StaleCacheError } from './errors.ts';
import type { NbSession } from './send.ts';

export interface LbConvergeRequest {
  owner: string;
  key: string;
  desired: readonly DesiredRow[];
  switchesOf: (vpc: string) => readonly string[];
}

export interface LbConvergeOutcome {
  /** Operations sent (0: converged). */
  sent: number;
  /** A load balancer was inserted and still has to be linked to its switches. */
  linksPending: boolean;
}

export async function convergeLoadBalancers(
  nb: NbSession,
  request: LbConvergeRequest,
): Promise<LbConvergeOutcome> {
  const cacheGeneration = nb.cacheGeneration;
  const rows = planOwner({ ...request, cache: nb.cache, types: (t) => nb.columnTypes(t) });
  const inserts = rows.some((op) => op.op === 'insert');
  const links = inserts
    ? []
    : planLbLinks({ cache: nb.cache, owner: request.owner, switchesOf: request.switchesOf });
  const ops = rows.length
    ? [...rows, ...links]
    : links.length
      ? [comment(`kovn reconcile ${request.key}`), ...links]
      : [];
  if (!ops.length) return { sent: 0, linksPending: false };
  const results = await nb.transact(ops, { cacheGeneration });
  ops.forEach((op, i) => {
    if ((op.op === 'update' || op.op === 'mutate' || op.op === 'delete') && results[i]?.count === 0) {
      throw new StaleCacheError(
        `${request.key}: ${op.op} of ${op.table} matched no row; the NB cache was behind`,
      );
    }
  });
  return { sent: ops.length, linksPending: inserts };
}
