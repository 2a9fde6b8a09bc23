/**
 * Field issues (the unit of every validation answer): their constructors, and the one rendering of an issue and of
 * a whole rejection, worded as kube-apiserver words them (k8s.io/apimachinery's field.Error and StatusError), e.g.
 * `Subnet.kubeovn.io "s" is invalid: spec.cidrBlock: Invalid value: "10.0.1.0/33": invalid network mask 33`. The API
 * server's Status, the controller's conditions and `kovn validate`'s lines all print issues through this module.
 */
import type { FieldIssue, FieldIssueType, RejectionReason } from './types.ts';

export const invalid = (
  field: string,
  value: unknown,
  message: string,
  reason?: RejectionReason,
): FieldIssue => ({
  field,
  type: 'FieldValueInvalid',
  message,
  value,
  ...(reason ? { reason } : {}),
});

export const required = (field: string, message = 'Required value'): FieldIssue => ({
  field,
  type: 'FieldValueRequired',
  message,
});

export const notSupported = (field: string, value: unknown, allowed: readonly string[]): FieldIssue => ({
  field,
  type: 'FieldValueNotSupported',
  message: `supported values: ${allowed.map((v) => JSON.stringify(v)).join(', ')}`,
  value,
});

export const forbidden = (field: string, message: string): FieldIssue => ({
  field,
  type: 'FieldValueForbidden',
  message,
  reason: 'Forbidden',
});

export const notFound = (field: string, value: unknown, message: string): FieldIssue => ({
  field,
  type: 'FieldValueNotFound',
  message,
  value,
});

export const conflict = (field: string, value: unknown, message: string): FieldIssue => ({
  field,
  type: 'FieldValueDuplicate',
  message,
  value,
  reason: 'Conflict',
});

/** A field the schema does not declare, as strict decoding names it (`kovn validate`; the API server answers 400). */
export const unknownField = (field: string): FieldIssue => ({
  field,
  type: 'FieldValueNotSupported',
  message: `unknown field "${field}"`,
});

const typeWords: Record<FieldIssueType, string> = {
  FieldValueInvalid: 'Invalid value',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueForbidden: 'Forbidden',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueNotFound: 'Not found',
};

/** The value as Go's field.Error prints it: strings quoted, numbers and booleans bare, anything else as JSON. */
function printValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  return JSON.stringify(value) ?? 'null';
}

/**
 * The body of an issue after its path (a Status cause's message), as field.Error.ErrorBody: the type's words, the
 * value except for Required and Forbidden (and when there is none), then the detail, if any
 * (`Required value` alone when the detail only repeats it).
 */
export function formatIssueBody(issue: FieldIssue): string {
  const words = typeWords[issue.type] ?? issue.type;
  const withValue =
    issue.value !== undefined && issue.type !== 'FieldValueRequired' && issue.type !== 'FieldValueForbidden';
  const body = withValue ? `${words}: ${printValue(issue.value)}` : words;
  const detail = issue.type === 'FieldValueRequired' && issue.message === words ? '' : issue.message;
  return detail ? `${body}: ${detail}` : body;
}

/** One issue as the API server prints it inside a rejection: `spec.x: Invalid value: "y": why`. */
export const formatIssue = (issue: FieldIssue): string => `${issue.field}: ${formatIssueBody(issue)}`;

/** The answer class for a set of issues: Forbidden beats Conflict beats Invalid. */
export function rejectionReason(issues: readonly FieldIssue[]): RejectionReason {
  if (issues.some((i) => i.reason === 'Forbidden')) return 'Forbidden';
  if (issues.some((i) => i.reason === 'Conflict')) return 'Conflict';
  return 'Invalid';
}

/** `Vpc.kubeovn.io` for a kind of a group, `ConfigMap` for a core kind: how rejections name the object's kind. */
export const kindGroup = (kind: string, group: string): string => (group ? `${kind}.${group}` : kind);

/**
 * A rejection as kube-apiserver's Status message words it for the reason of the issues:
 * `<Kind.group> "<name>" is invalid: <issue>` (422), `Operation cannot be fulfilled on <Kind.group> "<name>": ...`
 * (409), `<Kind.group> "<name>" is forbidden: ...` (403); several issues in brackets, comma-separated.
 */
export function formatRejection(qualifiedKind: string, name: string, issues: readonly FieldIssue[]): string {
  const texts = issues.map(formatIssue);
  const detail = texts.length === 1 ? (texts[0] ?? '') : `[${texts.join(', ')}]`;
  switch (rejectionReason(issues)) {
    case 'Forbidden':
      return `${qualifiedKind} "${name}" is forbidden: ${detail}`;
    case 'Conflict':
      return `Operation cannot be fulfilled on ${qualifiedKind} "${name}": ${detail}`;
    default:
      return `${qualifiedKind} "${name}" is invalid: ${detail}`;
  }
}
