// Runs node:test over test files (default: everything under test/), prints the spec report, then what did not run
// (each skipped test or suite with its reason) and a closing "tests: N passed, N failed, N skipped" line. The run
// fails on a failed test, a suite that failed on its own (a describe body or hook that threw), a file that did not
// load, or no test passing; with KOVN_TEST_NO_SKIPS=1 (set by .ci/run) also on any skip. The counting is
// scripts/test-runner/tally.ts. Usage: node scripts/run-tests.ts [DIR|FILE ...]
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { NO_SKIPS_VARIABLE, Tally } from './test-runner/tally.ts';

function collect(path: string): string[] {
  if (statSync(path).isFile()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((entry) => {
      const full = join(path, entry);
      if (statSync(full).isDirectory()) return collect(full);
      return entry.endsWith('.test.ts') ? [full] : [];
    });
}

const roots = process.argv.slice(2);
const files = (roots.length ? roots : ['test']).flatMap(collect);
const noSkips = process.env[NO_SKIPS_VARIABLE] === '1';
const tally = new Tally((file) => relative(process.cwd(), file));
const stream = run({ files, concurrency: Number(process.env.KOVN_TEST_CONCURRENCY ?? 2) });
stream.on('test:pass', (event) => tally.pass(event));
stream.on('test:fail', (event) => tally.fail(event));
const report = stream.compose(spec);
report.pipe(process.stdout, { end: false });
report.on('end', () => {
  console.log(tally.summary(noSkips).join('\n'));
  if (!tally.verdict(noSkips).ok) process.exitCode = 1;
});
