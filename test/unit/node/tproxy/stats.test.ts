// The TProxy listener's stats as metrics: summed over pods, targets counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tproxySample } from '../../../../src/node/tproxy/stats.ts';

void test('carried connections summed over pods; refused and targets as given (targets 0 when absent)', () => {
  const cases: [Parameters<typeof tproxySample>[0], ReturnType<typeof tproxySample>][] = [
    [
      { accepted: 0, refused: 0, carried: {} },
      { carried: 0, refused: 0, targets: 0 },
    ],
    [
      { accepted: 6, refused: 1, carried: { 'ns/a': 3, 'ns/b': 2 }, targets: 4 },
      { carried: 5, refused: 1, targets: 4 },
    ],
  ];
  for (const [stats, want] of cases) assert.deepEqual(tproxySample(stats), want);
});
