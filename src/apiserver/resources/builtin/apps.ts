/**
 * apps/v1 Deployment, StatefulSet and DaemonSet: READY as ready/desired replicas (a DaemonSet's DESIRED, CURRENT,
 * READY, UP-TO-DATE, AVAILABLE and NODE SELECTOR from its status and pod template), the wide containers and images
 * columns (and the selector), pod-template merge keys, and a workload's create-time defaults (one replica).
 */
import type { KubeObject } from '../../../api/types.ts';
import { prepareWorkload } from '../defaults.ts';
import * as p from '../printers.ts';
import { nameColumn } from '../served.ts';
import { podSpecKeys } from './pod.ts';
import { age, col, conditionKeys, type BuiltinSpec } from './spec.ts';

/** The wide columns of a Deployment and a DaemonSet: CONTAINERS, IMAGES, SELECTOR (its matchLabels). */
const selectorWideColumns = [
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
];

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
    ...selectorWideColumns,
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

const daemonCount = (field: string) => (o: KubeObject) =>
  ((o['status'] as Record<string, unknown> | undefined)?.[field] as number | undefined) ?? 0;

export const daemonSet: BuiltinSpec = {
  group: 'apps',
  version: 'v1',
  kind: 'DaemonSet',
  plural: 'daemonsets',
  shortNames: ['ds'],
  categories: ['all'],
  namespaced: true,
  status: true,
  definitionPackage: 'io.k8s.api.apps',
  columns: [
    nameColumn(),
    col('Desired', daemonCount('desiredNumberScheduled'), 0, 'integer'),
    col('Current', daemonCount('currentNumberScheduled'), 0, 'integer'),
    col('Ready', daemonCount('numberReady'), 0, 'integer'),
    col('Up-to-date', daemonCount('updatedNumberScheduled'), 0, 'integer'),
    col('Available', daemonCount('numberAvailable'), 0, 'integer'),
    col('Node Selector', (o) =>
      p.selectorText(
        (o['spec'] as { template?: { spec?: { nodeSelector?: unknown } } } | undefined)?.template?.spec
          ?.nodeSelector,
      ),
    ),
    age,
    ...selectorWideColumns,
  ],
  mergeKeys: { ...podSpecKeys('spec.template.spec.'), ...conditionKeys },
  prepareCreate: (o) => {
    o['status'] = {};
  },
};
