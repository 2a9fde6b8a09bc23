/**
 * Interpreting a `transact` reply (RFC 7047 §4.1.3): one result per operation; an operation that failed has an
 * `<error>` in its slot and the ones after it were not executed; if every operation succeeded but the commit did
 * not (e.g. a referential integrity or index constraint checked at commit), the reply has one extra element with
 * that error. Either way the transaction had no effect, and we throw the typed error for the failing slot.
 */
import { errorFromWire } from './errors.ts';
import type { Operation, OperationResult } from './operations.ts';

function isErrorSlot(r: unknown): r is { error: unknown; details?: unknown } {
  return typeof r === 'object' && r !== null && 'error' in r;
}

/** Returns the per-operation results, or throws the typed error of the first failing slot. */
export function checkTransactResult(ops: readonly Operation[], result: unknown): OperationResult[] {
  if (!Array.isArray(result))
    throw new TypeError(`transact: expected an array result, got ${JSON.stringify(result)}`);
  for (const [index, slot] of result.entries()) {
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
