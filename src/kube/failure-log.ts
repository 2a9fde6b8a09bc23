/**
 * Which failures of a work loop's keys are news. A key that keeps failing the same way — every key while the NB is
 * disconnected, retried with backoff for as long as it is down — is logged once as a warning, and its repeats at
 * debug, until it succeeds or fails differently. "The same way" is the error's name and message with numbers blanked
 * (elapsed times, generations and counts change between attempts; the failure does not).
 */

/** `NotConnectedError: OVSDB OVN_Northbound: transact (# ops: ...)`: a failure with its numbers blanked. */
export function failureSignature(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.replace(/\d+/g, '#');
}

export class FailureLog {
  readonly #last = new Map<string, string>();

  /** Records a failure of `key`; true if it is news (the first, or unlike the key's previous failure). */
  failed(key: string, err: unknown): boolean {
    const signature = failureSignature(err);
    if (this.#last.get(key) === signature) return false;
    this.#last.set(key, signature);
    return true;
  }

  /** The key succeeded (or was given up on): its next failure is news again. */
  clear(key: string): void {
    this.#last.delete(key);
  }

  /** Keys whose last outcome was a failure. */
  get size(): number {
    return this.#last.size;
  }
}
