import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tally, type TestEvent } from '../../../../scripts/test-runner/tally.ts';

type Outcome = ['pass' | 'fail', Partial<TestEvent> & { type?: 'suite' | 'test'; failureType?: string }];
const event = ([, e]: Outcome): TestEvent => ({
  name: e.name ?? 't',
  file: e.file,
  line: e.line,
  skip: e.skip,
  todo: e.todo,
  details: {
    type: e.type ?? 'test',
    ...(e.failureType ? { error: Object.assign(new Error('failed'), { failureType: e.failureType }) } : {}),
  },
});
const tally = (outcomes: Outcome[]): Tally => {
  const t = new Tally();
  for (const o of outcomes) {
    if (o[0] === 'pass') t.pass(event(o));
    else t.fail(event(o));
  }
  return t;
};
const passing: Outcome = ['pass', { name: 'ok' }];

void test('counts: passed, failed (tests, and suites failing on their own), skipped (tests, suites, todos)', () => {
  const table: [
    name: string,
    outcomes: Outcome[],
    counts: [passed: number, failed: number, skipped: number],
  ][] = [
    ['a passing test and its suite', [passing, ['pass', { type: 'suite' }]], [1, 0, 0]],
    ['a failing test', [['fail', { failureType: 'testCodeFailure' }]], [0, 1, 0]],
    [
      'a suite failing because a test in it failed counts once',
      [
        ['fail', { failureType: 'testCodeFailure' }],
        ['fail', { type: 'suite', failureType: 'subtestsFailed' }],
      ],
      [0, 1, 0],
    ],
    [
      'a describe body that threw',
      [passing, ['fail', { type: 'suite', failureType: 'testCodeFailure' }]],
      [1, 1, 0],
    ],
    [
      'a failed before hook: the suite and its cancelled tests',
      [
        ['fail', { failureType: 'cancelledByParent' }],
        ['fail', { type: 'suite', failureType: 'hookFailed' }],
      ],
      [0, 2, 0],
    ],
    [
      'a file that did not load',
      [['fail', { name: '/x/a.test.ts', failureType: 'testCodeFailure' }]],
      [0, 1, 0],
    ],
    ['a skipped test', [passing, ['pass', { skip: 'needs root' }]], [1, 0, 1]],
    ['a skipped suite counts once', [['pass', { type: 'suite', skip: 'needs root' }]], [0, 0, 1]],
    [
      'a todo, passing or failing',
      [
        ['pass', { todo: true }],
        ['fail', { todo: 'later' }],
      ],
      [0, 0, 2],
    ],
  ];
  for (const [name, outcomes, counts] of table) {
    const t = tally(outcomes);
    assert.deepEqual([t.passed, t.failed, t.skipped], counts, name);
  }
});

void test('the verdict: failures, nothing passing, and skips when every test must run', () => {
  const table: [name: string, outcomes: Outcome[], noSkips: boolean, problems: RegExp[]][] = [
    ['all passing', [passing], false, []],
    ['all passing, no skips required', [passing], true, []],
    ['a failure', [passing, ['fail', {}]], false, [/^1 failed$/]],
    ['nothing ran', [], false, [/no test passed/]],
    ['only skips', [['pass', { skip: true }]], false, [/no test passed/]],
    ['a skip is fine by default', [passing, ['pass', { skip: 'needs root' }]], false, []],
    [
      'a skip fails the run when every test must run',
      [passing, ['pass', { type: 'suite', skip: 'needs root' }]],
      true,
      [/^KOVN_TEST_NO_SKIPS=1 and 1 skipped/],
    ],
  ];
  for (const [name, outcomes, noSkips, problems] of table) {
    const verdict = tally(outcomes).verdict(noSkips);
    assert.equal(verdict.ok, problems.length === 0, name);
    assert.equal(verdict.problems.length, problems.length, `${name}: ${verdict.problems.join('; ')}`);
    problems.forEach((p, i) => assert.match(verdict.problems[i] ?? '', p, name));
  }
});

void test('the summary names what did not run, where and why, then the problems, then the counts', () => {
  const t = new Tally((file) => file.replace('/repo/', ''));
  t.pass(event(passing));
  t.pass(
    event([
      'pass',
      { name: 'netns', file: '/repo/test/a.test.ts', line: 12, type: 'suite', skip: 'needs root' },
    ]),
  );
  t.pass(event(['pass', { name: 'kubectl', file: '/repo/test/b.test.ts', line: 3, skip: true }]));
  t.pass(event(['pass', { name: 'later', file: '/repo/test/b.test.ts', line: 9, todo: 'not written' }]));
  assert.deepEqual(t.summary(true), [
    'skipped 3:',
    '  test/a.test.ts:12 netns (suite: its tests are not counted) — needs root',
    '  test/b.test.ts:3 kubectl — no reason given',
    '  test/b.test.ts:9 later (todo) — not written',
    'run failed: KOVN_TEST_NO_SKIPS=1 and 3 skipped: here every test must run (install what the reasons above name)',
    'tests: 1 passed, 0 failed, 3 skipped',
  ]);
  assert.deepEqual(t.summary(false).slice(-1), ['tests: 1 passed, 0 failed, 3 skipped']);
});
