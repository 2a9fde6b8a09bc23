/**
 * apiextensions.k8s.io/v1 CustomResourceDefinition, as kube-apiserver names and prints it (short names `crd`,
 * `crds`, category `api-extensions`, columns NAME and CREATED AT): the objects are the CRDs of the server's own
 * custom kinds, written at start from their schemas (../crds.ts, ../crd-sync.ts); the API takes only writes that
 * leave their spec as served (../crd-writes.ts).
 */
import { crdOwnership, defaultCrdSpec, prepareCrdUpdate } from '../crd-writes.ts';
import { nameColumn } from '../served.ts';
import { col, type BuiltinSpec } from './spec.ts';

export const customResourceDefinition: BuiltinSpec = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  plural: 'customresourcedefinitions',
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
  namespaced: false,
  definitionPackage: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions',
  description:
    'CustomResourceDefinition represents a resource that should be exposed on the API server. Its name MUST be in the format <.spec.name>.<.spec.group>.',
  columns: [nameColumn(), col('Created At', (o) => o.metadata.creationTimestamp ?? '', 0, 'date')],
  prepareCreate: defaultCrdSpec,
  prepareUpdate: prepareCrdUpdate,
  serverOwned: crdOwnership,
};
