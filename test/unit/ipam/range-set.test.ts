import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RangeSet, type Range } from '../../../src/ipam/range-set.ts';

const show = (set: RangeSet): string =>
  set
    .ranges()
    .map((r) => (r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`))
    .join(',');
const rs = (...pairs: [number, number][]): RangeSet =>
  RangeSet.fromRanges(pairs.map(([s, e]) => ({ start: BigInt(s), end: BigInt(e) })));

void test('fromRanges sorts, merges overlapping and touching ranges, drops reversed ones', () => {
  const cases: [[number, number][], string][] = [
    [[], ''],
    [[[5, 5]], '5'],
    [
      [
        [10, 20],
        [1, 3],
      ],
      '1-3,10-20',
    ],
    [
      [
        [1, 5],
        [3, 9],
      ],
      '1-9',
    ],
    [
      [
        [1, 5],
        [6, 9],
      ],
      '1-9',
    ],
    [
      [
        [1, 5],
        [7, 9],
      ],
      '1-5,7-9',
    ],
    [
      [
        [7, 9],
        [1, 5],
        [2, 3],
        [6, 6],
      ],
      '1-9',
    ],
    [
      [
        [9, 1],
        [4, 4],
      ],
      '4',
    ],
    [
      [
        [1, 100],
        [20, 30],
      ],
      '1-100',
    ],
  ];
  for (const [input, expected] of cases) assert.equal(show(rs(...input)), expected, JSON.stringify(input));
});

void test('add and remove keep ranges merged and report whether anything changed', () => {
  type Op = ['add' | 'remove', number, boolean];
  const cases: { start: [number, number][]; ops: Op[]; expected: string }[] = [
    {
      start: [],
      ops: [
        ['add', 5, true],
        ['add', 5, false],
      ],
      expected: '5',
    },
    {
      start: [
        [1, 3],
        [5, 7],
      ],
      ops: [['add', 4, true]],
      expected: '1-7',
    },
    {
      start: [[1, 3]],
      ops: [
        ['add', 0, true],
        ['add', 4, true],
      ],
      expected: '0-4',
    },
    {
      start: [[1, 9]],
      ops: [
        ['remove', 5, true],
        ['remove', 5, false],
      ],
      expected: '1-4,6-9',
    },
    {
      start: [[1, 9]],
      ops: [
        ['remove', 1, true],
        ['remove', 9, true],
      ],
      expected: '2-8',
    },
    { start: [[5, 5]], ops: [['remove', 5, true]], expected: '' },
    {
      start: [
        [1, 2],
        [8, 9],
      ],
      ops: [
        ['remove', 5, false],
        ['add', 5, true],
      ],
      expected: '1-2,5,8-9',
    },
  ];
  for (const { start, ops, expected } of cases) {
    const set = rs(...start);
    for (const [op, v, changed] of ops) assert.equal(set[op](BigInt(v)), changed, `${op} ${v}`);
    assert.equal(show(set), expected);
  }
});

void test('contains, first, last, size, takeFirst', () => {
  const set = rs([10, 12], [20, 20]);
  assert.deepEqual(
    [9, 10, 12, 13, 20, 21].map((v) => set.contains(BigInt(v))),
    [false, true, true, false, true, false],
  );
  assert.equal(set.first(), 10n);
  assert.equal(set.last(), 20n);
  assert.equal(set.size(), 4n);
  assert.equal(set.takeFirst(), 10n);
  assert.equal(show(set), '11-12,20');
  assert.equal(RangeSet.empty().first(), undefined);
  assert.equal(RangeSet.empty().takeFirst(), undefined);
  // A whole IPv6 /64 is one range: its size is exact.
  assert.equal(RangeSet.of(0n, (1n << 64n) - 1n).size(), 1n << 64n);
});

void test('fromSortedValues groups consecutive values, tolerates duplicates, rejects unsorted input', () => {
  assert.equal(show(RangeSet.fromSortedValues([1n, 2n, 2n, 3n, 7n, 9n, 10n])), '1-3,7,9-10');
  assert.equal(show(RangeSet.fromSortedValues([])), '');
  assert.throws(() => RangeSet.fromSortedValues([3n, 1n]));
});

void test('subtract, intersect, union, clip, equals', () => {
  const a = rs([1, 10], [20, 30]);
  const cases: [[number, number][], string, string][] = [
    // [other, a − other, a ∩ other]
    [[], '1-10,20-30', ''],
    [[[5, 25]], '1-4,26-30', '5-10,20-25'],
    [[[0, 100]], '', '1-10,20-30'],
    [
      [
        [1, 1],
        [10, 10],
        [20, 20],
        [30, 30],
      ],
      '2-9,21-29',
      '1,10,20,30',
    ],
    [
      [
        [3, 4],
        [6, 7],
        [12, 18],
        [29, 40],
      ],
      '1-2,5,8-10,20-28',
      '3-4,6-7,29-30',
    ],
  ];
  for (const [other, minus, both] of cases) {
    const o = rs(...other);
    assert.equal(show(a.subtract(o)), minus, `minus ${JSON.stringify(other)}`);
    assert.equal(show(a.intersect(o)), both, `intersect ${JSON.stringify(other)}`);
  }
  assert.equal(show(a.union(rs([11, 19]))), '1-30');
  assert.equal(show(a.clip(5n, 25n)), '5-10,20-25');
  assert.ok(a.equals(rs([20, 30], [1, 10])));
  assert.ok(!a.equals(rs([1, 10])));
  assert.equal(show(a), '1-10,20-30', 'set algebra leaves the operands unchanged');
});

void test('property: a RangeSet behaves like a Set of its addresses', () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant('add' as const), v: fc.integer({ min: 0, max: 40 }) }),
    fc.record({ kind: fc.constant('remove' as const), v: fc.integer({ min: 0, max: 40 }) }),
    fc.record({ kind: fc.constant('take' as const), v: fc.constant(0) }),
  );
  const range = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }));
  fc.assert(
    fc.property(
      fc.array(range, { maxLength: 5 }),
      fc.array(op, { maxLength: 60 }),
      fc.array(range, { maxLength: 5 }),
      (init, ops, otherInit) => {
        const set = RangeSet.fromRanges(init.map(([s, e]): Range => ({ start: BigInt(s), end: BigInt(e) })));
        const model = new Set<number>();
        for (const [s, e] of init) for (let v = s; v <= e; v++) model.add(v);
        for (const { kind, v } of ops) {
          if (kind === 'add') assert.equal(set.add(BigInt(v)), !model.has(v) && (model.add(v), true));
          else if (kind === 'remove') assert.equal(set.remove(BigInt(v)), model.delete(v));
          else {
            const min = model.size ? Math.min(...model) : undefined;
            if (min !== undefined) model.delete(min);
            assert.equal(set.takeFirst(), min === undefined ? undefined : BigInt(min));
          }
        }
        const values = [...model].sort((x, y) => x - y);
        assert.equal(set.size(), BigInt(values.length));
        assert.deepEqual(set.ranges(), RangeSet.fromSortedValues(values.map(BigInt)).ranges());
        for (let i = 1; i < set.ranges().length; i++)
          assert.ok(set.ranges()[i]!.start > set.ranges()[i - 1]!.end + 1n);
        const other = RangeSet.fromRanges(otherInit.map(([s, e]) => ({ start: BigInt(s), end: BigInt(e) })));
        const expectMinus = values.filter((v) => !other.contains(BigInt(v)));
        assert.deepEqual(
          set.subtract(other).ranges(),
          RangeSet.fromSortedValues(expectMinus.map(BigInt)).ranges(),
        );
        const expectBoth = values.filter((v) => other.contains(BigInt(v)));
        assert.deepEqual(
          set.intersect(other).ranges(),
          RangeSet.fromSortedValues(expectBoth.map(BigInt)).ranges(),
        );
      },
    ),
    { numRuns: 300 },
  );
});
