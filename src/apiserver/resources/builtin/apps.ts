/**
 * apps/v1 Deployment and StatefulSet: READY as ready/desired replicas, the wide containers and images columns (and
 * a Deployment's selector), pod-template merge keys, and a workload's create-time defaults (one replica).
 */
import { prepareWorkload } from '../defaults.ts';
import * as p from '../printers.ts';
import { nameColumn } from '../served.ts';
import { podSpecKeys } from './pod.ts';
import { age, col, conditionKeys, type BuiltinSpec } from './spec.ts';

export const deployment: BuiltinSpec = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  shortNames: ['deploy'],
  categories: ['all'],
  namespaced: true,
  status: true,
  definitionPackage: 'io.k8s.api.apps',
  columns: [
    nameColumn(),
    col('Ready', p.readyOf),
    col(
      'Up-to-date',
      (o) => (o['status'] as { updatedReplicas?: number } | undefined)?.updatedReplicas ?? 0,
      0,
      'integer',
    ),
    col(
      'Available',
      (o) => (o['status'] as { availableReplicas?: number } | undefined)?.availableReplicas ?? 0,
      0,
      'integer',
    ),
    age,
    col('Containers', (o) => p.workloadContainers(o, 'name'), 1),
    col('Images', (o) => p.workloadContainers(o, 'image'), 1),
    col(
      'Selector',
      (o) =>
        p.selectorText(
          (o['spec'] as { selector?: { matchLabels?: unknown } } | undefined)?.selector?.matchLabels,
        ),
      1,
    ),
  ],
  mergeKeys: { ...podSpecKeys('spec.template.spec.'), ...conditionKeys },
  prepareCreate: prepareWorkload,
};

export const statefulSet: BuiltinSpec = {
  group: 'apps',
  version: 'v1',
  kind: 'StatefulSet',
  plural: 'statefulsets',
  shortNames: ['sts'],
  categories: ['all'],
  namespaced: true,
  status: true,
  definitionPackage: 'io.k8s.api.apps',
  columns: [
    nameColumn(),
    col('Ready', p.readyOf),
    age,
    col('Containers', (o) => p.workloadContainers(o, 'name'), 1),
    col('Images', (o) => p.workloadContainers(o, 'image'), 1),
  ],
  mergeKeys: { ...podSpecKeys('spec.template.spec.'), ...conditionKeys },
  prepareCreate: prepareWorkload,
};
