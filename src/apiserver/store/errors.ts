/**
 * A failed store write as a typed error: the SQLite result code (name and number) and SQLite's own words, and
 * whether the failure is the storage's state (disk full, I/O error, read-only or corrupt file, busy or locked
 * database), which every later write would meet too, or this write's own (a constraint, a value too big). Also the
 * end of a failed transaction: SQLite rolls some failures back by itself (SQLITE_FULL, SQLITE_IOERR, SQLITE_BUSY,
 * SQLITE_NOMEM, a trigger's RAISE(ROLLBACK)), and a ROLLBACK then would throw "no transaction is active" in place of
 * the real error, so it is issued only while the connection is still in the transaction.
 */
import type { DatabaseSync } from 'node:sqlite';

/** SQLite primary result codes (https://www.sqlite.org/rescode.html), by number. */
const resultCodes: Record<number, string> = {
  1: 'SQLITE_ERROR',
  2: 'SQLITE_INTERNAL',
  3: 'SQLITE_PERM',
  4: 'SQLITE_ABORT',
  5: 'SQLITE_BUSY',
  6: 'SQLITE_LOCKED',
  7: 'SQLITE_NOMEM',
  8: 'SQLITE_READONLY',
  9: 'SQLITE_INTERRUPT',
  10: 'SQLITE_IOERR',
  11: 'SQLITE_CORRUPT',
  13: 'SQLITE_FULL',
  14: 'SQLITE_CANTOPEN',
  15: 'SQLITE_PROTOCOL',
  17: 'SQLITE_SCHEMA',
  18: 'SQLITE_TOOBIG',
  19: 'SQLITE_CONSTRAINT',
  20: 'SQLITE_MISMATCH',
  21: 'SQLITE_MISUSE',
  22: 'SQLITE_NOLFS',
  23: 'SQLITE_AUTH',
  25: 'SQLITE_RANGE',
  26: 'SQLITE_NOTADB',
};

/** Failures of the storage itself: the next write would fail the same way. */
const storageCodes = new Set([3, 5, 6, 7, 8, 10, 11, 13, 14, 15, 22, 26]);

export class StoreError extends Error {
  /** The primary result code's name, e.g. `SQLITE_FULL`. */
  readonly code: string;
  /** SQLite's extended result code, e.g. 1811 (SQLITE_CONSTRAINT_TRIGGER). */
  readonly errcode: number;
  /** True when the storage's state caused it (the store is wedged), false when this write did. */
  readonly storage: boolean;
  /** Set when the ROLLBACK after the failure failed too (the connection's state is then unknown). */
  readonly rollbackError: unknown;

  constructor(message: string, errcode: number, options: { cause: unknown; rollbackError?: unknown }) {
    const primary = errcode & 0xff;
    const code = resultCodes[primary] ?? `SQLITE_${primary}`;
    super(`${message} (${code})`, { cause: options.cause });
    this.name = 'StoreError';
    this.code = code;
    this.errcode = errcode;
    this.storage = storageCodes.has(primary) || options.rollbackError !== undefined;
    this.rollbackError = options.rollbackError;
  }
}

function sqliteErrcode(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, errcode } = error as Error & { code?: unknown; errcode?: unknown };
  return code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number' ? errcode : undefined;
}

/**
 * Ends a transaction that failed with `error`: ROLLBACK unless SQLite already rolled it back. Returns what to throw:
 * a StoreError for an SQLite failure, else `error` itself (a bug in the caller's code, not the store's).
 */
export function abandonTransaction(db: DatabaseSync, error: unknown): unknown {
  let rollbackError: unknown;
  if (db.isOpen && db.isTransaction) {
    try {
      db.exec('ROLLBACK');
    } catch (failure) {
      rollbackError = failure;
    }
  }
  const errcode = sqliteErrcode(error);
  if (errcode === undefined) {
    if (rollbackError === undefined) return error;
    const why = rollbackError instanceof Error ? rollbackError.message : 'an unknown failure';
    return new StoreError(`rolling back a failed write: ${why}`, sqliteErrcode(rollbackError) ?? 1, {
      cause: error,
      rollbackError,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new StoreError(message, errcode, {
    cause: error,
    ...(rollbackError === undefined ? {} : { rollbackError }),
  });
}
