/**
 * The gateway agent's report, `kovn.io/nat-applied` on the gateway pod: JSON
 * `{"generation": n, "rules": {"<eip|dnat|snat|fip>/<name>": {"ok": true} | {"ok": false, "reason": "..."}}}`.
 * Turned here into the verdict for one CR: applied, failed with the agent's reason, or still pending (no pod, no
 * report, or no entry yet: the agent has not tried it). A report that is not valid JSON counts as none. Pure.
 */
import type { KubeObject } from '../../../api/types.ts';
import { ANNOTATION_NAT_APPLIED } from '../../../api/annotations.ts';

export interface AppliedReport {
  generation: number;
  rules: Record<string, { ok: boolean; reason?: string }>;
}

export type AppliedVerdict =
  { state: 'applied' } | { state: 'failed'; reason: string } | { state: 'pending'; reason: string };

export function parseApplied(text: string | undefined): AppliedReport | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null) return undefined;
    const { generation, rules } = value as { generation?: unknown; rules?: unknown };
    if (typeof rules !== 'object' || rules === null) return undefined;
    const out: AppliedReport['rules'] = {};
    for (const [key, entry] of Object.entries(rules as Record<string, unknown>)) {
      if (typeof entry !== 'object' || entry === null) continue;
      const { ok, reason } = entry as { ok?: unknown; reason?: unknown };
      out[key] = { ok: ok === true, ...(typeof reason === 'string' ? { reason } : {}) };
    }
    return { generation: typeof generation === 'number' ? generation : 0, rules: out };
  } catch {
    return undefined;
  }
}

/** Parsed reports by cached pod object (immutable in the informer): every rule of a gateway reads the same one. */
const parsed = new WeakMap<KubeObject, AppliedReport | undefined>();

function reportOf(pod: KubeObject): AppliedReport | undefined {
  if (!parsed.has(pod)) parsed.set(pod, parseApplied(pod.metadata.annotations?.[ANNOTATION_NAT_APPLIED]));
  return parsed.get(pod);
}

/** The verdict for `<short>/<name>` on the gateway pod (undefined pod: the gateway has no pod yet). */
export function appliedVerdict(pod: KubeObject | undefined, entry: string, podName: string): AppliedVerdict {
  if (!pod || pod.metadata.deletionTimestamp)
    return { state: 'pending', reason: `the gateway pod ${podName} is not running` };
  const report = reportOf(pod);
  if (!report)
    return { state: 'pending', reason: `the gateway pod ${podName} has not applied its rules yet` };
  const result = report.rules[entry];
  if (!result) return { state: 'pending', reason: `the gateway pod ${podName} has not applied ${entry} yet` };
  if (result.ok) return { state: 'applied' };
  return { state: 'failed', reason: result.reason || `the gateway pod ${podName} could not apply ${entry}` };
}
