/**
 * ObjectMeta validation that kube-apiserver applies to every kind: name formats (RFC 1123 subdomain or label,
 * RFC 1035 label for Services, path segment for RBAC), label keys and values, annotation size. Part of the shared
 * admission pipeline (`../admission.ts`), so `kovn validate` refuses a bad name as the API server will.
 */
import type { FieldIssue, KubeObject, ObjectMeta } from '../types.ts';

const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const label1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const label1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const qualifiedName = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export type NameRule = 'subdomain' | 'label' | 'dns1035' | 'path';

export function nameRuleFor(kind: string, group: string): NameRule {
  if (kind === 'Namespace') return 'label';
  if (kind === 'Service') return 'dns1035';
  if (group === 'rbac.authorization.k8s.io') return 'path';
  return 'subdomain';
}

export function nameProblem(name: string, rule: NameRule): string | undefined {
  switch (rule) {
    case 'path':
      if (name === '.' || name === '..') return `may not be '${name}'`;
      if (name.includes('/') || name.includes('%'))
        return `may not contain '${name.includes('/') ? '/' : '%'}'`;
      return undefined;
    case 'label':
      if (name.length > 63) return 'must be no more than 63 characters';
      return label1123.test(name)
        ? undefined
        : "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    case 'dns1035':
      if (name.length > 63) return 'must be no more than 63 characters';
      return label1035.test(name)
        ? undefined
        : "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
    default:
      if (name.length > 253) return 'must be no more than 253 characters';
      return subdomain.test(name)
        ? undefined
        : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  }
}

function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (slash >= 0 && (prefix === '' || prefix.length > 253 || !subdomain.test(prefix)))
    return 'prefix part must be a lowercase RFC 1123 subdomain';
  if (name.length === 0 || name.length > 63 || !qualifiedName.test(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  }
  return undefined;
}

/** The name, or while there is none (a manifest checked offline) the generateName prefix; a trailing '-' is usual. */
function nameIssues(meta: ObjectMeta, rule: NameRule): FieldIssue[] {
  const name = meta.name ?? '';
  const [field, value] = name
    ? ['metadata.name', name]
    : meta.generateName
      ? ['metadata.generateName', meta.generateName]
      : ['', ''];
  if (!field)
    return [
      { field: 'metadata.name', type: 'FieldValueRequired', message: 'name or generateName is required' },
    ];
  const problem = nameProblem(name || value.replace(/-$/, 'a'), rule);
  return problem ? [{ field, type: 'FieldValueInvalid', value, message: problem }] : [];
}

export function validateMeta(object: KubeObject, rule: NameRule): FieldIssue[] {
  const meta = object.metadata;
  const issues = nameIssues(meta, rule);
  for (const [key, value] of Object.entries(meta.labels ?? {})) {
    const keyProblem = labelKeyProblem(key);
    if (keyProblem)
      issues.push({ field: 'metadata.labels', type: 'FieldValueInvalid', value: key, message: keyProblem });
    if (typeof value !== 'string' || value.length > 63 || !labelValue.test(value)) {
      issues.push({
        field: 'metadata.labels',
        type: 'FieldValueInvalid',
        value,
        message:
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      });
    }
  }
  let annotationBytes = 0;
  for (const [key, value] of Object.entries(meta.annotations ?? {})) {
    const keyProblem = labelKeyProblem(key.toLowerCase());
    if (keyProblem)
      issues.push({
        field: 'metadata.annotations',
        type: 'FieldValueInvalid',
        value: key,
        message: keyProblem,
      });
    if (typeof value !== 'string')
      issues.push({
        field: `metadata.annotations[${key}]`,
        type: 'FieldValueInvalid',
        value,
        message: 'must be a string',
      });
    annotationBytes += key.length + (typeof value === 'string' ? Buffer.byteLength(value) : 0);
  }
  if (annotationBytes > 256 * 1024)
    issues.push({
      field: 'metadata.annotations',
      type: 'FieldValueInvalid',
      value: annotationBytes,
      message: 'must have at most 262144 bytes',
    });
  for (const [i, ref] of (meta.ownerReferences ?? []).entries()) {
    for (const f of ['apiVersion', 'kind', 'name', 'uid'] as const) {
      if (!ref[f])
        issues.push({
          field: `metadata.ownerReferences[${i}].${f}`,
          type: 'FieldValueRequired',
          message: '',
        });
    }
  }
  if (
    meta.finalizers !== undefined &&
    (!Array.isArray(meta.finalizers) || meta.finalizers.some((f) => typeof f !== 'string' || f === ''))
  ) {
    issues.push({
      field: 'metadata.finalizers',
      type: 'FieldValueInvalid',
      value: meta.finalizers,
      message: 'must be a list of non-empty strings',
    });
  }
  return issues;
}
