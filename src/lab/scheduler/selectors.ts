/**
 * Label and node selectors as Kubernetes evaluates them: `LabelSelector` (matchLabels AND matchExpressions; an empty
 * selector matches everything, a missing one nothing) and `NodeSelectorTerm` (expressions on labels, fields on
 * `metadata.name`; terms are ORed, a term with no requirement matches nothing). Pure.
 */
import type {
  LabelSelector,
  LabelSelectorRequirement,
  Node,
  NodeSelectorRequirement,
  NodeSelectorTerm,
} from './types.ts';

type Labels = Readonly<Record<string, string>> | undefined;

function requirementMatches(
  req: LabelSelectorRequirement | NodeSelectorRequirement,
  value: string | undefined,
): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      // Node selectors only: one integer value, compared with the label's integer value.
      if (
        value === undefined ||
        values.length !== 1 ||
        !/^-?\d+$/.test(value) ||
        !/^-?\d+$/.test(values[0] ?? '')
      ) {
        return false;
      }
      const [have, want] = [Number(value), Number(values[0])];
      return req.operator === 'Gt' ? have > want : have < want;
    }
    default:
      return false;
  }
}

/** metav1.LabelSelector against a set of labels; `null`/`undefined` matches nothing. */
export function labelSelectorMatches(selector: LabelSelector | null | undefined, labels: Labels): boolean {
  if (!selector) return false;
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {}))
    if (have[key] !== value) return false;
  return (selector.matchExpressions ?? []).every((req) => requirementMatches(req, have[req.key]));
}

function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (!expressions.length && !fields.length) return false;
  const labels = node.metadata.labels ?? {};
  const fieldValue = (key: string): string | undefined =>
    key === 'metadata.name' ? node.metadata.name : undefined;
  return (
    expressions.every((req) => requirementMatches(req, labels[req.key])) &&
    fields.every((req) => requirementMatches(req, fieldValue(req.key)))
  );
}

/** core/v1 NodeSelector: any term matches. */
export function nodeSelectorTermsMatch(terms: readonly NodeSelectorTerm[], node: Node): boolean {
  return terms.some((term) => termMatches(term, node));
}
