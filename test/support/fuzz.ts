// Property-based fuzzing with fast-check, as the parser fuzz tests (`*.fuzz.test.ts`) run it: a fixed seed per
// property (printed, with the path to replay it, when the property fails), a number of runs sized for CI, and a
// deadline per input, so a parser that is slow on some input (super-linear work, a runaway loop) fails the property
// instead of stalling the run. KOVN_FUZZ_RUNS multiplies every property's runs and KOVN_FUZZ_SEED replaces its seed,
// for a longer exploration by hand (`KOVN_FUZZ_RUNS=50 node scripts/run-tests.ts test/unit/apiserver`).
import fc from 'fast-check';

export interface FuzzOptions {
  /** The property's own fixed seed. */
  seed: number;
  numRuns: number;
  /** Longest one input may take (default 2000 ms: the inputs are small and the parsers linear, so only a runaway input comes near it). */
  deadlineMs?: number;
}

function parameters(options: FuzzOptions): fc.Parameters<unknown> {
  const scale = Number(process.env.KOVN_FUZZ_RUNS ?? 1);
  const seed = process.env.KOVN_FUZZ_SEED === undefined ? options.seed : Number(process.env.KOVN_FUZZ_SEED);
  return { seed, numRuns: Math.max(1, Math.round(options.numRuns * scale)) };
}

/** Throws fast-check's report (seed, replay path, shrunk counterexample, the error) when the property failed. */
function report(details: fc.RunDetails<unknown>): void {
  if (!details.failed) return;
  const message = fc.defaultReportMessage(details) ?? 'property failed';
  throw new Error(`fuzz property failed (seed ${details.seed}):\n${message}`, {
    cause: details.errorInstance,
  });
}

function timed<T>(deadlineMs: number, check: (input: T) => void): (input: T) => void {
  return (input) => {
    const started = performance.now();
    check(input);
    const took = performance.now() - started;
    if (took > deadlineMs) throw new Error(`took ${Math.round(took)} ms, over the ${deadlineMs} ms deadline`);
  };
}

/** Runs `check` on generated inputs; it fails the property by throwing (an assertion, or the parser's own error). */
export function fuzz<T>(arbitrary: fc.Arbitrary<T>, check: (input: T) => void, options: FuzzOptions): void {
  const property = fc.property(arbitrary, timed(options.deadlineMs ?? 2000, check));
  report(fc.check(property, parameters(options)));
}

/** The asynchronous form: a run that does not settle within the deadline fails (fast-check's per-run timeout). */
export async function fuzzAsync<T>(
  arbitrary: fc.Arbitrary<T>,
  check: (input: T) => Promise<void>,
  options: FuzzOptions,
): Promise<void> {
  const timeout = options.deadlineMs ?? 2000;
  report(await fc.check(fc.asyncProperty(arbitrary, check), { ...parameters(options), timeout }));
}

/**
 * Calls `parse` and returns its value, or the error it threw when `expected` accepts it; any other error (a crash:
 * TypeError, RangeError, an error of the wrong class or code) is rethrown and fails the property.
 */
export function parsedOrRejected<T>(parse: () => T, expected: (error: unknown) => boolean): T | Error {
  try {
    return parse();
  } catch (error) {
    if (expected(error)) return error as Error;
    throw error;
  }
}

/** Arbitrary text made of the given fragments (a grammar's tokens) and some noise, for parsers of a language. */
export function tokenSoup(fragments: readonly string[], maxTokens = 24): fc.Arbitrary<string> {
  const token = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...fragments) },
    { weight: 1, arbitrary: fc.constantFrom(' ', '  ', '\t', '\n') },
    // (not unit 'binary': its reverse mapping over all of Unicode costs a second per arbitrary)
    { weight: 1, arbitrary: fc.string({ maxLength: 3 }) },
    { weight: 1, arbitrary: fc.constantFrom('\u0000', '\u00e9', '\u2028', '\ud800', '\uffff', '\u{1f600}') },
  );
  return fc.array(token, { maxLength: maxTokens }).map((tokens) => tokens.join(''));
}
