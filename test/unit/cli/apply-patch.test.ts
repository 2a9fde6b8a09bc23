import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/api/types.ts';
import { goJson, goJsonIndent } from '../../../src/cli/apply/go-json.ts';
import { LAST_APPLIED, lastApplied, modifiedConfiguration } from '../../../src/cli/apply/last-applied.ts';
import { isBuiltinGroup, mergeKeysFor } from '../../../src/cli/apply/merge-keys.ts';
import { threeWayPatch } from '../../../src/cli/apply/three-way.ts';

type J = Record<string, unknown>;

describe('Go JSON (what kubectl writes into the annotation)', () => {
  const cases: Array<[string, unknown, string]> = [
    [
      'sorts keys at every level',
      { b: 1, a: { d: [{ z: 1, y: 2 }], c: null } },
      '{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}',
    ],
    ['escapes HTML characters', { s: '<a&b>' }, '{"s":"\\u003ca\\u0026b\\u003e"}'],
    ['escapes line and paragraph separators', { s: 'a\u2028b\u2029' }, '{"s":"a\\u2028b\\u2029"}'],
    ['keeps non-ASCII text', { s: 'żółw' }, '{"s":"żółw"}'],
    ['sorts keys by bytes (uppercase first)', { b: 1, B: 2, _: 3 }, '{"B":2,"_":3,"b":1}'],
    ['drops undefined fields', { a: undefined, b: 1 }, '{"b":1}'],
    ['prints floats and integers as Go does', { i: 8080, f: 1.5, e: 1e21 }, '{"e":1e+21,"f":1.5,"i":8080}'],
  ];
  for (const [name, value, text] of cases) it(name, () => assert.equal(goJson(value), text));
  it('indents by four spaces for -o json', () => {
    assert.equal(goJsonIndent({ b: [1], a: {} }), '{\n    "a": {},\n    "b": [\n        1\n    ]\n}');
  });
});

describe('the last-applied annotation', () => {
  const vpc: KubeObject = {
    kind: 'Vpc',
    apiVersion: 'kubeovn.io/v1',
    metadata: { name: 'test-vpc-1' },
    spec: { namespaces: ['ns1'] },
  };
  it('is the manifest as Go JSON with an empty annotations map, plus a newline (byte-equal to kubectl 1.32)', () => {
    const { annotation, object } = modifiedConfiguration(vpc);
    assert.equal(
      annotation,
      '{"apiVersion":"kubeovn.io/v1","kind":"Vpc","metadata":{"annotations":{},"name":"test-vpc-1"},"spec":{"namespaces":["ns1"]}}\n',
    );
    assert.deepEqual(object.metadata.annotations, { [LAST_APPLIED]: annotation });
    assert.equal(vpc.metadata.annotations, undefined, 'the manifest itself is not changed');
  });
  it('keeps the user annotations and drops a stale last-applied one from the manifest', () => {
    const withAnnotations = {
      ...vpc,
      metadata: { name: 'v', annotations: { a: 'b', [LAST_APPLIED]: 'old' } },
    };
    const { annotation } = modifiedConfiguration(withAnnotations);
    assert.equal(
      annotation,
      '{"apiVersion":"kubeovn.io/v1","kind":"Vpc","metadata":{"annotations":{"a":"b"},"name":"v"},"spec":{"namespaces":["ns1"]}}\n',
    );
  });
  it('reads back from a live object, and ignores an unreadable one', () => {
    const { object } = modifiedConfiguration(vpc);
    assert.deepEqual(lastApplied(object)?.spec, { namespaces: ['ns1'] });
    assert.equal(
      lastApplied({ ...vpc, metadata: { annotations: { [LAST_APPLIED]: '{not json' } } }),
      undefined,
    );
    assert.equal(lastApplied(vpc), undefined);
  });
});

describe('three-way merge patch (custom resources)', () => {
  const cases: Array<[string, J | undefined, J, J, J]> = [
    [
      'nothing changed -> empty',
      { spec: { a: 1 } },
      { spec: { a: 1 } },
      { spec: { a: 1 }, status: { x: 1 } },
      {},
    ],
    [
      'a changed value is set',
      { spec: { a: 1 } },
      { spec: { a: 2 } },
      { spec: { a: 1 } },
      { spec: { a: 2 } },
    ],
    [
      'a field removed from the manifest is deleted',
      { spec: { a: 1, b: 2 } },
      { spec: { a: 1 } },
      { spec: { a: 1, b: 2 } },
      { spec: { b: null } },
    ],
    [
      'a field never applied is left alone',
      { spec: { a: 1 } },
      { spec: { a: 1 } },
      { spec: { a: 1, gateway: '10.0.1.1' } },
      {},
    ],
    [
      'someone else changed an applied field -> set back',
      { spec: { a: 1 } },
      { spec: { a: 1 } },
      { spec: { a: 5 } },
      { spec: { a: 1 } },
    ],
    [
      'lists are replaced whole',
      { spec: { l: [1, 2] } },
      { spec: { l: [1, 3] } },
      { spec: { l: [1, 2] } },
      { spec: { l: [1, 3] } },
    ],
    [
      'an equal list is not sent',
      { spec: { l: [{ a: 1 }] } },
      { spec: { l: [{ a: 1 }] } },
      { spec: { l: [{ a: 1 }] } },
      {},
    ],
    [
      'a new nested map is sent whole',
      undefined,
      { spec: { m: { a: 1 } } },
      { spec: {} },
      { spec: { m: { a: 1 } } },
    ],
    [
      'no original (created elsewhere): only sets',
      undefined,
      { spec: { a: 1 } },
      { spec: { a: 1, b: 2 } },
      {},
    ],
    [
      'an explicit null deletes an applied field',
      { spec: { a: 1 } },
      { spec: { a: null } },
      { spec: { a: 1 } },
      { spec: { a: null } },
    ],
    ['a deleted subtree already gone is not sent', { spec: { a: 1 } }, {}, { status: {} }, {}],
    [
      'type change map -> scalar',
      { spec: { a: { b: 1 } } },
      { spec: { a: 'x' } },
      { spec: { a: { b: 1 } } },
      { spec: { a: 'x' } },
    ],
  ];
  for (const [name, original, modified, current, patch] of cases) {
    it(name, () => assert.deepEqual(threeWayPatch(original, modified, current), patch));
  }
});

describe('three-way strategic merge patch (built-in kinds)', () => {
  const c = (name: string, extra: J = {}): J => ({ name, image: 'nginx', ...extra });
  const cases: Array<[string, J | undefined, J, J, J]> = [
    [
      'an unchanged keyed list is not sent, server defaults inside items kept',
      { spec: { containers: [c('a')] } },
      { spec: { containers: [c('a')] } },
      { spec: { containers: [c('a', { terminationMessagePath: '/dev/termination-log' })] } },
      {},
    ],
    [
      'a changed item is patched by key, with the applied order',
      { spec: { containers: [c('a'), c('b')] } },
      { spec: { containers: [c('a'), c('b', { image: 'busybox' })] } },
      { spec: { containers: [c('a'), c('b')] } },
      {
        spec: {
          containers: [{ name: 'b', image: 'busybox' }],
          '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }],
        },
      },
    ],
    [
      'a removed item is deleted with $patch: delete',
      { spec: { containers: [c('a'), c('b')] } },
      { spec: { containers: [c('a')] } },
      { spec: { containers: [c('a'), c('b')] } },
      {
        spec: {
          containers: [{ name: 'b', $patch: 'delete' }],
          '$setElementOrder/containers': [{ name: 'a' }],
        },
      },
    ],
    [
      'an added item is sent whole',
      { spec: { containers: [c('a')] } },
      { spec: { containers: [c('a'), c('b')] } },
      { spec: { containers: [c('a')] } },
      { spec: { containers: [c('b')], '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }] } },
    ],
    [
      'nested keyed lists (ports by containerPort), a field removed inside an item',
      { spec: { containers: [c('a', { ports: [{ containerPort: 80, name: 'http' }] })] } },
      { spec: { containers: [c('a', { ports: [{ containerPort: 80 }] })] } },
      { spec: { containers: [c('a', { ports: [{ containerPort: 80, name: 'http', protocol: 'TCP' }] })] } },
      {
        spec: {
          containers: [
            {
              name: 'a',
              ports: [{ containerPort: 80, name: null }],
              '$setElementOrder/ports': [{ containerPort: 80 }],
            },
          ],
          '$setElementOrder/containers': [{ name: 'a' }],
        },
      },
    ],
    [
      'lists without a merge key (tolerations) are replaced whole',
      { spec: { tolerations: [{ key: 'a' }] } },
      { spec: { tolerations: [{ key: 'b' }] } },
      { spec: { tolerations: [{ key: 'a' }] } },
      { spec: { tolerations: [{ key: 'b' }] } },
    ],
  ];
  for (const [name, original, modified, current, patch] of cases) {
    it(name, () =>
      assert.deepEqual(threeWayPatch(original, modified, current, { mergeKeys: mergeKeysFor('Pod') }), patch),
    );
  }
  it('built-in groups get strategic patches, custom resources merge patches', () => {
    assert.deepEqual(
      ['', 'apps', 'rbac.authorization.k8s.io', 'kubeovn.io', 'k8s.cni.cncf.io'].map(isBuiltinGroup),
      [true, true, true, false, false],
    );
    assert.equal(mergeKeysFor('Deployment').get('spec.template.spec.containers.env'), 'name');
    assert.equal(mergeKeysFor('Service').get('spec.ports'), 'port');
    assert.equal(mergeKeysFor('Vpc').get('spec.staticRoutes'), undefined);
  });
});
