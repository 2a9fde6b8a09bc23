/**
 * Errors a reconciler throws to steer the queue. Any other error is retried with per-key backoff; a `TerminalError`
 * (bad spec that only a user edit can fix) is reported once and not retried; a new watch event for the key will still
 * enqueue it again.
 */

export class TerminalError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TerminalError';
  }
}

export function isTerminalError(err: unknown): err is TerminalError {
  return err instanceof TerminalError;
}
