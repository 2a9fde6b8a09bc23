/**
 * The last refusal warned about, per key (a pod, or an IP object's reservation): a refusal gives one Warning Event,
 * not one per retry; a success forgets it, so the same refusal later warns again.
 */
export class Refusals {
  readonly #last = new Map<string, string>();

  /** True (and remembered) when this message is not the one last warned about for the key. */
  isNew(key: string, message: string): boolean {
    if (this.#last.get(key) === message) return false;
    this.#last.set(key, message);
    return true;
  }

  forget(key: string): void {
    this.#last.delete(key);
  }
}
