// Which writes the API takes of the served CRDs (resources/crd-writes.ts): the guard's answer for each verb and
// change, the first differing field it names, kube-apiserver's CRD defaults, and the status an update keeps.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crdFor } from '../../../src/api/crd.ts';
import { kubeovnResourceTypes } from '../../../src/api/registry.ts';
import type { KubeObject } from '../../../src/api/types.ts';
import { builtinResources } from '../../../src/apiserver/resources/builtin.ts';
import { Catalog } from '../../../src/apiserver/resources/catalog.ts';
import {
  crdOwnership,
  crdsReadOnly,
  defaultCrdSpec,
  firstDifference,
  prepareCrdUpdate,
} from '../../../src/apiserver/resources/crd-writes.ts';
import { servedCrd } from '../../../src/apiserver/resources/crds.ts';
import { customResource, type OwnedWrite } from '../../../src/apiserver/resources/served.ts';

const vpcType = kubeovnResourceTypes.find((k) => k.kind === 'Vpc');
if (!vpcType) throw new Error('no Vpc kind');
const catalog = new Catalog([...builtinResources(), customResource(vpcType, undefined)]);
const served = (): KubeObject => servedCrd(vpcType, '2026-01-02T03:04:05Z');
const withSpec = (change: (spec: Record<string, unknown>) => void): KubeObject => {
  const crd = served();
  change(crd['spec'] as Record<string, unknown>);
  return crd;
};

describe('firstDifference', () => {
  const cases: Array<[string, unknown, unknown, string | undefined]> = [
    ['equal', { a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }, undefined],
    ['a nested value', { a: [1, { b: 2 }] }, { a: [1, { b: 3 }] }, 'spec.a[1].b'],
    ['a key only one side has', { a: 1 }, { a: 1, b: 1 }, 'spec.b'],
    ['lists of different lengths', { a: [1] }, { a: [1, 2] }, 'spec.a'],
    ['keys in order', { z: 1, b: 1 }, { z: 2, b: 2 }, 'spec.b'],
    ['different types', { a: 'x' }, { a: { b: 1 } }, 'spec.a'],
    ['no spec at all', undefined, { a: 1 }, 'spec'],
  ];
  for (const [what, a, b, expected] of cases) {
    it(what, () => assert.equal(firstDifference(a, b, 'spec'), expected));
  }
});

const crdType = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' };

describe('defaultCrdSpec', () => {
  it("adds kube-apiserver's defaults and leaves set values alone", () => {
    const crd: KubeObject = { ...crdType, metadata: {}, spec: { names: { kind: 'Foo', plural: 'foos' } } };
    defaultCrdSpec(crd);
    assert.deepEqual(crd['spec'], {
      names: { kind: 'Foo', plural: 'foos', singular: 'foo', listKind: 'FooList' },
      conversion: { strategy: 'None' },
    });
    const set: KubeObject = {
      ...crdType,
      metadata: {},
      spec: { names: { kind: 'Foo', singular: 's', listKind: 'L' }, conversion: { strategy: 'Webhook' } },
    };
    const before = structuredClone(set);
    defaultCrdSpec(set);
    assert.deepEqual(set, before);
  });

  it('makes the CRD of deploy/crds (no conversion) the served one', () => {
    const committed = crdFor(vpcType) as KubeObject;
    defaultCrdSpec(committed);
    assert.deepEqual(committed['spec'], served()['spec']);
  });
});

describe('prepareCrdUpdate', () => {
  it('keeps the stored status, or none when there was none', () => {
    const old = served();
    const next = { ...served(), status: { storedVersions: ['v9'] } };
    prepareCrdUpdate(next, old);
    assert.deepEqual(next['status'], old['status']);
    const bare = { ...served(), status: { x: 1 } };
    const { status: _s, ...noStatus } = old;
    prepareCrdUpdate(bare, noStatus);
    assert.equal(bare['status'], undefined);
  });
});

describe('crdOwnership', () => {
  const name = 'vpcs.kubeovn.io';
  const labelled = { ...served(), metadata: { name, labels: { a: 'b' } } };
  const owned = {
    ...served(),
    metadata: { name, ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'u' }] },
  };
  const cases: Array<[string, OwnedWrite, string | undefined]> = [
    ['an update of metadata only', { verb: 'update', name, object: labelled, old: served() }, undefined],
    ['a patch of metadata only', { verb: 'patch', name, object: labelled, old: served() }, undefined],
    [
      'a create of a served CRD as served (it exists: 409 later)',
      { verb: 'create', name, object: served() },
      undefined,
    ],
    [
      'a changed spec',
      { verb: 'patch', name, object: withSpec((s) => (s['scope'] = 'Namespaced')), old: served() },
      `${crdsReadOnly}; only their metadata may change, and this request changes spec.scope`,
    ],
    [
      'a spec without its versions',
      { verb: 'update', name, object: withSpec((s) => delete s['versions']), old: served() },
      `${crdsReadOnly}; only their metadata may change, and this request changes spec.versions`,
    ],
    [
      'owner references',
      { verb: 'patch', name, object: owned, old: served() },
      `${crdsReadOnly}; they cannot be deleted, so they take no metadata.ownerReferences`,
    ],
    [
      'a create of a CRD the server does not serve',
      { verb: 'create', name: 'foos.example.com', object: served() },
      crdsReadOnly,
    ],
    ['a delete of a served CRD', { verb: 'delete', name, old: served() }, crdsReadOnly],
    [
      'a delete of a CRD of a kind no longer served',
      { verb: 'delete', name: 'gone.example.com', old: served() },
      undefined,
    ],
    ['deletecollection', { verb: 'deletecollection', name: '' }, crdsReadOnly],
  ];
  for (const [what, write, expected] of cases) {
    it(`${what}: ${expected === undefined ? 'taken' : 'refused'}`, () => {
      assert.equal(crdOwnership.refusal(write, catalog), expected);
    });
  }
});
