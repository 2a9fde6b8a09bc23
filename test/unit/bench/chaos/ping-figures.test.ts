// The chaos run's ping figures (bench/chaos/flows.ts pingFigures): lost echoes, loss episodes dated by the answer
// before them, the longest gap, and the last second's echoes (still in flight) not counted.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pingFigures } from '../../../../bench/chaos/flows.ts';

// seq -> arrival ms, the ping's pace slipping to 150 ms per echo.
const arrivals = (seqs: number[]) => new Map(seqs.map((q) => [q, q * 150]));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('pingFigures', () => {
  const cases = [
    { name: 'nothing lost', answered: range(1, 30), sent: 30, lost: 0, gaps: [] },
    {
      name: 'two episodes, dated by the answer before each',
      answered: [...range(1, 4), ...range(8, 12), ...range(14, 30)],
      sent: 30,
      lost: 4,
      gaps: [
        { atMs: 4 * 150 + 100, lost: 3 },
        { atMs: 12 * 150 + 100, lost: 1 },
      ],
    },
    { name: 'the first echo lost', answered: range(2, 30), sent: 30, lost: 1, gaps: [{ atMs: 0, lost: 1 }] },
    { name: 'the last second not counted', answered: range(1, 20), sent: 30, lost: 0, gaps: [] },
  ];
  for (const c of cases)
    it(c.name, () => {
      const f = pingFigures(arrivals(c.answered), c.sent);
      assert.equal(f.sent, c.sent - 10);
      assert.equal(f.lost, c.lost);
      assert.equal(f.received, f.sent - c.lost);
      assert.deepEqual(f.gaps, c.gaps);
      const longest = Math.max(0, ...c.gaps.map((g) => g.lost));
      assert.equal(f.longestGapMs, longest * 100);
    });
});
