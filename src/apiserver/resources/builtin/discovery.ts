/** discovery.k8s.io/v1 EndpointSlice: ADDRESSTYPE, PORTS and ENDPOINTS as kube-apiserver prints them. */
import * as p from '../printers.ts';
import { nameColumn } from '../served.ts';
import { age, col, type BuiltinSpec } from './spec.ts';

export const endpointSlice: BuiltinSpec = {
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  plural: 'endpointslices',
  namespaced: true,
  definitionPackage: 'io.k8s.api.discovery',
  columns: [
    nameColumn(),
    col('AddressType', (o) => o['addressType'] ?? ''),
    col('Ports', p.slicePorts),
    col('Endpoints', p.sliceEndpoints),
    age,
  ],
};
