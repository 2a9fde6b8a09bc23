import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBelow, systemRandom } from '../../../src/util/random.ts';

void test('randomBelow maps [0, 1) onto the integers 0..n-1', () => {
  const table: [draw: number, n: number, expected: number][] = [
    [0, 27, 0],
    [0.5, 27, 13],
    [0.999_999, 27, 26],
    [0.25, 4, 1],
    [0.999_999, 28_000, 27_999],
  ];
  for (const [draw, n, expected] of table)
    assert.equal(
      randomBelow(() => draw, n),
      expected,
      `${draw} * ${n}`,
    );
});

void test('systemRandom stays within [0, 1)', () => {
  for (let i = 0; i < 1000; i++) {
    const x = systemRandom();
    assert.ok(x >= 0 && x < 1, String(x));
  }
});
