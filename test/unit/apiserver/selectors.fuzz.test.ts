// Fuzzing of label and field selectors (src/apiserver/selectors.ts): any query text parses to a selector or a 400
// ApiError, and a parsed selector matches any object without throwing; selectors written from valid requirements (in
// every spelling: spaces, `==`, set syntax, escapes) parse back to those requirements.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { KubeObject } from '../../../src/api/types.ts';
import {
  matchFields,
  matchLabels,
  parseFieldSelector,
  parseLabelSelector,
  type LabelRequirement,
} from '../../../src/apiserver/selectors.ts';
import { ApiError } from '../../../src/apiserver/status.ts';
import { fuzz, parsedOrRejected, tokenSoup } from '../../support/fuzz.ts';

const isBadRequest = (error: unknown): boolean => error instanceof ApiError && error.code === 400;

// prettier-ignore
const selectorFragments = [
  'a', 'b', 'app', 'x.io/y', 'a/b/c', '=', '==', '!=', '!', ' in ', ' notin ', 'in', '(', ')', ',', '>', '<',
  '1', '-1', '1.5', '-', '_', '.', '\\', '\\,', ' ', '__proto__',
];
const fields = ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'status.phase', 'source'];

const alnum = fc.constantFrom(...'abcz09AZ');
const middle = fc.string({ unit: fc.constantFrom(...'abz09AZ-_.'), maxLength: 6 });
/** A label value or key name: alphanumeric at both ends, `-_.` inside. */
const labelName = fc
  .tuple(alnum, fc.option(fc.tuple(middle, alnum)))
  .map(([a, rest]) => (rest ? `${a}${rest[0]}${rest[1]}` : a));
const dnsLabel = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,4}[a-z0-9])?$/);
const labelKey = fc
  .tuple(fc.option(fc.array(dnsLabel, { minLength: 1, maxLength: 3 })), labelName)
  .map(([prefix, name]) => (prefix ? `${prefix.join('.')}/${name}` : name));
const space = fc.constantFrom('', ' ', '  ');

/** A requirement and one of its spellings. */
const requirement: fc.Arbitrary<[LabelRequirement, string]> = fc.oneof(
  fc
    .tuple(labelKey, space)
    .map(([key, s]): [LabelRequirement, string] => [{ key, op: 'exists' }, `${s}${key}${s}`]),
  fc.tuple(labelKey, space).map(([key, s]): [LabelRequirement, string] => [{ key, op: '!' }, `!${s}${key}`]),
  fc
    .tuple(labelKey, fc.constantFrom('=', '==', '!='), fc.oneof(labelName, fc.constant('')), space)
    .map(([key, op, value, s]): [LabelRequirement, string] => [
      { key, op: op === '!=' ? '!=' : '=', value },
      `${key}${s}${op}${s}${value}`,
    ]),
  fc
    .tuple(
      labelKey,
      fc.constantFrom('in', 'notin'),
      fc.array(labelName, { minLength: 1, maxLength: 3 }),
      space,
    )
    .map(([key, op, values, s]): [LabelRequirement, string] => [
      { key, op, values },
      `${key} ${op}${s}(${values.join(`,${s}`)})`,
    ]),
  fc
    .tuple(labelKey, fc.constantFrom('>', '<'), fc.integer({ min: -1000, max: 1000 }))
    .map(([key, op, value]): [LabelRequirement, string] => [{ key, op, value }, `${key}${op}${value}`]),
);

const labels = fc.dictionary(
  fc.oneof(labelKey, fc.string({ maxLength: 4 })),
  fc.oneof(labelName, fc.string({ maxLength: 4 })),
  { maxKeys: 4 },
);
const object: fc.Arbitrary<KubeObject> = fc
  .record({
    metadata: fc.record(
      { name: fc.string({ maxLength: 4 }), namespace: fc.string({ maxLength: 4 }), labels },
      { requiredKeys: [] },
    ),
    spec: fc.jsonValue({ maxDepth: 2 }),
    status: fc.jsonValue({ maxDepth: 2 }),
    source: fc.jsonValue({ maxDepth: 2 }),
  })
  .map((o) => ({ apiVersion: 'v1', kind: 'Pod', ...o }));

describe('selectors under fuzzing', () => {
  it('any label selector text: a selector that matches without throwing, or a 400', () => {
    const text = fc.oneof(tokenSoup(selectorFragments, 16), fc.string({ maxLength: 40 }));
    fuzz(
      fc.tuple(text, labels),
      ([t, l]) => {
        const selector = parsedOrRejected(() => parseLabelSelector(t), isBadRequest);
        if (!(selector instanceof Error)) matchLabels(selector, l);
      },
      { seed: 2301, numRuns: 2000 },
    );
  });

  it('requirements written in any spelling parse back to themselves', () => {
    fuzz(
      fc.array(requirement, { minLength: 1, maxLength: 4 }),
      (written) => {
        const text = written.map(([, spelling]) => spelling).join(',');
        assert.deepEqual(
          parseLabelSelector(text),
          written.map(([r]) => r),
          text,
        );
      },
      { seed: 2302, numRuns: 1000 },
    );
  });

  it('any field selector text: a selector that matches without throwing, or a 400', () => {
    const text = fc.oneof(
      tokenSoup([...selectorFragments, ...fields, 'metadata.', '\\='], 12),
      fc.string({ maxLength: 40 }),
    );
    fuzz(
      fc.tuple(text, object),
      ([t, o]) => {
        const selector = parsedOrRejected(() => parseFieldSelector(t, fields), isBadRequest);
        if (!(selector instanceof Error)) matchFields(selector, o);
      },
      { seed: 2303, numRuns: 2000 },
    );
  });

  it('field requirements with escaped values parse back to themselves', () => {
    const value = fc.string({ unit: fc.constantFrom(...'ab0-.,=\\!'), maxLength: 6 });
    const escape = (v: string): string => v.replace(/[\\,=]/g, (c) => `\\${c}`);
    fuzz(
      fc.array(fc.tuple(fc.constantFrom(...fields), fc.constantFrom('=', '==', '!='), value), {
        minLength: 1,
        maxLength: 3,
      }),
      (written) => {
        const text = written.map(([f, op, v]) => `${f}${op}${escape(v)}`).join(',');
        const expected = written.map(([field, op, v]) => ({ field, op: op === '!=' ? '!=' : '=', value: v }));
        assert.deepEqual(parseFieldSelector(text, fields), expected, text);
      },
      { seed: 2304, numRuns: 1000 },
    );
  });

  // Regression: the split on commas not preceded by a backslash took `\\,` (an escaped backslash, then the
  // separator) for an escaped comma, and any `\x` passed as `x`.
  it('splits after an escaped backslash and refuses escapes fields.UnescapeValue refuses', () => {
    assert.deepEqual(parseFieldSelector('metadata.name=\\\\,metadata.name=', fields), [
      { field: 'metadata.name', op: '=', value: '\\' },
      { field: 'metadata.name', op: '=', value: '' },
    ]);
    for (const bad of ['metadata.name=a\\x', 'metadata.name=a\\', 'metadata.name=a=b', 'metadata.name==='])
      assert.throws(() => parseFieldSelector(bad, fields), isBadRequest, bad);
  });
});
