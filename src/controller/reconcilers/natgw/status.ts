/**
 * Status writes shared by the NAT reconcilers: the wanted fields plus a `Ready` condition (kept untouched when it
 * reads the same, so a converged reconcile writes nothing), and a Warning Event only when the message changes, so a
 * retried failure is not repeated in `kubectl describe`; and the stop-short status (`NotReady`) a reconcile's plan
 * returns when it cannot converge yet, written with its requeue.
 */
import type { KubeObject } from '../../../api/types.ts';
import type { ReconcileContext, ReconcileResult } from '../../../kube/reconciler.ts';
import { setConditions, type Condition, type ConditionInput } from '../conditions.ts';
import { refOf, statusChanges, type ObjectWriter } from '../../../kube/writer.ts';

export const readyCondition = (ready: boolean, reason: string, message: string): ConditionInput => ({
  type: 'Ready',
  status: ready ? 'True' : 'False',
  reason,
  message,
});

export async function writeStatus(
  writer: ObjectWriter,
  ctx: ReconcileContext,
  obj: KubeObject,
  fields: Record<string, unknown>,
  condition: ConditionInput,
): Promise<void> {
  const current = (obj['status'] as { conditions?: Condition[] } | undefined)?.conditions;
  const want = { ...fields, conditions: setConditions(current, [condition], ctx.clock.now()) };
  const changes = statusChanges(obj, want);
  if (Object.keys(changes).length) await writer.patchStatus(refOf(obj), changes);
  const old = current?.find((c) => c.type === 'Ready');
  if (condition.status === 'False' && old?.message !== condition.message && condition.reason !== 'Pending') {
    await writer.event(refOf(obj), { type: 'Warning', reason: condition.reason, message: condition.message });
  }
}

/** A reconcile that stops short of converging: the status to write, and when to look again (absent: not before a change). */
export interface NotReady {
  fields: Record<string, unknown>;
  condition: ConditionInput;
  requeueAfterMs?: number;
}

/** Writes a stop-short status; the result requeues when the stop says so. */
export async function writeNotReady(
  writer: ObjectWriter,
  ctx: ReconcileContext,
  obj: KubeObject,
  stop: NotReady,
): Promise<ReconcileResult> {
  await writeStatus(writer, ctx, obj, stop.fields, stop.condition);
  return stop.requeueAfterMs === undefined ? undefined : { requeueAfterMs: stop.requeueAfterMs };
}
