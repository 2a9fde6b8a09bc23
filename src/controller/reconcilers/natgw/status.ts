/**
 * Status writes shared by the NAT reconcilers: the wanted fields plus a `Ready` condition (kept untouched when it
 * reads the same, so a converged reconcile writes nothing), and a Warning Event only when the message changes, so a
 * retried failure is not repeated in `kubectl describe`.
 */
import type { KubeObject } from '../../../api/types.ts';
import type { ReconcileContext } from '../../../kube/reconciler.ts';
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
