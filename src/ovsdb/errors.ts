/**
 * Typed OVSDB errors, one class per error string that the wire carries (RFC 7047 §4.1.3 "transact" and §5.2
 * "Operations" list the strings each operation may return; ovsdb-server adds a few, such as "unknown column").
 * `errorFromWire` maps `{error, details}` to its class and attaches the failing operation and its index in the
 * transaction, so callers branch with `instanceof` and never on message text. Client-side failures (the connection
 * dropped, the client was closed, a request timed out, a call missed its deadline, a transaction refused unsent
 * because there is no connection or its plan is stale) have their own classes below.
 */
import type { Operation } from './operations.ts';

export interface OvsdbErrorContext {
  /** Index in the transaction's result array: an operation's index, or `operations.length` for a commit failure. */
  index?: number;
  /** The operation that failed; absent when the error belongs to the transaction's commit as a whole. */
  operation?: Operation;
  /** The JSON-RPC method whose response carried the error. */
  method?: string;
}

/** Base class: an error reported by the server. `code` is the wire error string. */
export class OvsdbError extends Error {
  readonly code: string;
  readonly details: string | undefined;
  readonly index: number | undefined;
  readonly operation: Operation | undefined;
  readonly method: string | undefined;

  constructor(code: string, details?: string, context: OvsdbErrorContext = {}, options?: ErrorOptions) {
    const where =
      context.index === undefined
        ? ''
        : context.operation === undefined
          ? ` (commit, after ${context.index} operations)`
          : ` (operation ${context.index}: ${context.operation.op}${'table' in context.operation ? ` ${context.operation.table}` : ''})`;
    super(`${code}${details ? `: ${details}` : ''}${where}`, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
    this.index = context.index;
    this.operation = context.operation;
    this.method = context.method;
  }
}

export class ReferentialIntegrityViolation extends OvsdbError {}
export class ConstraintViolation extends OvsdbError {}
export class ResourcesExhausted extends OvsdbError {}
export class OvsdbIoError extends OvsdbError {}
export class DuplicateUuidName extends OvsdbError {}
export class DomainError extends OvsdbError {}
export class OvsdbRangeError extends OvsdbError {}
export class TimedOut extends OvsdbError {}
export class NotSupported extends OvsdbError {}
export class Aborted extends OvsdbError {}
export class NotOwner extends OvsdbError {}
export class UnknownDatabase extends OvsdbError {}
export class OvsdbSyntaxError extends OvsdbError {}
export class UnknownColumn extends OvsdbError {}
export class UnknownTable extends OvsdbError {}
export class UnknownMethod extends OvsdbError {}
export class UnknownOperation extends OvsdbError {}
export class PermissionError extends OvsdbError {}
export class ClusterError extends OvsdbError {}
export class NotLeader extends OvsdbError {}
export class InternalError extends OvsdbError {}

type OvsdbErrorClass = new (code: string, details?: string, context?: OvsdbErrorContext) => OvsdbError;

const classes: ReadonlyMap<string, OvsdbErrorClass> = new Map<string, OvsdbErrorClass>([
  ['referential integrity violation', ReferentialIntegrityViolation],
  ['constraint violation', ConstraintViolation],
  ['resources exhausted', ResourcesExhausted],
  ['I/O error', OvsdbIoError],
  ['duplicate uuid-name', DuplicateUuidName],
  ['domain error', DomainError],
  ['range error', OvsdbRangeError],
  ['timed out', TimedOut],
  ['not supported', NotSupported],
  ['aborted', Aborted],
  ['not owner', NotOwner],
  ['unknown database', UnknownDatabase],
  ['syntax error', OvsdbSyntaxError],
  ['unknown column', UnknownColumn],
  ['unknown table', UnknownTable],
  ['unknown method', UnknownMethod],
  ['unknown operation', UnknownOperation],
  ['permission error', PermissionError],
  ['cluster error', ClusterError],
  ['not leader', NotLeader],
  ['internal error', InternalError],
]);

/** The class for a wire error string (base `OvsdbError` for strings not known here). */
export function errorClassFor(code: string): OvsdbErrorClass {
  return classes.get(code) ?? OvsdbError;
}

/**
 * Builds the typed error for a wire error: an `{error, details}` object (§3.1 <error>) or, as JSON-RPC errors
 * sometimes are, a bare string.
 */
export function errorFromWire(wire: unknown, context: OvsdbErrorContext = {}): OvsdbError {
  if (typeof wire === 'string') return new (errorClassFor(wire))(wire, undefined, context);
  const obj = (wire ?? {}) as { error?: unknown; details?: unknown };
  const code = typeof obj.error === 'string' ? obj.error : JSON.stringify(wire);
  const details = typeof obj.details === 'string' ? obj.details : undefined;
  return new (errorClassFor(code))(code, details, context);
}

/** The connection closed while a request was outstanding; its outcome is unknown. */
export class ConnectionClosedError extends Error {
  constructor(message = 'OVSDB connection closed', options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConnectionClosedError';
  }
}

/** The client was closed by its owner. */
export class ClientClosedError extends Error {
  constructor() {
    super('OVSDB client closed');
    this.name = 'ClientClosedError';
  }
}

/** Our own echo went unanswered: the peer is treated as dead (the session closes with this cause). */
export class KeepaliveTimeoutError extends Error {
  constructor(idleMs: number) {
    super(`no reply from the OVSDB server for ${idleMs} ms after an echo`);
    this.name = 'KeepaliveTimeoutError';
  }
}

/** A request got no response within its deadline. */
export class RequestTimeoutError extends Error {
  constructor(method: string, ms: number) {
    super(`${method}: no response within ${ms} ms`);
    this.name = 'RequestTimeoutError';
  }
}

/**
 * A call (`transact`, `monitor`, a lock...) missed its deadline, counted from the call: waiting for a ready
 * connection plus the round trip. `connected` says which part ran out: false, there was no connection to send on (the
 * request was never sent); true, it was sent and no reply came (a transaction's outcome is then unknown).
 */
export class DeadlineExceededError extends Error {
  readonly database: string;
  /** What was called, e.g. `transact (3 ops: Logical_Switch_Port, Logical_Switch)`. */
  readonly call: string;
  readonly timeoutMs: number;
  readonly elapsedMs: number;
  readonly connected: boolean;

  constructor(
    what: { database: string; call: string; timeoutMs: number; elapsedMs: number; connected: boolean },
    options?: ErrorOptions,
  ) {
    const part = what.connected ? 'no reply from the server' : 'no connection to the server';
    super(`OVSDB ${what.database}: ${what.call} timed out after ${what.elapsedMs} ms (${part})`, options);
    this.name = 'DeadlineExceededError';
    this.database = what.database;
    this.call = what.call;
    this.timeoutMs = what.timeoutMs;
    this.elapsedMs = what.elapsedMs;
    this.connected = what.connected;
  }
}

/**
 * A transaction planned from the cache was refused, unsent, because no connection is ready: the cache it was planned
 * from belongs to a connection that is gone. Retry (with backoff): after the reconnect, re-plan from the rebuilt cache.
 */
export class NotConnectedError extends Error {
  readonly database: string;
  constructor(database: string, call: string) {
    super(`OVSDB ${database}: ${call} not sent: not connected (re-plan once the connection is back)`);
    this.name = 'NotConnectedError';
    this.database = database;
  }
}

/**
 * A transaction planned from the cache of an earlier connection was refused, unsent: since the plan was made the
 * client reconnected and rebuilt the cache, which may now say otherwise. Re-plan from the current cache.
 */
export class StalePlanError extends Error {
  readonly database: string;
  readonly plannedGeneration: number;
  readonly currentGeneration: number;
  constructor(database: string, call: string, planned: number, current: number) {
    super(
      `OVSDB ${database}: ${call} not sent: planned from cache generation ${planned}, ` +
        `the cache is now generation ${current} (rebuilt after a reconnect); re-plan from it`,
    );
    this.name = 'StalePlanError';
    this.database = database;
    this.plannedGeneration = planned;
    this.currentGeneration = current;
  }
}
