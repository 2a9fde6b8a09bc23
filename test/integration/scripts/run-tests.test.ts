// scripts/run-tests.ts run as CI runs it, on made-up test files in a temp directory: what it counts, what it lists
// and when it exits non-zero.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const PROJECT = resolve(import.meta.dirname, '../../..');
const RUNNER = join(PROJECT, 'scripts/run-tests.ts');
const fixtures = mkdtempSync(join(tmpdir(), 'kovn-run-tests-'));

const files: Record<string, string> = {
  'passing.test.ts': `import { describe, it, test } from 'node:test';
test('one', () => {});
describe('a suite', () => { it('two', () => {}); });`,
  'throwing-describe.test.ts': `import { describe, it } from 'node:test';
describe('computes at describe time', () => { throw new Error('describe body threw'); it('never', () => {}); });`,
  'failing-hook.test.ts': `import { before, describe, it } from 'node:test';
describe('hooked', () => { before(() => { throw new Error('hook threw'); }); it('cancelled', () => {}); });`,
  'skipped-suite.test.ts': `import { describe, it } from 'node:test';
describe('root-only suite', { skip: 'needs root (made up)' }, () => { it('a', () => {}); it('b', () => {}); });`,
  'skipped-test.test.ts': `import { test } from 'node:test';
test('needs a tool', (t) => { t.skip('needs frobnicate on PATH (made up)'); });`,
  'broken-import.test.ts': `import { missing } from './does-not-exist.ts';
import { test } from 'node:test';
test('never runs', () => { void missing; });`,
};
for (const [name, text] of Object.entries(files)) {
  const dir = join(fixtures, name.replace('.test.ts', ''));
  mkdirSync(dir);
  writeFileSync(join(dir, name), `${text}\n`);
}
after(() => rmSync(fixtures, { recursive: true, force: true }));

interface Run {
  code: number;
  lines: string[];
}

/** Runs the runner on fixture files; `noSkips` sets KOVN_TEST_NO_SKIPS=1 as .ci/run does. */
async function runner(names: string[], noSkips = false): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, KOVN_TEST_CONCURRENCY: '2' };
  // The runner must not think it is a child of this test run, nor inherit the no-skips setting of ours.
  delete env.NODE_TEST_CONTEXT;
  delete env.KOVN_TEST_NO_SKIPS;
  if (noSkips) env.KOVN_TEST_NO_SKIPS = '1';
  const args = [RUNNER, ...names.map((n) => join(fixtures, n.replace('.test.ts', ''), n))];
  const result = await promisify(execFile)(process.execPath, args, {
    cwd: fixtures,
    env,
    timeout: 60_000,
  }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (err: { code?: number; stdout?: string }) => ({ code: err.code ?? -1, stdout: err.stdout ?? '' }),
  );
  return { code: result.code, lines: result.stdout.split('\n') };
}
const closing = (run: Run): string => run.lines.filter((l) => l.startsWith('tests: ')).at(-1) ?? '(none)';

void describe('scripts/run-tests.ts', { timeout: 120_000 }, () => {
  it('an all-passing run exits 0 with its counts', async () => {
    const run = await runner(['passing.test.ts']);
    assert.equal(closing(run), 'tests: 2 passed, 0 failed, 0 skipped');
    assert.equal(run.code, 0);
  });

  it('a describe body that throws fails the run', async () => {
    const run = await runner(['passing.test.ts', 'throwing-describe.test.ts']);
    assert.equal(closing(run), 'tests: 2 passed, 1 failed, 0 skipped');
    assert.equal(run.code, 1);
  });

  it('a before hook that throws fails the run', async () => {
    const run = await runner(['passing.test.ts', 'failing-hook.test.ts']);
    assert.match(closing(run), /^tests: 2 passed, [1-9]\d* failed, 0 skipped$/);
    assert.equal(run.code, 1);
  });

  it('a file that fails to import fails the run', async () => {
    const run = await runner(['passing.test.ts', 'broken-import.test.ts']);
    assert.equal(closing(run), 'tests: 2 passed, 1 failed, 0 skipped');
    assert.equal(run.code, 1);
  });

  it('a skipped suite and a skipped test are counted and listed with their reasons', async () => {
    const run = await runner(['passing.test.ts', 'skipped-suite.test.ts', 'skipped-test.test.ts']);
    assert.equal(closing(run), 'tests: 2 passed, 0 failed, 2 skipped');
    assert.ok(run.lines.includes('skipped 2:'), run.lines.join('\n'));
    assert.ok(
      run.lines.some((l) =>
        /skipped-suite\.test\.ts:2 root-only suite \(suite.*needs root \(made up\)$/.test(l),
      ),
      run.lines.join('\n'),
    );
    assert.ok(
      run.lines.some((l) => /skipped-test\.test\.ts:2 needs a tool — needs frobnicate on PATH/.test(l)),
      run.lines.join('\n'),
    );
    assert.equal(run.code, 0, 'a skip alone does not fail a run by default');
  });

  it('with KOVN_TEST_NO_SKIPS=1 a skip fails the run, and an all-passing run still exits 0', async () => {
    const skipped = await runner(['passing.test.ts', 'skipped-suite.test.ts'], true);
    assert.equal(closing(skipped), 'tests: 2 passed, 0 failed, 1 skipped');
    assert.ok(
      skipped.lines.some((l) => l.startsWith('run failed: KOVN_TEST_NO_SKIPS=1 and 1 skipped')),
      skipped.lines.join('\n'),
    );
    assert.equal(skipped.code, 1);
    const passing = await runner(['passing.test.ts'], true);
    assert.equal(passing.code, 0);
  });
});
