// The served CRDs: each kind's CRD is deploy/crds's (one source) plus kube-apiserver's conversion default and an
// established status; which kinds are CRD-backed; when a stored CRD became established.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { kubeovnResourceTypes } from '../../../src/api/registry.ts';
import type { KubeObject } from '../../../src/api/types.ts';
import { builtinResources } from '../../../src/apiserver/resources/builtin.ts';
import { Catalog } from '../../../src/apiserver/resources/catalog.ts';
import { crdName } from '../../../src/api/crd.ts';
import { crdBackedTypes, establishedSince, servedCrd } from '../../../src/apiserver/resources/crds.ts';
import { nadType } from '../../../src/apiserver/resources/nad.ts';
import { customResource } from '../../../src/apiserver/resources/served.ts';

const since = '2026-01-02T03:04:05Z';

describe('servedCrd', () => {
  for (const type of kubeovnResourceTypes) {
    it(`${type.kind}: the spec in deploy/crds, conversion None, names accepted and established`, () => {
      const committed = parse(readFileSync(`deploy/crds/${crdName(type)}.yaml`, 'utf8')) as KubeObject & {
        spec: Record<string, unknown>;
      };
      const served = servedCrd(type, since);
      assert.deepEqual(served, {
        ...committed,
        spec: { ...committed.spec, conversion: { strategy: 'None' } },
        status: {
          acceptedNames: committed.spec['names'],
          conditions: [
            {
              type: 'NamesAccepted',
              status: 'True',
              lastTransitionTime: since,
              reason: 'NoConflicts',
              message: 'no conflicts found',
            },
            {
              type: 'Established',
              status: 'True',
              lastTransitionTime: since,
              reason: 'InitialNamesAccepted',
              message: 'the initial names have been accepted',
            },
          ],
          storedVersions: ['v1'],
        },
      });
    });
  }

  it('leaves out empty lists, as kube-apiserver does (the NAD has no categories or printer columns)', () => {
    const crd = servedCrd(nadType, since) as KubeObject & {
      spec: { names: Record<string, unknown>; versions: Array<Record<string, unknown>> };
      status: { acceptedNames: Record<string, unknown> };
    };
    assert.equal(crd.metadata.name, 'network-attachment-definitions.k8s.cni.cncf.io');
    assert.deepEqual(crd.spec.names, {
      kind: 'NetworkAttachmentDefinition',
      listKind: 'NetworkAttachmentDefinitionList',
      plural: 'network-attachment-definitions',
      singular: 'network-attachment-definition',
      shortNames: ['net-attach-def'],
    });
    assert.deepEqual(crd.status.acceptedNames, crd.spec.names);
    assert.equal('additionalPrinterColumns' in (crd.spec.versions[0] ?? {}), false);
  });
});

describe('crdBackedTypes', () => {
  it('is every custom kind of the catalog, built-in kinds left out', () => {
    const catalog = new Catalog([
      ...builtinResources(),
      ...kubeovnResourceTypes.map((type) => customResource(type, undefined)),
    ]);
    assert.deepEqual(
      crdBackedTypes(catalog).map((type) => type.kind),
      ['NetworkAttachmentDefinition', ...kubeovnResourceTypes.map((type) => type.kind)],
    );
  });
});

describe('establishedSince', () => {
  const crd = (status: unknown): KubeObject => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'vpcs.kubeovn.io' },
    ...(status === undefined ? {} : { status }),
  });
  const cases: Array<[string, unknown, string | undefined]> = [
    ['no status', undefined, undefined],
    ['no conditions', { storedVersions: ['v1'] }, undefined],
    ['conditions not a list', { conditions: {} }, undefined],
    ['only NamesAccepted', { conditions: [{ type: 'NamesAccepted', lastTransitionTime: since }] }, undefined],
    ['Established without a time', { conditions: [{ type: 'Established', status: 'True' }] }, undefined],
    [
      'Established',
      {
        conditions: [
          { type: 'NamesAccepted', lastTransitionTime: '2020-01-01T00:00:00Z' },
          { type: 'Established', lastTransitionTime: since },
        ],
      },
      since,
    ],
  ];
  for (const [name, status, want] of cases) {
    it(name, () => assert.equal(establishedSince(crd(status)), want));
  }
});
