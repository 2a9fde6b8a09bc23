/**
 * Errors that render themselves as Kubernetes `Status` objects (metav1.Status): one class, with constructors for
 * the reasons the server answers with (NotFound, AlreadyExists, Conflict, Invalid, Forbidden, Gone, ...), and the
 * mapping of admission FieldIssues onto an Invalid/Forbidden Status with causes (the wording of issues and
 * rejections is src/api/issues.ts's, shared with the controller and `kovn validate`).
 */
import { formatIssueBody, formatRejection, kindGroup, rejectionReason } from '../api/issues.ts';
import type { FieldIssue } from '../api/types.ts';

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
  /** A Status's ListMeta: only `continue`, on a 410 for a list continued at a compacted revision. */
  metadata: { continue?: string };
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
  /** Warning headers sent with the Status (e.g. admission warnings of a refused write). */
  warnings: readonly string[] = [];
  /** The Status's list metadata (see StatusObject.metadata). */
  listMeta: { continue?: string } = {};

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
      metadata: { ...this.listMeta },
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

/**
 * As apimachinery's NewForbidden: `<resource>.<group> "<name>" is forbidden: <why>`, the name left out (message and
 * details) when there is none, as for a refused create or deletecollection.
 */
export function forbidden(q: Qualified, name: string, why: string): ApiError {
  const subject = name ? `${qualify(q.resource, q.group)} "${name}"` : qualify(q.resource, q.group);
  return new ApiError(403, 'Forbidden', `${subject} is forbidden: ${why}`, {
    ...(name ? { name } : {}),
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

/** As kube-apiserver's limitedReadBody: `Request entity too large: limit is 3145728`. */
export function tooLarge(limit: number): ApiError {
  return new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`, {});
}

/** As apimachinery's NewUnauthorized("Unauthorized"), kube-apiserver's answer to a bad token: no details. */
export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export function gone(message: string): ApiError {
  return new ApiError(410, 'Expired', message, {});
}

/**
 * kube-apiserver's 410 for a list continued at a revision compacted away (its etcd3 store's `inconsistentContinue`):
 * `continueToken` lists the remainder at the latest revision, which the message offers as the inconsistent choice.
 */
export function expiredContinue(continueToken: string): ApiError {
  const error = new ApiError(
    410,
    'Expired',
    'The provided continue parameter is too old to display a consistent list result. You can start a new list ' +
      'without the continue parameter, or use the continue token in this response to retrieve the remainder of the ' +
      'results. Continuing with the provided token results in an inconsistent list - objects that were created, ' +
      'modified, or deleted between the time the first chunk was returned and now may show up in the list.',
  );
  error.listMeta = { continue: continueToken };
  return error;
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

/**
 * One Status for a set of admission issues: Forbidden (403) when any issue is Forbidden, else Invalid (422); the
 * message is the shared rejection text (src/api/issues.ts), one cause per issue.
 */
export function rejection(q: Qualified, name: string, issues: readonly FieldIssue[]): ApiError {
  const causes: StatusCause[] = issues.map((i) => ({
    reason: i.type,
    message: formatIssueBody(i),
    field: i.field,
  }));
  const details: StatusDetails = { name, group: q.group, kind: q.kind, causes };
  const message = formatRejection(kindGroup(q.kind, q.group), name, issues);
  const reason = rejectionReason(issues);
  const code = reason === 'Forbidden' ? 403 : 422;
  return new ApiError(code, reason, message, details);
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
