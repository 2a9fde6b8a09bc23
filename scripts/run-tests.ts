// Runs node:test over test files (default: everything under test/), prints the spec report and a closing
// "tests: N passed, N failed, N skipped" line. Usage: node scripts/run-tests.ts [DIR|FILE ...]
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

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
const counts = { passed: 0, failed: 0, skipped: 0 };
const stream = run({ files, concurrency: Number(process.env.KOVN_TEST_CONCURRENCY ?? 2) });
stream.on('test:pass', (event) => {
  if (event.details.type === 'suite') return;
  if (event.skip || event.todo) counts.skipped++;
  else counts.passed++;
});
stream.on('test:fail', (event) => {
  if (event.details.type !== 'suite') counts.failed++;
});
stream.on('end', () => {
  console.log(`tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  if (counts.failed > 0 || counts.passed === 0) process.exitCode = 1;
});
stream.compose(spec).pipe(process.stdout);
