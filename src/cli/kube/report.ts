/**
 * Error lines as kubectl prints them at the end of a command: `Error from server (Reason): message` for answers of
 * the API server (with `error when creating "FILE": ` before the message when a manifest is involved), `error: ...`
 * for everything else; and, when an `Invalid` answer with field causes is the command's only error, kubectl's
 * `The Kind "name" is invalid: field: reason` form. Pure, but for `reportErrors`, which writes them to the command's
 * io and answers its exit code.
 */
import { ApiStatusError, UnreachableError } from '../../kube/errors.ts';

export interface CommandError {
  error: unknown;
  /** `creating`, `patching`, `deleting`... with the manifest file, when the error is about a manifest. */
  verb?: string;
  source?: string;
}

function invalidLines(err: ApiStatusError): string[] | undefined {
  const details = err.status.details;
  const causes = details?.causes ?? [];
  if (err.reason !== 'Invalid' || !causes.length) return undefined;
  const prefix = details?.kind
    ? `The ${details.kind} "${details.name ?? ''}" is invalid: `
    : 'The request is invalid: ';
  const messages = causes.map((c) => (c.field ? `${c.field}: ${c.message ?? ''}` : (c.message ?? '')));
  if (messages.length === 1) return [`${prefix}${messages[0] ?? ''}`];
  return [prefix, ...messages.map((m) => `* ${m}`)];
}

export function errorLines(errors: readonly CommandError[]): string[] {
  const only = errors.length === 1 ? errors[0]?.error : undefined;
  if (only instanceof ApiStatusError) {
    const lines = invalidLines(only);
    if (lines) return lines;
  }
  return errors.flatMap(({ error, verb, source }) => {
    if (error instanceof ApiStatusError) {
      const where = verb && source ? `error when ${verb} "${source}": ` : '';
      return [`Error from server (${error.reason}): ${where}${error.serverMessage}`];
    }
    if (error instanceof UnreachableError) return [`error: ${error.message}`];
    return [`error: ${error instanceof Error ? error.message : String(error)}`];
  });
}

/** Prints the command's error lines; answers its exit code (1 when there was any error, else 0). */
export function reportErrors(io: { err(line: string): void }, errors: readonly CommandError[]): number {
  for (const line of errorLines(errors)) io.err(line);
  return errors.length ? 1 : 0;
}

/** An error met while `verb`ing a manifest's object (`creating`, `patching`...), kept with that verb for the report. */
export class StepError extends Error {
  readonly verb: string;
  readonly error: unknown;
  constructor(verb: string, error: unknown) {
    super(error instanceof Error ? error.message : String(error), { cause: error });
    this.name = 'StepError';
    this.verb = verb;
    this.error = error;
  }
}

/** Runs one API step of a manifest, labelling its failure with the verb kubectl would use. */
export function during<T>(verb: string, step: Promise<T>): Promise<T> {
  return step.catch((error: unknown) => {
    throw new StepError(verb, error);
  });
}

/** The report entry for an error met while handling the manifest in `source`. */
export function manifestError(error: unknown, source: string): CommandError {
  return error instanceof StepError ? { error: error.error, verb: error.verb, source } : { error };
}
