/**
 * Field issues (the unit of every validation answer): their constructors, and the one rendering of an issue, of a
 * warning and of a whole rejection, worded as kube-apiserver words them (k8s.io/apimachinery's field.Error and
 * StatusError; a field warning as `<field>: <message>`), e.g.
 * `Subnet.kubeovn.io "s" is invalid: spec.cidrBlock: Invalid value: "10.0.1.0/33": invalid network mask 33`. The API
 * server's Status and Warning headers, the controller's conditions and `kovn validate`'s lines all print issues
 * through this module.
 */
import type { FieldIssue, FieldIssueType, IssueSeverity, RejectionReason } from './types.ts';

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

/** The issue as a 403 (where Kube-OVN's webhook denies a request rather than answering it is bad), kept otherwise. */
export const denied = (issue: FieldIssue): FieldIssue =>
  issue.severity ? issue : { ...issue, reason: 'Forbidden' };

/** A value another object (or entry) already holds: 422 with a `FieldValueDuplicate` cause, as field.Duplicate. */
export const duplicate = (field: string, value: unknown, message: string): FieldIssue => ({
  field,
  type: 'FieldValueDuplicate',
  message,
  value,
});

/**
 * An issue that does not refuse the write (types.ts IssueSeverity): `warning` everywhere, or `controller` (accepted by
 * the API server with a Warning, not programmed by the controller, as Kube-OVN's controller refuses it).
 */
export const warning = (field: string, message: string, severity: IssueSeverity = 'warning'): FieldIssue => ({
  field,
  type: 'FieldValueInvalid',
  message,
  severity,
});

/** Does this issue refuse the write? At the controller (`controller`), the `controller` severity refuses too. */
export const refuses = (issue: FieldIssue, controller = false): boolean =>
  issue.severity === undefined || (controller && issue.severity === 'controller');

/** A warning as kube-apiserver words a field warning (kubectl prints it after `Warning: `). */
export const formatWarning = (issue: FieldIssue): string => `${issue.field}: ${issue.message}`;

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

/** The answer class for a set of issues: Forbidden beats Invalid. */
export function rejectionReason(issues: readonly FieldIssue[]): RejectionReason {
  return issues.some((i) => i.reason === 'Forbidden') ? 'Forbidden' : 'Invalid';
}

/** `Vpc.kubeovn.io` for a kind of a group, `ConfigMap` for a core kind: how rejections name the object's kind. */
export const kindGroup = (kind: string, group: string): string => (group ? `${kind}.${group}` : kind);

/**
 * A rejection as kube-apiserver's Status message words it for the reason of the issues:
 * `<Kind.group> "<name>" is invalid: <issue>` (422), `<Kind.group> "<name>" is forbidden: ...` (403); several issues
 * in brackets, comma-separated.
 */
export function formatRejection(qualifiedKind: string, name: string, issues: readonly FieldIssue[]): string {
  const texts = issues.map(formatIssue);
  const detail = texts.length === 1 ? (texts[0] ?? '') : `[${texts.join(', ')}]`;
  const verdict = rejectionReason(issues) === 'Forbidden' ? 'is forbidden' : 'is invalid';
  return `${qualifiedKind} "${name}" ${verdict}: ${detail}`;
}
