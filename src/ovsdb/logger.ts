/**
 * The logging surface the OVSDB client needs: the subset of pino's API (`logger.info({ fields }, 'message')`),
 * so a pino logger or a child of one can be passed in as is. Silent by default.
 */

export interface Logger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

const nothing = (): void => undefined;

export const silentLogger: Logger = { debug: nothing, info: nothing, warn: nothing, error: nothing };
