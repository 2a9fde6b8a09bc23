// The continue token of paged lists (src/apiserver/rest/continue-token.ts): what it carries survives the round trip,
// and what a client could send instead is a 400 that says why.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeContinue,
  encodeContinue,
  latestRevision,
  type ContinueToken,
} from '../../../../src/apiserver/rest/continue-token.ts';
import { ApiError } from '../../../../src/apiserver/status.ts';

const raw = (content: unknown): string => Buffer.from(JSON.stringify(content)).toString('base64url');

describe('continue tokens', () => {
  const tokens: ContinueToken[] = [
    { revision: 42, after: { namespace: 'default', name: 'cm1' } },
    { revision: 42, after: { namespace: '', name: 'vpc1' }, remaining: 7 },
    { revision: latestRevision, after: { namespace: 'ns', name: 'p' } },
  ];
  for (const token of tokens) {
    it(`round-trips ${JSON.stringify(token)}`, () => {
      const text = encodeContinue(token);
      assert.match(text, /^[A-Za-z0-9_-]+$/, 'URL-safe');
      assert.deepEqual(decodeContinue(text), token);
    });
  }

  const bad: Array<[string, string, RegExp]> = [
    ['not base64 JSON', 'garbage', /continue key is not valid: /],
    ['another version', raw({ v: 'meta.k8s.io/v1', rv: 5, start: 'a' }), /unknown version/],
    ['revision 0', raw({ v: 'kovn/1', rv: 0, ns: '', n: 'a' }), /incorrect encoded start resourceVersion/],
    ['revision -2', raw({ v: 'kovn/1', rv: -2, ns: '', n: 'a' }), /incorrect encoded start resourceVersion/],
    [
      'revision as text',
      raw({ v: 'kovn/1', rv: '5', ns: '', n: 'a' }),
      /incorrect encoded start resourceVersion/,
    ],
    ['no key', raw({ v: 'kovn/1', rv: 5 }), /no start key/],
    ['a negative count', raw({ v: 'kovn/1', rv: 5, ns: '', n: 'a', rem: -1 }), /bad remaining count/],
  ];
  for (const [what, text, message] of bad) {
    it(`refuses ${what} with 400`, () => {
      assert.throws(
        () => decodeContinue(text),
        (err: unknown) => err instanceof ApiError && err.code === 400 && message.test(err.message),
      );
    });
  }
});
