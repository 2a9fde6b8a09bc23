// The Kubernetes time serialisations (src/util/time.ts), table by table.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dateAt, metaTime, microTime, milliTime } from '../../../src/util/time.ts';

const at = (ms: number): number => Date.UTC(2026, 0, 2, 3, 4, 5, ms);

const cases: Array<{ what: string; ms: number; meta: string; micro: string; milli: string }> = [
  {
    what: 'a whole second',
    ms: at(0),
    meta: '2026-01-02T03:04:05Z',
    micro: '2026-01-02T03:04:05.000000Z',
    milli: '2026-01-02T03:04:05.000Z',
  },
  {
    what: 'a fraction is dropped, not rounded, to the second',
    ms: at(999),
    meta: '2026-01-02T03:04:05Z',
    micro: '2026-01-02T03:04:05.999000Z',
    milli: '2026-01-02T03:04:05.999Z',
  },
  {
    what: 'milliseconds keep their leading zeros',
    ms: at(7),
    meta: '2026-01-02T03:04:05Z',
    micro: '2026-01-02T03:04:05.007000Z',
    milli: '2026-01-02T03:04:05.007Z',
  },
  {
    what: 'the epoch',
    ms: 0,
    meta: '1970-01-01T00:00:00Z',
    micro: '1970-01-01T00:00:00.000000Z',
    milli: '1970-01-01T00:00:00.000Z',
  },
  {
    what: 'before the epoch, to the earlier second',
    ms: -1,
    meta: '1969-12-31T23:59:59Z',
    micro: '1969-12-31T23:59:59.999000Z',
    milli: '1969-12-31T23:59:59.999Z',
  },
];

describe('metaTime (metav1.Time)', () => {
  for (const c of cases) it(c.what, () => assert.equal(metaTime(c.ms), c.meta));
});

describe('microTime (metav1.MicroTime)', () => {
  for (const c of cases) it(c.what, () => assert.equal(microTime(c.ms), c.micro));
});

describe('milliTime', () => {
  for (const c of cases) it(c.what, () => assert.equal(milliTime(c.ms), c.milli));
});

describe('dateAt', () => {
  for (const c of cases) it(c.what, () => assert.equal(dateAt(c.ms).getTime(), c.ms));
});

describe('times that cannot be written', () => {
  for (const [name, format] of [
    ['metaTime', metaTime],
    ['microTime', microTime],
    ['milliTime', milliTime],
  ] as const)
    it(`${name}(NaN) throws`, () => assert.throws(() => format(Number.NaN), RangeError));
});
