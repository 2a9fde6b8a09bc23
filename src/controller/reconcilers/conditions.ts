/**
 * Status conditions as Kube-OVN writes them (pkg/apis/kubeovn/v1/condition.go: `type`, `status`, `reason`,
 * `message`, `lastUpdateTime`, `lastTransitionTime`; an empty message is omitted, as Go's `omitempty` does). Setting
 * a condition that already reads the same keeps the stored one untouched (so an unchanged reconcile writes
 * nothing); a status flip moves `lastTransitionTime`. Times are to the millisecond (Kube-OVN's metav1.Time writes
 * seconds; both parse as RFC 3339, ADR 19).
 */
import { milliTime } from '../../util/time.ts';

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  /** Absent when empty. */
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

export type ConditionInput = Pick<Condition, 'type' | 'status' | 'reason'> & { message: string };

export function setConditions(
  current: readonly Condition[] | undefined,
  wanted: readonly ConditionInput[],
  now: number,
): Condition[] {
  const stamp = milliTime(now);
  const out = [...(current ?? [])];
  for (const want of wanted) {
    const at = out.findIndex((c) => c.type === want.type);
    const old = at >= 0 ? out[at] : undefined;
    const same = old?.status === want.status && old.reason === want.reason;
    if (old && same && (old.message ?? '') === want.message) continue;
    const next: Condition = {
      type: want.type,
      status: want.status,
      reason: want.reason,
      ...(want.message ? { message: want.message } : {}),
      lastUpdateTime: stamp,
      lastTransitionTime: old && old.status === want.status ? (old.lastTransitionTime ?? stamp) : stamp,
    };
    if (at >= 0) out[at] = next;
    else out.push(next);
  }
  return out;
}
