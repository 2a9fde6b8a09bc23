// The TypeMeta and ObjectMeta type checks of request objects (src/apiserver/rest/decode-meta.ts), table by table:
// what decodes (and which nulls are dropped), and the Go decoder's wording for what does not.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../../src/api/types.ts';
import { objectMetaProblem, typeMetaProblem } from '../../../../src/apiserver/rest/decode-meta.ts';

const withMeta = (metadata: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata,
});

describe('ObjectMeta types', () => {
  const decodes: [string, Record<string, unknown>][] = [
    ['a name', { name: 'a' }],
    ['labels and annotations of strings', { labels: { a: 'b', 'kubernetes.io/name': '' }, annotations: {} }],
    [
      'finalizers, owner references and managed fields',
      { finalizers: ['f'], ownerReferences: [{ uid: 'u', controller: null }], managedFields: [{}] },
    ],
    [
      'integers and times',
      { generation: 3, deletionGracePeriodSeconds: 0, creationTimestamp: '2026-01-01T00:00:00Z' },
    ],
    ['fields it does not know', { extra: 5 }],
  ];
  for (const [what, metadata] of decodes) {
    it(`decodes ${what}`, () => assert.equal(objectMetaProblem(withMeta(metadata)), undefined));
  }

  it('drops null fields, as Go decodes them to omitted zero values', () => {
    const object = withMeta({ name: 'a', labels: null, finalizers: null, creationTimestamp: null });
    assert.equal(objectMetaProblem(object), undefined);
    assert.deepEqual(object.metadata, { name: 'a' });
  });

  const refused: [Record<string, unknown>, string][] = [
    [{ name: 5 }, 'cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string'],
    [
      { labels: 'a' },
      'cannot unmarshal string into Go struct field ObjectMeta.metadata.labels of type map[string]string',
    ],
    [
      { labels: { a: 1 } },
      'cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string',
    ],
    [
      { annotations: [] },
      'cannot unmarshal array into Go struct field ObjectMeta.metadata.annotations of type map[string]string',
    ],
    [
      { finalizers: 'f' },
      'cannot unmarshal string into Go struct field ObjectMeta.metadata.finalizers of type []string',
    ],
    [
      { finalizers: [null] },
      'cannot unmarshal null into Go struct field ObjectMeta.metadata.finalizers of type string',
    ],
    [
      { ownerReferences: 0 },
      'cannot unmarshal number into Go struct field ObjectMeta.metadata.ownerReferences of type []v1.OwnerReference',
    ],
    [
      { ownerReferences: [null] },
      'cannot unmarshal null into Go struct field ObjectMeta.metadata.ownerReferences of type v1.OwnerReference',
    ],
    [
      { ownerReferences: [{ name: 1 }] },
      'cannot unmarshal number into Go struct field ObjectMeta.metadata.ownerReferences.name of type string',
    ],
    [
      { ownerReferences: [{ controller: 'yes' }] },
      'cannot unmarshal string into Go struct field ObjectMeta.metadata.ownerReferences.controller of type bool',
    ],
    [
      { generation: 1.5 },
      'cannot unmarshal number into Go struct field ObjectMeta.metadata.generation of type int64',
    ],
    [
      { deletionTimestamp: true },
      'cannot unmarshal bool into Go struct field ObjectMeta.metadata.deletionTimestamp of type v1.Time',
    ],
    [
      { managedFields: [1] },
      'cannot unmarshal number into Go struct field ObjectMeta.metadata.managedFields of type v1.ManagedFieldsEntry',
    ],
  ];
  for (const [metadata, message] of refused) {
    it(`refuses ${JSON.stringify(metadata)}`, () =>
      assert.equal(objectMetaProblem(withMeta(metadata)), `json: ${message}`));
  }
});

describe('TypeMeta types', () => {
  const cases: [Record<string, unknown>, string | undefined][] = [
    [{ apiVersion: 'v1', kind: 'Pod' }, undefined],
    [{}, undefined],
    [{ kind: null }, undefined],
    [{ kind: [{ toString: {} }] }, 'json: cannot unmarshal array into Go struct field .kind of type string'],
    [{ apiVersion: 1 }, 'json: cannot unmarshal number into Go struct field .apiVersion of type string'],
  ];
  for (const [object, problem] of cases) {
    it(`${JSON.stringify(object)}: ${problem ?? 'decodes'}`, () =>
      assert.equal(typeMetaProblem(object), problem));
  }
});
