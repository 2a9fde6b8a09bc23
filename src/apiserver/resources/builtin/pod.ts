/**
 * core/v1 Pod: READY/STATUS/RESTARTS as kube-apiserver prints them, the wide IP/NODE columns, the pod field
 * selectors, the merge keys of a pod spec (containers by name, ports by containerPort, ...; the workloads' pod
 * templates use them too) and the create-time defaults (defaults.ts: restart and DNS policy, scheduler, phase).
 */
import { preparePod } from '../defaults.ts';
import * as p from '../printers.ts';
import { nameColumn } from '../served.ts';
import { age, col, conditionKeys, type BuiltinSpec } from './spec.ts';

/** Strategic-merge keys of a pod spec at `prefix` (`spec.` in a Pod, `spec.template.spec.` in a workload). */
export function podSpecKeys(prefix: string): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
    keys[`${prefix}${list}`] = 'name';
    keys[`${prefix}${list}.ports`] = 'containerPort';
    keys[`${prefix}${list}.env`] = 'name';
    keys[`${prefix}${list}.volumeMounts`] = 'mountPath';
    keys[`${prefix}${list}.volumeDevices`] = 'devicePath';
  }
  keys[`${prefix}volumes`] = 'name';
  keys[`${prefix}imagePullSecrets`] = 'name';
  keys[`${prefix}hostAliases`] = 'ip';
  keys[`${prefix}topologySpreadConstraints`] = 'topologyKey';
  keys[`${prefix}resourceClaims`] = 'name';
  keys[`${prefix}schedulingGates`] = 'name';
  return keys;
}

export const pod: BuiltinSpec = {
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  shortNames: ['po'],
  categories: ['all'],
  namespaced: true,
  status: true,
  definitionPackage: 'io.k8s.api.core',
  columns: [
    nameColumn(),
    col('Ready', p.podReady),
    col('Status', p.podStatus),
    col('Restarts', p.podRestarts, 0, 'integer'),
    age,
    col('IP', (o) => p.none((o['status'] as { podIP?: string } | undefined)?.podIP), 1),
    col('Node', (o) => p.none((o['spec'] as { nodeName?: string } | undefined)?.nodeName), 1),
    col(
      'Nominated Node',
      (o) => p.none((o['status'] as { nominatedNodeName?: string } | undefined)?.nominatedNodeName),
      1,
    ),
    col('Readiness Gates', () => '<none>', 1),
  ],
  fieldSelectors: [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  mergeKeys: { ...podSpecKeys('spec.'), ...conditionKeys, 'status.podIPs': 'ip', 'status.hostIPs': 'ip' },
  prepareCreate: preparePod,
};
