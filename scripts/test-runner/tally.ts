// What a test run amounts to, from node:test's `test:pass`/`test:fail` events: passed, failed and skipped counts,
// the list of what did not run (with its reason), and the verdict. A suite that fails on its own (its describe body
// threw, a hook failed, it timed out) is a failure; a suite that fails only because a test in it failed is not
// counted twice. A skipped suite counts once (node:test does not report the tests inside it). A todo counts as
// skipped: it does not decide the run. With `noSkips` (CI, where every test's machine requirements are installed),
// any skip fails the run.

/** The fields of a node:test `test:pass` / `test:fail` event that the tally reads. */
export interface TestEvent {
  name: string;
  file?: string | undefined;
  line?: number | undefined;
  skip?: string | boolean | undefined;
  todo?: string | boolean | undefined;
  /** `error` is node:test's wrapper of a failure, whose `failureType` says what failed (e.g. 'subtestsFailed'). */
  details: { type?: 'suite' | 'test' | undefined; error?: Error | undefined };
}

export interface NotRun {
  /** `file:line name`, the file relative to the working directory. */
  where: string;
  kind: 'test' | 'suite' | 'todo';
  reason: string;
}

export interface Verdict {
  ok: boolean;
  /** Why the run failed, one line each; empty when ok. */
  problems: string[];
}

export const NO_SKIPS_VARIABLE = 'KOVN_TEST_NO_SKIPS';

export class Tally {
  passed = 0;
  failed = 0;
  readonly notRun: NotRun[] = [];
  readonly #relative: (file: string) => string;

  constructor(relative: (file: string) => string = (file) => file) {
    this.#relative = relative;
  }

  get skipped(): number {
    return this.notRun.length;
  }

  pass(event: TestEvent): void {
    if (event.todo !== undefined && event.todo !== false) return this.#notRun(event, 'todo', event.todo);
    if (event.skip !== undefined && event.skip !== false) {
      return this.#notRun(event, event.details.type === 'suite' ? 'suite' : 'test', event.skip);
    }
    if (event.details.type !== 'suite') this.passed++;
  }

  fail(event: TestEvent): void {
    if (event.todo !== undefined && event.todo !== false) return this.#notRun(event, 'todo', event.todo);
    const failureType = (event.details.error as { failureType?: unknown } | undefined)?.failureType;
    const ownFailure = failureType !== 'subtestsFailed';
    if (event.details.type !== 'suite' || ownFailure) this.failed++;
  }

  verdict(noSkips: boolean): Verdict {
    const problems: string[] = [];
    if (this.failed > 0) problems.push(`${this.failed} failed`);
    if (this.passed === 0) problems.push('no test passed: nothing ran');
    if (noSkips && this.skipped > 0) {
      problems.push(
        `${NO_SKIPS_VARIABLE}=1 and ${this.skipped} skipped: here every test must run (install what the reasons above name)`,
      );
    }
    return { ok: problems.length === 0, problems };
  }

  /** The closing lines: what did not run, why the run failed, and the counts. */
  summary(noSkips: boolean): string[] {
    const lines = this.notRun.length ? [`skipped ${this.notRun.length}:`] : [];
    for (const n of this.notRun) {
      const kind =
        n.kind === 'suite' ? ' (suite: its tests are not counted)' : n.kind === 'todo' ? ' (todo)' : '';
      lines.push(`  ${n.where}${kind} — ${n.reason}`);
    }
    lines.push(...this.verdict(noSkips).problems.map((p) => `run failed: ${p}`));
    lines.push(`tests: ${this.passed} passed, ${this.failed} failed, ${this.skipped} skipped`);
    return lines;
  }

  #notRun(event: TestEvent, kind: NotRun['kind'], reason: string | boolean): void {
    const file = event.file === undefined ? '' : this.#relative(event.file);
    const at = file && event.line !== undefined ? `${file}:${event.line}` : file;
    this.notRun.push({
      where: at ? `${at} ${event.name}` : event.name,
      kind,
      reason: typeof reason === 'string' && reason !== '' ? reason : 'no reason given',
    });
  }
}
