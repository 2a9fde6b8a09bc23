/**
 * The smaller core/v1 kinds: Namespace (its phase as STATUS; created Active, with the `kubernetes` finalizer and
 * its name label), Service (TYPE, CLUSTER-IP, EXTERNAL-IP, PORT(S); its cluster IP is allocated where the list is
 * assembled, builtin.ts), Endpoints, ConfigMap, Secret (TYPE, DATA; type Opaque by default) and ServiceAccount. Pod, Node and Event have files of their own.
 */
import { prepareNamespace, prepareSecret } from '../defaults.ts';
import * as p from '../printers.ts';
import { nameColumn } from '../served.ts';
import { age, col, conditionKeys, type BuiltinSpec } from './spec.ts';

export const namespace: BuiltinSpec = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  shortNames: ['ns'],
  namespaced: false,
  status: true,
  definitionPackage: 'io.k8s.api.core',
  columns: [
    nameColumn(),
    col('Status', (o) => (o['status'] as { phase?: string } | undefined)?.phase ?? ''),
    age,
  ],
  fieldSelectors: ['status.phase'],
  mergeKeys: conditionKeys,
  prepareCreate: prepareNamespace,
};

export const service: BuiltinSpec = {
  group: '',
  version: 'v1',
  kind: 'Service',
  plural: 'services',
  shortNames: ['svc'],
  categories: ['all'],
  namespaced: true,
  status: true,
  definitionPackage: 'io.k8s.api.core',
  columns: [
    nameColumn(),
    col('Type', (o) => (o['spec'] as { type?: string } | undefined)?.type ?? 'ClusterIP'),
    col('Cluster-IP', (o) => p.none((o['spec'] as { clusterIP?: string } | undefined)?.clusterIP)),
    col('External-IP', p.serviceExternalIp),
    col('Port(s)', p.servicePorts),
    age,
    col('Selector', (o) => p.selectorText((o['spec'] as { selector?: unknown } | undefined)?.selector), 1),
  ],
  fieldSelectors: ['spec.clusterIP', 'spec.type'],
  mergeKeys: { 'spec.ports': 'port', ...conditionKeys },
};

export const endpoints: BuiltinSpec = {
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  plural: 'endpoints',
  shortNames: ['ep'],
  namespaced: true,
  definitionPackage: 'io.k8s.api.core',
  columns: [nameColumn(), col('Endpoints', p.endpointsText), age],
};

export const configMap: BuiltinSpec = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  shortNames: ['cm'],
  namespaced: true,
  definitionPackage: 'io.k8s.api.core',
  columns: [nameColumn(), col('Data', (o) => p.countKeys(o['data'], o['binaryData']), 0, 'integer'), age],
};

export const serviceAccount: BuiltinSpec = {
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  shortNames: ['sa'],
  namespaced: true,
  definitionPackage: 'io.k8s.api.core',
  columns: [
    nameColumn(),
    col('Secrets', (o) => (Array.isArray(o['secrets']) ? o['secrets'].length : 0), 0, 'integer'),
    age,
  ],
  mergeKeys: { secrets: 'name' },
};

export const secret: BuiltinSpec = {
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  namespaced: true,
  definitionPackage: 'io.k8s.api.core',
  columns: [
    nameColumn(),
    col('Type', (o) => (typeof o['type'] === 'string' ? o['type'] : '')),
    col('Data', (o) => p.countKeys(o['data']), 0, 'integer'),
    age,
  ],
  fieldSelectors: ['type'],
  prepareCreate: prepareSecret,
};
