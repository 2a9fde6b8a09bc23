/**
 * What the gateway agent tells the controller (the only thing it writes to the API): ONE annotation on the gateway
 * pod, `kovn.io/nat-applied`, JSON `{"generation": n, "rules": {"<kind>/<name>": {"ok": true} | {"ok": false,
 * "reason": "..."}}}`. The controller turns each entry into its CR's `status.ready` and `Ready` condition; a rule
 * not tried yet (its EIP has no address) has no entry. The generation grows by one each time the content changes,
 * so the same outcome twice writes nothing. Pure.
 */
import { ANNOTATION_NAT_APPLIED } from '../api/annotations.ts';
import type { ApplyOutcome } from './apply.ts';

export type RuleOutcome = { ok: true } | { ok: false; reason: string };

export interface NatAppliedReport {
  generation: number;
  rules: Record<string, RuleOutcome>;
}

/** The report on the pod, if it can be read. */
export function readReport(
  annotations: Readonly<Record<string, string>> | undefined,
): NatAppliedReport | undefined {
  const text = annotations?.[ANNOTATION_NAT_APPLIED];
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as Partial<NatAppliedReport>;
    if (typeof v.generation !== 'number' || typeof v.rules !== 'object' || v.rules === null) return undefined;
    return { generation: v.generation, rules: v.rules };
  } catch {
    return undefined;
  }
}

/** Sorted by key, so equal outcomes serialise equally. */
export function outcomeRules(results: ApplyOutcome['results']): Record<string, RuleOutcome> {
  return Object.fromEntries([...results.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const same = (a: Record<string, RuleOutcome>, b: Record<string, RuleOutcome>): boolean =>
  JSON.stringify(outcomeRules(new Map(Object.entries(a)) as ApplyOutcome['results'])) ===
  JSON.stringify(outcomeRules(new Map(Object.entries(b)) as ApplyOutcome['results']));

/** The annotation value to write, or undefined when the pod already says this. */
export function nextReport(
  current: NatAppliedReport | undefined,
  rules: Record<string, RuleOutcome>,
): string | undefined {
  if (current && same(current.rules, rules)) return undefined;
  return JSON.stringify({ generation: (current?.generation ?? 0) + 1, rules });
}
