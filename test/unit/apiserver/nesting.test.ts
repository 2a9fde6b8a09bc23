import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonTooDeepAt, valueNesting, yamlTokens } from '../../../src/apiserver/nesting.ts';

const deepArrays = (n: number): string => '['.repeat(n) + ']'.repeat(n);

describe('JSON nesting scan', () => {
  const cases: Array<[json: string, limit: number, tooDeepAt: number | undefined]> = [
    ['1', 0, undefined],
    ['{}', 1, undefined],
    ['{}', 0, 0],
    ['{"a":[1]}', 2, undefined],
    ['{"a":[1]}', 1, 5],
    [deepArrays(3), 3, undefined],
    [deepArrays(4), 3, 3],
    // brackets inside strings, escaped quotes and backslashes do not count
    ['{"[[[[": "]]]]{{{{", "b": "\\"[[[", "c": "\\\\"}', 1, undefined],
    ['["\\\\", [[1]]]', 2, 8],
    // malformed text is left to JSON.parse: unbalanced closers only lower the count
    [']]]][[', 2, undefined],
    // multi-byte UTF-8 never looks like a bracket
    ['{"ü€😀":["é"]}', 2, undefined],
  ];
  for (const [json, limit, expected] of cases) {
    it(`${json.slice(0, 40)} (limit ${limit}) -> ${String(expected)}`, () => {
      assert.equal(jsonTooDeepAt(Buffer.from(json), limit), expected);
    });
  }
  it('stops at the first level too deep of a 200,000-deep body', () => {
    assert.equal(jsonTooDeepAt(Buffer.from(deepArrays(200_000)), 500), 500);
  });
});

describe('YAML nesting check on the parser tokens', () => {
  const tooDeep = (yaml: string, limit: number): number | undefined => {
    const parsed = yamlTokens(yaml, limit);
    return 'tooDeepAt' in parsed ? parsed.tooDeepAt : undefined;
  };
  const cases: Array<[yaml: string, limit: number, deep: boolean]> = [
    ['a: 1\n', 1, false],
    ['a: 1\n', 0, true],
    ['a:\n  b:\n    - c: 1\n', 4, false],
    ['a:\n  b:\n    - c: 1\n', 3, true],
    ['a: [[1], {b: [2]}]\n', 4, false],
    ['a: [[1], {b: [2]}]\n', 3, true],
    // a pair in a flow sequence is a map of its own
    ['a: [b: [c: 1]]\n', 5, false],
    ['a: [b: [c: 1]]\n', 4, true],
    ['? [[1]]\n: x\n', 3, false],
    ['? [[1]]\n: x\n', 2, true],
    ['a: 1\n---\nb: [[[1]]]\n', 3, true],
    ['s: "[[[[[["\n', 1, false],
  ];
  for (const [yaml, limit, deep] of cases) {
    it(`${JSON.stringify(yaml)} (limit ${limit}) ${deep ? 'is' : 'is not'} too deep`, () => {
      assert.equal(tooDeep(yaml, limit) !== undefined, deep);
    });
  }
  it('stops parsing a 200,000-deep flow sequence or block sequence early, without recursion', () => {
    const started = performance.now();
    assert.ok((tooDeep(`a: ${deepArrays(200_000)}\n`, 500) ?? 0) > 500);
    assert.ok((tooDeep(`${'- '.repeat(200_000)}1\n`, 500) ?? 0) > 500);
    assert.ok(performance.now() - started < 2000, 'stopped early');
  });
  it('returns the tokens of a document within the limit', () => {
    const parsed = yamlTokens('a: [1]\n', 2);
    assert.ok('tokens' in parsed && parsed.tokens.some((t) => t.type === 'document'));
  });
});

describe('nesting of a parsed value', () => {
  const nest = (n: number): unknown => {
    let v: unknown = 1;
    for (let i = 0; i < n; i++) v = { a: v };
    return v;
  };
  const shared = [nest(3)];
  const cyclic: Record<string, unknown> = { a: [] };
  (cyclic['a'] as unknown[]).push(cyclic);
  const cases: Array<[name: string, value: unknown, limit: number, problem: string | undefined]> = [
    ['a scalar', 'x', 0, undefined],
    ['an empty object', {}, 1, undefined],
    ['an empty object, limit 0', {}, 0, 'too-deep'],
    ['10 levels, limit 10', nest(10), 10, undefined],
    ['11 levels, limit 10', nest(11), 10, 'too-deep'],
    [
      'a sub-value shared at two depths (the deeper one counts)',
      { x: shared, y: { z: shared } },
      5,
      'too-deep',
    ],
    ['a sub-value shared at two depths, within the limit', { x: shared, y: { z: shared } }, 6, undefined],
    ['a value that contains itself', cyclic, 1000, 'cycle'],
    ['siblings sharing a value are no cycle', { a: shared, b: shared, c: [shared, shared] }, 10, undefined],
    ['200,000 levels', nest(200_000), 500, 'too-deep'],
  ];
  for (const [name, value, limit, problem] of cases) {
    it(`${name} -> ${String(problem)}`, () => {
      assert.equal(valueNesting(value, limit), problem);
    });
  }
});
