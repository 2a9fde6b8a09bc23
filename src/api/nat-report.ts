/**
 * The NAT gateway agent's report, the contract between the gateway agent (src/natgw, which writes it) and the
 * controller (which turns it into each NAT CR's `status.ready`): ONE annotation on the gateway pod,
 * `kovn.io/nat-applied`, JSON `{"generation": n, "rules": {"<eip|dnat|snat|fip>/<name>": {"ok": true} |
 * {"ok": false, "reason": "..."}}}`. A rule not tried yet (its EIP has no address) has no entry. Both sides read it
 * with `readNatReport`: a value that is not JSON, or has no numeric generation or no rules object, is no report;
 * an entry whose `ok` is not `true` is a failure (its reason, when a string, kept). Pure.
 */
import { ANNOTATION_NAT_APPLIED } from './annotations.ts';

export type RuleOutcome = { ok: true } | { ok: false; reason: string };

export interface NatAppliedReport {
  generation: number;
  rules: Record<string, RuleOutcome>;
}

/** The report an annotation value holds, if it is one. */
export function parseNatReport(text: string | undefined): NatAppliedReport | undefined {
  if (!text) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { generation, rules } = value as { generation?: unknown; rules?: unknown };
  if (typeof generation !== 'number' || typeof rules !== 'object' || rules === null) return undefined;
  const out: Record<string, RuleOutcome> = {};
  for (const [key, entry] of Object.entries(rules as Record<string, unknown>)) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { ok, reason } = entry as { ok?: unknown; reason?: unknown };
    out[key] = ok === true ? { ok: true } : { ok: false, reason: typeof reason === 'string' ? reason : '' };
  }
  return { generation, rules: out };
}

/** The report on a gateway pod, from its annotations. */
export const readNatReport = (
  annotations: Readonly<Record<string, string>> | undefined,
): NatAppliedReport | undefined => parseNatReport(annotations?.[ANNOTATION_NAT_APPLIED]);
