/**
 * Patch strategies of the built-in kinds a lab applies (what kubectl reads from the Go types' `patchMergeKey`
 * tags): lists of objects merged by a key (containers by name, ports by containerPort...). Paths are dotted field
 * paths without list indices (`spec.template.spec.containers.ports`). Custom resources have none: their lists
 * are replaced whole, as kubectl's JSON merge patch does. Pure.
 */

function podSpec(prefix: string): Array<[string, string]> {
  const keys: Array<[string, string]> = [
    [`${prefix}volumes`, 'name'],
    [`${prefix}imagePullSecrets`, 'name'],
    [`${prefix}hostAliases`, 'ip'],
    [`${prefix}topologySpreadConstraints`, 'topologyKey'],
    [`${prefix}resourceClaims`, 'name'],
    [`${prefix}schedulingGates`, 'name'],
  ];
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
    const c = `${prefix}${list}`;
    keys.push([c, 'name'], [`${c}.ports`, 'containerPort'], [`${c}.env`, 'name']);
    keys.push([`${c}.volumeMounts`, 'mountPath'], [`${c}.volumeDevices`, 'devicePath']);
  }
  return keys;
}

const common: Array<[string, string]> = [
  ['metadata.ownerReferences', 'uid'],
  ['status.conditions', 'type'],
];

const byKind: Record<string, Array<[string, string]>> = {
  Pod: podSpec('spec.'),
  Deployment: podSpec('spec.template.spec.'),
  StatefulSet: podSpec('spec.template.spec.'),
  DaemonSet: podSpec('spec.template.spec.'),
  ReplicaSet: podSpec('spec.template.spec.'),
  Job: podSpec('spec.template.spec.'),
  CronJob: podSpec('spec.jobTemplate.spec.template.spec.'),
  Service: [['spec.ports', 'port']],
};

/** Groups whose kinds kubectl patches with a strategic merge patch (compiled into it); others get a merge patch. */
const BUILTIN_GROUPS = new Set([
  '',
  'apps',
  'batch',
  'autoscaling',
  'policy',
  'networking.k8s.io',
  'rbac.authorization.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'storage.k8s.io',
  'scheduling.k8s.io',
  'node.k8s.io',
  'certificates.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
]);

export const isBuiltinGroup = (group: string): boolean => BUILTIN_GROUPS.has(group);

/** The merge key of the list at `path` for `kind`, if the list merges by key. */
export function mergeKeysFor(kind: string): ReadonlyMap<string, string> {
  return new Map([...common, ...(byKind[kind] ?? [])]);
}
