/**
 * Errors that render themselves as Kubernetes `Status` objects (metav1.Status): one class, with constructors for
 * the reasons the server answers with (NotFound, AlreadyExists, Conflict, Invalid, Forbidden, Gone, ...), and the
 * mapping of admission FieldIssues onto an Invalid/Conflict/Forbidden Status with causes, worded as
 * k8s.io/apimachinery's field errors are.
 */
import type { FieldIssue, FieldIssueType } from '../api/types.ts';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface StatusObject {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

/** Names a resource in messages: plural + group (`vpcs.kubeovn.io`) or kind + group (`Vpc.kubeovn.io`). */
export interface Qualified {
  group: string;
  /** plural resource name, e.g. `vpcs` */
  resource: string;
  kind: string;
}

function qualify(name: string, group: string): string {
  return group ? `${name}.${group}` : name;
}

export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: StatusDetails | undefined;

  constructor(
    code: number,
    reason: string,
    message: string,
    details?: StatusDetails,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ApiError';
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  toStatus(): StatusObject {
    const status: StatusObject = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) status.details = this.details;
    return status;
  }
}

export function notFound(q: Qualified, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualify(q.resource, q.group)} "${name}" not found`, {
    name,
    group: q.group,
    kind: q.resource,
  });
}

export function pathNotFound(path: string): ApiError {
  return new ApiError(404, 'NotFound', `the server could not find the requested resource (${path})`, {});
}

export function alreadyExists(q: Qualified, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualify(q.resource, q.group)} "${name}" already exists`, {
    name,
    group: q.group,
    kind: q.resource,
  });
}

export function conflict(q: Qualified, name: string, why: string): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualify(q.resource, q.group)} "${name}": ${why}`,
    {
      name,
      group: q.group,
      kind: q.resource,
    },
  );
}

export function staleResourceVersion(q: Qualified, name: string): ApiError {
  return conflict(
    q,
    name,
    'the object has been modified; please apply your changes to the latest version and try again',
  );
}

export function forbidden(q: Qualified, name: string, why: string): ApiError {
  return new ApiError(403, 'Forbidden', `${qualify(q.resource, q.group)} "${name}" is forbidden: ${why}`, {
    name,
    group: q.group,
    kind: q.resource,
  });
}

export function badRequest(message: string, options?: ErrorOptions): ApiError {
  return new ApiError(400, 'BadRequest', message, undefined, options);
}

export function methodNotAllowed(message: string): ApiError {
  return new ApiError(405, 'MethodNotAllowed', message, {});
}

export function unsupportedMediaType(contentType: string, accepted: readonly string[]): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format (${contentType || 'none'}) - accepted media types include: ${accepted.join(', ')}`,
    {},
  );
}

export function notAcceptable(accepted: readonly string[]): ApiError {
  return new ApiError(
    406,
    'NotAcceptable',
    `only the following media types are accepted: ${accepted.join(', ')}`,
    {},
  );
}

export function tooLarge(limit: number): ApiError {
  return new ApiError(
    413,
    'RequestEntityTooLarge',
    `the request body is larger than the limit of ${limit} bytes`,
    {},
  );
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized', {});
}

export function gone(message: string): ApiError {
  return new ApiError(410, 'Expired', message, {});
}

export function internal(message: string, cause?: unknown): ApiError {
  return new ApiError(
    500,
    'InternalError',
    `Internal error occurred: ${message}`,
    { causes: [{ message }] },
    { cause },
  );
}

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
  return JSON.stringify(value) ?? 'undefined';
}

/** The body of a field error after its path: `Invalid value: "x": must be a CIDR`. */
export function issueBody(issue: FieldIssue): string {
  const words = typeWords[issue.type] ?? issue.type;
  const withValue =
    'value' in issue &&
    issue.value !== undefined &&
    (issue.type === 'FieldValueInvalid' ||
      issue.type === 'FieldValueDuplicate' ||
      issue.type === 'FieldValueNotSupported');
  let body = withValue ? `${words}: ${printValue(issue.value)}` : words;
  if (issue.message) body += `: ${issue.message}`;
  return body;
}

export function issueText(issue: FieldIssue): string {
  return `${issue.field}: ${issueBody(issue)}`;
}

const severity = { Invalid: 0, Conflict: 1, Forbidden: 2 } as const;

/** One Status for a set of admission issues: the most severe reason present wins (Forbidden > Conflict > Invalid). */
export function rejection(q: Qualified, name: string, issues: readonly FieldIssue[]): ApiError {
  let reason: 'Invalid' | 'Conflict' | 'Forbidden' = 'Invalid';
  for (const issue of issues) {
    const r = issue.reason ?? 'Invalid';
    if (severity[r] > severity[reason]) reason = r;
  }
  const texts = issues.map(issueText);
  const joined = texts.length === 1 ? (texts[0] ?? '') : `[${texts.join(', ')}]`;
  const causes: StatusCause[] = issues.map((i) => ({
    reason: i.type,
    message: issueBody(i),
    field: i.field,
  }));
  const details: StatusDetails = { name, group: q.group, kind: q.kind, causes };
  const kindName = qualify(q.kind, q.group);
  switch (reason) {
    case 'Forbidden':
      return new ApiError(403, 'Forbidden', `${kindName} "${name}" is forbidden: ${joined}`, details);
    case 'Conflict':
      return new ApiError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${kindName} "${name}": ${joined}`,
        details,
      );
    default:
      return new ApiError(422, 'Invalid', `${kindName} "${name}" is invalid: ${joined}`, details);
  }
}

export function successStatus(details?: StatusDetails): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    ...(details ? { details } : {}),
  };
}
