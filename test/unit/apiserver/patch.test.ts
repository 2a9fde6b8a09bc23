import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyJsonPatch, mergePatch, strategicMerge } from '../../../src/apiserver/patch.ts';
import { ApiError } from '../../../src/apiserver/status.ts';

describe('merge patch (RFC 7386)', () => {
  it('follows the RFC examples', () => {
    const cases: Array<[unknown, unknown, unknown]> = [
      [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
      [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
      [{ a: 'b' }, { a: null }, {}],
      [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
      [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
      [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
      [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
      [
        ['a', 'b'],
        ['c', 'd'],
        ['c', 'd'],
      ],
      [{ a: 'foo' }, 'bar', 'bar'],
      [{ e: null }, { a: 1 }, { e: null, a: 1 }],
      [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    ];
    for (const [target, patch, result] of cases) assert.deepEqual(mergePatch(target, patch), result);
  });
});

describe('JSON patch (RFC 6902)', () => {
  it('applies operations without mutating the input', () => {
    const doc = { a: { b: [1, 2] } };
    assert.deepEqual(
      applyJsonPatch(doc, [
        { op: 'add', path: '/a/b/-', value: 3 },
        { op: 'remove', path: '/a/b/0' },
      ]),
      { a: { b: [2, 3] } },
    );
    assert.deepEqual(doc, { a: { b: [1, 2] } });
  });

  it('fails a test operation with 422 and a malformed patch with 400', () => {
    assert.throws(
      () => applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }]),
      (e: unknown) => e instanceof ApiError && e.code === 422,
    );
    assert.throws(
      () => applyJsonPatch({ a: 1 }, { op: 'add' }),
      (e: unknown) => e instanceof ApiError && e.code === 400,
    );
    assert.throws(
      () => applyJsonPatch({ a: 1 }, [{ op: 'bogus', path: '/a' }]),
      (e: unknown) => e instanceof ApiError && e.code === 400,
    );
  });
});

describe('strategic merge patch', () => {
  const keys = new Map([
    ['spec.containers', 'name'],
    ['spec.containers.ports', 'containerPort'],
    ['spec.containers.env', 'name'],
    ['metadata.finalizers', ''],
  ]);
  const pod = {
    metadata: { finalizers: ['a'] },
    spec: {
      containers: [
        { name: 'app', image: 'v1', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }] },
        { name: 'side', image: 's' },
      ],
      tolerations: [{ key: 'x' }],
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } },
    },
  };

  it('merges lists by merge key and replaces lists without one', () => {
    const out = strategicMerge(
      pod,
      {
        spec: {
          containers: [
            { name: 'app', image: 'v2' },
            { name: 'new', image: 'n' },
          ],
          tolerations: [{ key: 'y' }],
        },
      },
      '',
      keys,
    ) as typeof pod;
    assert.deepEqual(
      out.spec.containers.map((c) => `${c.name}:${c.image}`),
      ['app:v2', 'side:s', 'new:n'],
    );
    assert.deepEqual(out.spec.containers[0]?.ports, [{ containerPort: 80 }]);
    assert.deepEqual(out.spec.tolerations, [{ key: 'y' }]);
  });

  it('honours $patch delete/replace, $deleteFromPrimitiveList, $retainKeys and $setElementOrder', () => {
    const out = strategicMerge(
      pod,
      {
        metadata: {
          $deleteFromPrimitiveList: undefined,
          '$deleteFromPrimitiveList/finalizers': ['a'],
          finalizers: ['b'],
        },
        spec: {
          $setElementOrder: undefined,
          '$setElementOrder/containers': [{ name: 'side' }, { name: 'app' }],
          containers: [{ name: 'app', env: [{ name: 'A', $patch: 'delete' }] }],
          strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null },
        },
      },
      '',
      keys,
    ) as typeof pod;
    assert.deepEqual(out.metadata.finalizers, ['b']);
    assert.deepEqual(
      out.spec.containers.map((c) => c.name),
      ['side', 'app'],
    );
    assert.deepEqual(out.spec.containers[1]?.env, []);
    assert.deepEqual(out.spec.strategy, { type: 'Recreate' });
    const replaced = strategicMerge(
      pod,
      { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'o' }] } },
      '',
      keys,
    ) as typeof pod;
    assert.deepEqual(replaced.spec.containers, [{ name: 'only', image: 'o' }]);
    const mapReplaced = strategicMerge(
      pod,
      { spec: { strategy: { $patch: 'replace', type: 'Recreate' } } },
      '',
      keys,
    ) as typeof pod;
    assert.deepEqual(mapReplaced.spec.strategy, { type: 'Recreate' });
  });
});
