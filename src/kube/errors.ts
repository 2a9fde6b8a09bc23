/**
 * Errors of the Kubernetes API clients (client.ts, and the informers' informer-http.ts) and the one set of
 * predicates over them. `ApiStatusError` carries the server's `Status` (reason, message, details with field causes)
 * so commands can print it as kubectl does; `UnreachableError` says which server could not be reached. Callers test
 * an answer with `isNotFound`, `isAlreadyExists`, `isConflict`, `isGone` and `isPathNotServed`, never by code.
 */

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface KubeStatus {
  kind?: string;
  code?: number;
  reason?: string;
  message?: string;
  details?: { name?: string; group?: string; kind?: string; causes?: StatusCause[] };
}

export class ApiStatusError extends Error {
  readonly code: number;
  readonly status: KubeStatus;
  constructor(what: string, code: number, status: KubeStatus, options?: ErrorOptions) {
    super(`${what}: ${code} ${status.reason ?? ''} ${status.message ?? ''}`.trim(), options);
    this.name = 'ApiStatusError';
    this.code = code;
    this.status = status;
  }
  get reason(): string {
    return this.status.reason || reasonForCode(this.code);
  }
  get serverMessage(): string {
    return this.status.message ?? '';
  }
}

export class UnreachableError extends Error {
  constructor(server: string, options?: ErrorOptions) {
    const cause = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`cannot reach the API server at ${server}${cause} (is the lab up? see \`kovn up\`)`, options);
    this.name = 'UnreachableError';
  }
}

/** The reason kube-apiserver gives a status code when the body names none (as client-go fills it in). */
export function reasonForCode(code: number): string {
  const reasons: Record<number, string> = {
    400: 'BadRequest',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'NotFound',
    405: 'MethodNotAllowed',
    406: 'NotAcceptable',
    409: 'Conflict',
    410: 'Gone',
    415: 'UnsupportedMediaType',
    422: 'Invalid',
    429: 'TooManyRequests',
    500: 'InternalError',
    503: 'ServiceUnavailable',
    504: 'Timeout',
  };
  return reasons[code] ?? 'Unknown';
}

const answered = (err: unknown, code: number): err is ApiStatusError =>
  err instanceof ApiStatusError && err.code === code;

/** 404: the object (or the path) does not exist. */
export const isNotFound = (err: unknown): boolean => answered(err, 404);

/** A 404 that names no object: the server does not serve the path at all (e.g. no `pods/binding` subresource). */
export const isPathNotServed = (err: unknown): boolean => answered(err, 404) && !err.status.details?.name;

/** 409 AlreadyExists: a create found an object of that name. */
export const isAlreadyExists = (err: unknown): boolean =>
  answered(err, 409) && err.reason === 'AlreadyExists';

/** 409 Conflict: a write against a resourceVersion that is no longer current. */
export const isConflict = (err: unknown): boolean => answered(err, 409) && err.reason === 'Conflict';

/** 410 Gone: a list or watch from a resourceVersion the server no longer has. */
export const isGone = (err: unknown): boolean => answered(err, 410);
