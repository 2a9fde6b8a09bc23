/** coordination.k8s.io/v1 Lease: HOLDER, the lease's holderIdentity. */
import { nameColumn } from '../served.ts';
import { age, col, type BuiltinSpec } from './spec.ts';

export const lease: BuiltinSpec = {
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  plural: 'leases',
  namespaced: true,
  definitionPackage: 'io.k8s.api.coordination',
  columns: [
    nameColumn(),
    col('Holder', (o) => (o['spec'] as { holderIdentity?: string } | undefined)?.holderIdentity ?? ''),
    age,
  ],
};
