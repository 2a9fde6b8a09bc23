/**
 * metav1.LabelSelector as Kubernetes evaluates it (NetworkPolicy pod and namespace selectors, the lab scheduler's
 * affinity terms):
 * matchLabels AND every matchExpressions requirement (In, NotIn, Exists, DoesNotExist); an empty selector matches
 * everything, a missing one nothing. Pure.
 */

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

type Labels = Readonly<Record<string, string>> | undefined;

/** One set-based requirement against a label's value (undefined: the label is absent); an unknown operator fails. */
export function requirementMatches(req: LabelSelectorRequirement, value: string | undefined): boolean {
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
    default:
      return false;
  }
}

/** Does `selector` select an object with `labels`? `null`/`undefined` selects nothing. */
export function selectorMatches(selector: LabelSelector | null | undefined, labels: Labels): boolean {
  if (!selector) return false;
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {}))
    if (have[key] !== value) return false;
  return (selector.matchExpressions ?? []).every((req) => requirementMatches(req, have[req.key]));
}

/** kubectl's rendering of a selector (metav1.FormatLabelSelector): `<none>` when it selects everything. */
export function formatSelector(selector: LabelSelector | null | undefined): string {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const req of selector?.matchExpressions ?? []) {
    const values = [...(req.values ?? [])].sort().join(',');
    if (req.operator === 'In') parts.push(`${req.key} in (${values})`);
    else if (req.operator === 'NotIn') parts.push(`${req.key} notin (${values})`);
    else if (req.operator === 'Exists') parts.push(req.key);
    else if (req.operator === 'DoesNotExist') parts.push(`!${req.key}`);
    else parts.push(`${req.key} ${req.operator} (${values})`);
  }
  return parts.length ? parts.join(',') : '<none>';
}
