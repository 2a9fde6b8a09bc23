/**
 * What the gateway agent tells the controller (the only thing it writes to the API): the `kovn.io/nat-applied`
 * report whose format src/api/nat-report.ts defines. Here: the next value to write, from the apply outcome. The
 * generation grows by one each time the content changes, so the same outcome twice writes nothing. Pure.
 */
import type { NatAppliedReport, RuleOutcome } from '../api/nat-report.ts';
import type { ApplyOutcome } from './apply.ts';

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
