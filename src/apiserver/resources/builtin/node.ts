/**
 * core/v1 Node: STATUS from the Ready condition (plus SchedulingDisabled), ROLES from the node-role labels,
 * VERSION, and the wide address and node-info columns; addresses merge by type.
 */
import * as p from '../printers.ts';
import { nameColumn } from '../served.ts';
import { age, col, conditionKeys, type BuiltinSpec } from './spec.ts';

export const node: BuiltinSpec = {
  group: '',
  version: 'v1',
  kind: 'Node',
  plural: 'nodes',
  shortNames: ['no'],
  namespaced: false,
  status: true,
  definitionPackage: 'io.k8s.api.core',
  columns: [
    nameColumn(),
    col('Status', p.nodeStatus),
    col('Roles', p.nodeRoles),
    age,
    col(
      'Version',
      (o) =>
        (o['status'] as { nodeInfo?: { kubeletVersion?: string } } | undefined)?.nodeInfo?.kubeletVersion ??
        '',
    ),
    col('Internal-IP', (o) => p.nodeAddress(o, 'InternalIP'), 1),
    col('External-IP', (o) => p.nodeAddress(o, 'ExternalIP'), 1),
    col(
      'OS-Image',
      (o) =>
        (o['status'] as { nodeInfo?: { osImage?: string } } | undefined)?.nodeInfo?.osImage ?? '<unknown>',
      1,
    ),
    col(
      'Kernel-Version',
      (o) =>
        (o['status'] as { nodeInfo?: { kernelVersion?: string } } | undefined)?.nodeInfo?.kernelVersion ??
        '<unknown>',
      1,
    ),
    col(
      'Container-Runtime',
      (o) =>
        (o['status'] as { nodeInfo?: { containerRuntimeVersion?: string } } | undefined)?.nodeInfo
          ?.containerRuntimeVersion ?? '<unknown>',
      1,
    ),
  ],
  fieldSelectors: ['spec.unschedulable'],
  mergeKeys: { 'spec.podCIDRs': '', 'status.addresses': 'type', ...conditionKeys },
};
