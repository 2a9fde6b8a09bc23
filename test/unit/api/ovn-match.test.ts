// The OVN match checker, table by table: expressions ovn-controller accepts (cross-checked against OVN 23.03's own
// parser through ovn-trace, see test/integration/api/ovn-match-northd.test.ts) and ones it refuses, with the
// reason the checker gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchError } from '../../../src/api/ovn-match/parser.ts';
import { ACCEPTED, REJECTED } from '../../support/ovn-match-samples.ts';

void test('accepted: expressions OVN accepts', () => {
  for (const m of ACCEPTED) assert.equal(matchError(m), undefined, m);
});

void test('rejected: expressions OVN refuses, with the reason', () => {
  for (const [m, reason] of REJECTED) {
    const got = matchError(m);
    assert.ok(got?.includes(reason), `${JSON.stringify(m)}: got ${got ?? 'accepted'}, want …${reason}…`);
  }
});

void test('errors point at the column of the offending token', () => {
  assert.match(matchError('ip4.src == 10.0.0.0/8 && foo == 1') ?? '', /^column 26: unknown field foo$/);
});
