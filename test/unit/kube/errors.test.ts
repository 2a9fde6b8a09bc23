// The predicates over API answers (src/kube/errors.ts) and the patch dialect's content type (src/kube/client.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { contentTypeOf, type KubeRequest } from '../../../src/kube/client.ts';
import {
  ApiStatusError,
  UnreachableError,
  isAlreadyExists,
  isConflict,
  isGone,
  isNotFound,
  isPathNotServed,
  type KubeStatus,
} from '../../../src/kube/errors.ts';

const answer = (code: number, status: KubeStatus = {}): ApiStatusError =>
  new ApiStatusError('GET /x', code, status);

describe('error predicates', () => {
  const predicates = { isNotFound, isPathNotServed, isAlreadyExists, isConflict, isGone };
  type Name = keyof typeof predicates;
  const cases: Array<[string, () => unknown, Name[]]> = [
    [
      '404 naming an object',
      () => answer(404, { reason: 'NotFound', details: { name: 'p' } }),
      ['isNotFound'],
    ],
    ['404 naming nothing (path not served)', () => answer(404, {}), ['isNotFound', 'isPathNotServed']],
    ['409 AlreadyExists', () => answer(409, { reason: 'AlreadyExists' }), ['isAlreadyExists']],
    ['409 Conflict', () => answer(409, { reason: 'Conflict' }), ['isConflict']],
    ['409 without a reason in the body (Conflict by code)', () => answer(409), ['isConflict']],
    ['410 Gone', () => answer(410, { reason: 'Expired' }), ['isGone']],
    ['422 Invalid', () => answer(422, { reason: 'Invalid' }), []],
    ['an unreachable server', () => new UnreachableError('https://x'), []],
    ['a plain error', () => new Error('404'), []],
    ['a duck-typed code', () => ({ code: 404 }), []],
  ];
  for (const [what, err, truthy] of cases)
    it(`${what}: ${truthy.join(', ') || 'none'}`, () => {
      for (const [name, predicate] of Object.entries(predicates))
        assert.equal(predicate(err()), truthy.includes(name as Name), name);
    });
});

describe('contentTypeOf', () => {
  const cases: Array<[Pick<KubeRequest, 'method' | 'patch'>, string]> = [
    [{ method: 'POST' }, 'application/json'],
    [{ method: 'PUT' }, 'application/json'],
    [{ method: 'PATCH' }, 'application/merge-patch+json'],
    [{ method: 'PATCH', patch: 'merge' }, 'application/merge-patch+json'],
    [{ method: 'PATCH', patch: 'json' }, 'application/json-patch+json'],
    [{ method: 'PATCH', patch: 'strategic' }, 'application/strategic-merge-patch+json'],
  ];
  for (const [request, type] of cases)
    it(`${request.method} ${request.patch ?? ''}: ${type}`, () => assert.equal(contentTypeOf(request), type));
});
