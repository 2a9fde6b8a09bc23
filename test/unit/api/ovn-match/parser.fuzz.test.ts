// Fuzzing of the OVN match checker (src/api/ovn-match): any text, and any sequence of the language's own tokens,
// gets a verdict (undefined or the reason, via MatchSyntaxError) and never a crash; matches OVN accepts stay accepted
// inside parentheses and joined with && or ||. Nesting deeper than OVN's 100 levels used to overflow the stack (a
// RangeError, so a 500 from admission); it is refused as OVN refuses it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MAX_PAREN_DEPTH, matchError } from '../../../../src/api/ovn-match/parser.ts';
import { ACCEPTED } from '../../../support/ovn-match-samples.ts';
import { fuzz, tokenSoup } from '../../../support/fuzz.ts';

// prettier-ignore
const tokens = [
  'ip4', 'ip6', 'tcp', 'udp', 'ip4.src', 'ip4.dst', 'ip6.src', 'tcp.dst', 'tcp.src', 'eth.src', 'eth.dst',
  'inport', 'outport', 'reg0', 'ct.est', 'ct_mark', 'ip.proto', 'vlan.tci', 'is_chassis_resident',
  'constructor', '__proto__', '==', '!=', '<', '<=', '>', '>=', '&&', '||', '!', '(', ')', '{', '}', '[', ']',
  ',', '/', '..', '0', '1', '80', '65536', '0x50', '0xffffffffffffffffffffffffffffffffff', '10.0.0.1',
  '10.0.0.0/8', '256.1.1.1', 'fd00::1', '::', '1:2:3:4:5:6:7:8:9', '00:00:00:00:00:01', '"p"', '"unterminated',
  '"\\u00"', '$as', '@pg', '//', '/*', '*/', ' ',
];

describe('OVN matches under fuzzing', () => {
  it('any text gets a verdict, never a crash', () => {
    fuzz(
      fc.oneof(fc.string({ maxLength: 60 }), tokenSoup(tokens, 24)),
      (match) => {
        const verdict = matchError(match);
        assert.ok(verdict === undefined || typeof verdict === 'string');
      },
      { seed: 2401, numRuns: 4000 },
    );
  });

  it('accepted matches stay accepted in parentheses and joined with && or ||', () => {
    const deepest = '('.repeat(MAX_PAREN_DEPTH);
    const accepted = fc.constantFrom(...ACCEPTED.filter((m) => !m.includes('//') && !m.includes(deepest)));
    fuzz(
      fc.tuple(accepted, accepted, fc.constantFrom('&&', '||'), fc.integer({ min: 1, max: 3 })),
      ([a, b, joiner, depth]) => {
        const wrapped = `${'('.repeat(depth)}${a}${')'.repeat(depth)}`;
        assert.equal(matchError(wrapped), undefined, wrapped);
        const joined = `(${a}) ${joiner} (${b})`;
        assert.equal(matchError(joined), undefined, joined);
      },
      { seed: 2402, numRuns: 500 },
    );
  });

  it('refuses nesting deeper than OVN allows, at any depth (regression: 5,000 levels overflowed the stack)', () => {
    for (const depth of [MAX_PAREN_DEPTH + 1, 5_000, 20_000]) {
      for (const match of [
        `${'('.repeat(depth)}ip4${')'.repeat(depth)}`,
        `${'!('.repeat(depth)}ip4${')'.repeat(depth)}`,
      ]) {
        assert.match(matchError(match) ?? 'accepted', /parentheses nested too deeply/);
      }
    }
    assert.equal(matchError(`${'('.repeat(MAX_PAREN_DEPTH)}ip4${')'.repeat(MAX_PAREN_DEPTH)}`), undefined);
  });
});
