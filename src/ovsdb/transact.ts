/**
 * Interpreting a `transact` reply (RFC 7047 §4.1.3): one result per operation; an operation that failed has an
 * `<error>` in its slot and the ones after it were not executed; if every operation succeeded but the commit did
 * not (e.g. a referential integrity or index constraint checked at commit), the reply has one extra element with
 * that error. Either way the transaction had no effect, and we throw the typed error for the failing slot. Also the
 * timing and error kind of a transaction for the metrics.
 */
import { errorFromWire, OvsdbError } from './errors.ts';
import type { Operation, OperationResult } from './operations.ts';
import type { Clock } from '../util/clock.ts';
import type { TransactInstruments } from '../util/metrics/registry.ts';

function isErrorSlot(r: unknown): r is { error: unknown; details?: unknown } {
  return typeof r === 'object' && r !== null && 'error' in r;
}

/** Returns the per-operation results, or throws the typed error of the first failing slot. */
export function checkTransactResult(ops: readonly Operation[], result: unknown): OperationResult[] {
  if (!Array.isArray(result))
    throw new TypeError(`transact: expected an array result, got ${JSON.stringify(result)}`);
  for (let index = 0; index < result.length; index++) {
    const slot: unknown = result[index];
    if (isErrorSlot(slot)) {
      const operation = ops[index];
      throw errorFromWire(slot, {
        index,
        method: 'transact',
        ...(operation === undefined ? {} : { operation }),
      });
    }
  }
  if (result.length < ops.length) {
    throw new TypeError(`transact: ${result.length} results for ${ops.length} operations and no error`);
  }
  return result.slice(0, ops.length) as OperationResult[];
}

/**
 * What a failed transaction is counted as in the metrics: the RFC 7047 error string the server sent (`constraint
 * violation`, `not owner`, ...), or our own error's class (`DeadlineExceededError`, `StalePlanError`, ...). Bounded.
 */
export function transactErrorKind(err: unknown): string {
  if (err instanceof OvsdbError) return err.code;
  return err instanceof Error ? err.constructor.name : 'unknown';
}

/** Runs one transaction, timed and counted on `instruments` when there are any. */
export async function measuredTransact<T>(
  instruments: TransactInstruments | undefined,
  clock: Clock,
  run: () => Promise<T>,
): Promise<T> {
  if (!instruments) return run();
  const started = clock.now();
  try {
    const results = await run();
    instruments.finished(clock.now() - started);
    return results;
  } catch (err) {
    instruments.finished(clock.now() - started, transactErrorKind(err));
    throw err;
  }
}
