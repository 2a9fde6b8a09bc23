/**
 * Status conditions as Kube-OVN writes them on Subnets and Vpcs (`type`, `status`, `reason`, `message`,
 * `lastUpdateTime`, `lastTransitionTime`). Setting a condition that already reads the same keeps the stored one
 * untouched (so an unchanged reconcile writes nothing); a status flip moves `lastTransitionTime`.
 */
import { milliTime } from '../../util/time.ts';

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

export type ConditionInput = Pick<Condition, 'type' | 'status' | 'reason' | 'message'>;

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
    if (old && old.status === want.status && old.reason === want.reason && old.message === want.message)
      continue;
    const next: Condition = {
      ...want,
      lastUpdateTime: stamp,
      lastTransitionTime: old && old.status === want.status ? (old.lastTransitionTime ?? stamp) : stamp,
    };
    if (at >= 0) out[at] = next;
    else out.push(next);
  }
  return out;
}
