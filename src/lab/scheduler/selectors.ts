/**
 * Label and node selectors as Kubernetes evaluates them: `LabelSelector` (matchLabels AND matchExpressions; an empty
 * selector matches everything, a missing one nothing) and `NodeSelectorTerm` (expressions on labels, fields on
 * `metadata.name`; terms are ORed, a term with no requirement matches nothing). The label selector itself is
 * src/api/label-selector.ts. Pure.
 */
import { requirementMatches, selectorMatches } from '../../api/label-selector.ts';
import type { LabelSelector, Node, NodeSelectorRequirement, NodeSelectorTerm } from './types.ts';

/** A node selector requirement: the label selector's operators, and Gt/Lt (one integer, compared as integers). */
function nodeRequirementMatches(req: NodeSelectorRequirement, value: string | undefined): boolean {
  if (req.operator !== 'Gt' && req.operator !== 'Lt') return requirementMatches(req, value);
  const values = req.values ?? [];
  if (
    value === undefined ||
    values.length !== 1 ||
    !/^-?\d+$/.test(value) ||
    !/^-?\d+$/.test(values[0] ?? '')
  )
    return false;
  const [have, want] = [Number(value), Number(values[0])];
  return req.operator === 'Gt' ? have > want : have < want;
}

/** metav1.LabelSelector against a set of labels; `null`/`undefined` matches nothing. */
export const labelSelectorMatches = (
  selector: LabelSelector | null | undefined,
  labels: Readonly<Record<string, string>> | undefined,
): boolean => selectorMatches(selector, labels);

function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (!expressions.length && !fields.length) return false;
  const labels = node.metadata.labels ?? {};
  const fieldValue = (key: string): string | undefined =>
    key === 'metadata.name' ? node.metadata.name : undefined;
  return (
    expressions.every((req) => nodeRequirementMatches(req, labels[req.key])) &&
    fields.every((req) => nodeRequirementMatches(req, fieldValue(req.key)))
  );
}

/** core/v1 NodeSelector: any term matches. */
export function nodeSelectorTermsMatch(terms: readonly NodeSelectorTerm[], node: Node): boolean {
  return terms.some((term) => termMatches(term, node));
}
