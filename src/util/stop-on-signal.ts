/**
 * How a long-running program stops: on SIGTERM or SIGINT it runs its `stop` once, then exits 0; a failed stop exits
 * 1, and so does a stop that takes longer than its deadline (a supervisor or kubelet would kill it soon after).
 */
import type { Logger } from 'pino';
import type { Clock } from './clock.ts';

export interface StopOnSignalOptions {
  stop(): Promise<void>;
  logger: Logger;
  clock: Clock;
  deadlineMs: number;
}

export function stopOnSignals(o: StopOnSignalOptions): void {
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    o.logger.info({ signal }, 'stopping');
    o.clock.setTimeout(() => {
      o.logger.error({ deadlineMs: o.deadlineMs }, 'stop did not finish in time; exiting');
      process.exit(1);
    }, o.deadlineMs);
    o.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        o.logger.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
