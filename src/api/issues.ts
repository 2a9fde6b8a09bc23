/**
 * Constructors for field issues (the unit of every validation answer) and their rendering in the form the
 * Kubernetes API server uses, e.g. `spec.cidrBlock: Invalid value: "10.0.1.0/33": invalid network mask 33`.
 */
import type { FieldIssue, RejectionReason } from './types.ts';

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

const typeWords: Record<FieldIssue['type'], string> = {
  FieldValueInvalid: 'Invalid value',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueForbidden: 'Forbidden',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueNotFound: 'Not found',
};

/** One issue as the API server prints it (without the object prefix). */
export function formatIssue(issue: FieldIssue): string {
  const words = typeWords[issue.type];
  if (issue.type === 'FieldValueRequired' && issue.message === 'Required value')
    return `${issue.field}: ${words}`;
  if (issue.type === 'FieldValueForbidden' || issue.type === 'FieldValueRequired') {
    return `${issue.field}: ${words}: ${issue.message}`;
  }
  const value = 'value' in issue ? `: ${JSON.stringify(issue.value)}` : '';
  return `${issue.field}: ${words}${value}: ${issue.message}`;
}

/** The answer class for a set of issues: Forbidden beats Conflict beats Invalid. */
export function rejectionReason(issues: readonly FieldIssue[]): RejectionReason {
  if (issues.some((i) => i.reason === 'Forbidden')) return 'Forbidden';
  if (issues.some((i) => i.reason === 'Conflict')) return 'Conflict';
  return 'Invalid';
}

/** `Vpc.kubeovn.io "test-vpc-1" is invalid: spec.x: Invalid value: ...; spec.y: ...` */
export function formatRejection(kindGroup: string, name: string, issues: readonly FieldIssue[]): string {
  const reason = rejectionReason(issues);
  const verb = reason === 'Invalid' ? 'is invalid' : reason === 'Conflict' ? 'conflicts' : 'is forbidden';
  const detail = issues.map(formatIssue);
  return `${kindGroup} "${name}" ${verb}: ${detail.length === 1 ? detail[0] : `[${detail.join(', ')}]`}`;
}
