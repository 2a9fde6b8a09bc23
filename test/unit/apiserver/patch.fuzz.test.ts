// Fuzzing of the three PATCH dialects (src/apiserver/patch.ts): a JSON patch of any operations on any document gives
// a document or a 400/422 ApiError and leaves its input alone; merge and strategic patches of any JSON never throw, a
// merge patch is idempotent (RFC 7386), and every member of a patch is kept, whatever its name: `__proto__` used to
// be lost (the assignment set the object's prototype instead, so `{"spec":{"__proto__":{"x":1}}}` made `spec.x`
// readable but never stored).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { podSpecKeys } from '../../../src/apiserver/resources/builtin/pod.ts';
import { applyJsonPatch, mergePatch, strategicMerge } from '../../../src/apiserver/patch.ts';
import { ApiError } from '../../../src/apiserver/status.ts';
import { fuzz, parsedOrRejected } from '../../support/fuzz.ts';

const mergeKeys = new Map(
  Object.entries({ 'metadata.finalizers': '', 'metadata.ownerReferences': 'uid', ...podSpecKeys('spec.') }),
);

const key = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('a', 'b', 'name', 'spec', 'containers', 'metadata', 'finalizers') },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', '') },
  { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
);
const directive = fc.constantFrom(
  '$patch',
  '$retainKeys',
  '$setElementOrder/containers',
  '$setElementOrder/finalizers',
  '$deleteFromPrimitiveList/finalizers',
  '$deleteFromPrimitiveList/__proto__',
);
const leaf = fc.oneof(
  fc.constantFrom(null, true, 0, 'a', 'x', 'replace', 'delete', 'merge'),
  fc.integer(),
  fc.string({ maxLength: 4 }),
);
/** JSON with the keys a pod carries, prototype names and (when `directives`) strategic-merge directives. */
const json = (directives: boolean): fc.Arbitrary<unknown> =>
  fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth: 5 },
      leaf,
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(directives ? fc.oneof(key, directive) : key, tie('value'), { maxKeys: 4 }),
    ),
  })).value;

/** The patch with its null members removed, recursively: what a merge patch makes of an empty document. */
function withoutNulls(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v))
    if (x !== null) Object.defineProperty(out, k, { value: withoutNulls(x), enumerable: true });
  return out;
}

const isPatchRejection = (error: unknown): boolean =>
  error instanceof ApiError && (error.code === 400 || error.code === 422);

describe('patches under fuzzing', () => {
  it('a JSON patch gives a document or a 400/422, and leaves its input alone', () => {
    const path = fc.oneof(
      fc.constantFrom(
        '',
        '/',
        '/a',
        '/a/0',
        '/a/-',
        '/a/b/c',
        '/__proto__',
        '/a/__proto__/x',
        '/constructor/prototype',
      ),
      fc.constantFrom(
        '/~0',
        '/~1',
        '/~2',
        'a',
        '/a/01',
        '/a/1e2',
        '/spec/containers/0/name',
        '/metadata/finalizers/-',
      ),
    );
    const op = fc.record(
      {
        op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', '_get', 'bogus'),
        path: fc.oneof(path, leaf),
        from: fc.oneof(path, leaf),
        value: json(false),
      },
      { requiredKeys: ['op'] },
    );
    const operations = fc.oneof(
      { weight: 4, arbitrary: fc.array(fc.oneof(op, leaf), { maxLength: 4 }) },
      { weight: 1, arbitrary: json(false) },
    );
    fuzz(
      fc.tuple(json(false), operations),
      ([document, ops]) => {
        const before = JSON.stringify(document);
        parsedOrRejected(() => applyJsonPatch(document, ops), isPatchRejection);
        assert.equal(JSON.stringify(document), before, 'the input document is unchanged');
      },
      { seed: 2201, numRuns: 1500 },
    );
  });

  it('a merge patch never throws, is idempotent and keeps every member', () => {
    fuzz(
      fc.tuple(json(false), json(false)),
      ([target, patch]) => {
        const once = mergePatch(target, patch);
        assert.equal(
          JSON.stringify(mergePatch(once, patch)),
          JSON.stringify(once),
          'applying it twice changes nothing',
        );
        assert.equal(JSON.stringify(mergePatch({}, patch)), JSON.stringify(withoutNulls(patch)));
      },
      { seed: 2202, numRuns: 1500 },
    );
  });

  it('a strategic merge patch never throws, and without directives or lists keeps every member', () => {
    fuzz(
      fc.tuple(
        json(false),
        json(true),
        json(false).filter((p) => !JSON.stringify(p ?? null).includes('[')),
      ),
      ([original, withDirectives, plain]) => {
        strategicMerge(original, withDirectives, '', mergeKeys);
        assert.equal(
          JSON.stringify(strategicMerge({}, plain, '', mergeKeys)),
          JSON.stringify(withoutNulls(plain)),
        );
      },
      { seed: 2203, numRuns: 1500 },
    );
  });

  it('keeps a member named __proto__ (regression)', () => {
    const patch = JSON.parse('{"spec":{"__proto__":{"x":1},"constructor":{"y":2}}}') as unknown;
    const expected = '{"spec":{"__proto__":{"x":1},"constructor":{"y":2}}}';
    assert.equal(JSON.stringify(mergePatch({}, patch)), expected);
    assert.equal(JSON.stringify(strategicMerge({}, patch, '', mergeKeys)), expected);
    const merged = mergePatch({ spec: {} }, patch) as { spec: object };
    assert.equal(Object.getPrototypeOf(merged.spec), Object.prototype, 'no prototype was set');
  });
});
