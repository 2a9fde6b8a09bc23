/**
 * The built-in kinds the lab needs (core v1, apps/v1, discovery.k8s.io, rbac, coordination) and the
 * NetworkAttachmentDefinition CRD: permissive schemas (unknown fields preserved), printer columns as
 * kube-apiserver prints them, field selectors, strategic-merge keys and create-time defaults.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import type { ResourceType } from '../../api/types.ts';
import { humanAge } from '../duration.ts';
import {
  prepareNamespace,
  preparePod,
  prepareService,
  prepareServiceUpdate,
  prepareWorkload,
} from './defaults.ts';
import { nadType } from './nad.ts';
import { DEFAULT_SERVICE_CIDR, parseServiceCidr } from './cluster-ip.ts';
import * as p from './printers.ts';
import { ageColumn, customResource, nameColumn, type ServedColumn, type ServedResource } from './served.ts';

const preserve = { 'x-kubernetes-preserve-unknown-fields': true, additionalProperties: true };

function permissiveSchema(kind: string, description: string): TSchema {
  return Type.Object(
    {
      apiVersion: Type.Optional(
        Type.String({
          description: 'APIVersion defines the versioned schema of this representation of an object.',
        }),
      ),
      kind: Type.Optional(
        Type.String({
          description: 'Kind is a string value representing the REST resource this object represents.',
        }),
      ),
      metadata: Type.Optional(Type.Object({}, preserve)),
    },
    { ...preserve, description: description || `${kind} is a Kubernetes ${kind}.` },
  );
}

interface BuiltinSpec {
  group: string;
  version: string;
  kind: string;
  plural: string;
  shortNames?: string[];
  categories?: string[];
  namespaced: boolean;
  status?: boolean;
  columns: ServedColumn[];
  fieldSelectors?: string[];
  mergeKeys?: Record<string, string>;
  definitionPackage: string;
  description?: string;
  prepareCreate?: ServedResource['prepareCreate'];
}

function col(
  name: string,
  compute: ServedColumn['compute'],
  priority = 0,
  type: ServedColumn['type'] = 'string',
): ServedColumn {
  return compute ? { name, type, jsonPath: '', priority, compute } : { name, type, jsonPath: '', priority };
}

function podSpecKeys(prefix: string): Record<string, string> {
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

const conditionKeys = { 'status.conditions': 'type' };

function toServed(spec: BuiltinSpec): ServedResource {
  const singular = spec.kind.toLowerCase();
  const type: ResourceType = {
    group: spec.group,
    version: spec.version,
    kind: spec.kind,
    listKind: `${spec.kind}List`,
    plural: spec.plural,
    singular,
    shortNames: spec.shortNames ?? [],
    categories: spec.categories ?? [],
    namespaced: spec.namespaced,
    subresources: { status: spec.status ?? false },
    printerColumns: spec.columns.filter((c) => c.jsonPath !== '').map(({ compute: _c, ...c }) => c),
    schema: permissiveSchema(spec.kind, spec.description ?? ''),
  };
  const served: ServedResource = {
    type,
    key: `${spec.group}/${spec.plural}`,
    builtin: true,
    columns: spec.columns,
    fieldSelectors: spec.fieldSelectors ?? [],
    mergeKeys: new Map(
      Object.entries({ 'metadata.finalizers': '', 'metadata.ownerReferences': 'uid', ...spec.mergeKeys }),
    ),
    definitionName: `${spec.definitionPackage}.${spec.version}.${spec.kind}`,
    admission: undefined,
  };
  if (spec.prepareCreate) served.prepareCreate = spec.prepareCreate;
  return served;
}

const age = ageColumn();

const specs: BuiltinSpec[] = [
  {
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
  },
  {
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
  },
  {
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
  },
  {
    group: '',
    version: 'v1',
    kind: 'Endpoints',
    plural: 'endpoints',
    shortNames: ['ep'],
    namespaced: true,
    definitionPackage: 'io.k8s.api.core',
    columns: [nameColumn(), col('Endpoints', p.endpointsText), age],
  },
  {
    group: '',
    version: 'v1',
    kind: 'ConfigMap',
    plural: 'configmaps',
    shortNames: ['cm'],
    namespaced: true,
    definitionPackage: 'io.k8s.api.core',
    columns: [nameColumn(), col('Data', (o) => p.countKeys(o['data'], o['binaryData']), 0, 'integer'), age],
  },
  {
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
  },
  {
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
  },
  {
    group: '',
    version: 'v1',
    kind: 'Event',
    plural: 'events',
    shortNames: ['ev'],
    namespaced: true,
    definitionPackage: 'io.k8s.api.core',
    columns: [
      {
        name: 'Last Seen',
        type: 'string',
        jsonPath: '',
        compute: (o, now) => humanAge(p.eventLastSeen(o), now),
      },
      col('Type', (o) => o['type'] ?? ''),
      col('Reason', (o) => o['reason'] ?? ''),
      col('Object', p.eventObject),
      col(
        'Subobject',
        (o) => (o['involvedObject'] as { fieldPath?: string } | undefined)?.fieldPath ?? '',
        1,
      ),
      col('Source', (o) => (o['source'] as { component?: string } | undefined)?.component ?? '', 1),
      col('Message', (o) => o['message'] ?? ''),
      {
        name: 'First Seen',
        type: 'string',
        jsonPath: '',
        priority: 1,
        compute: (o, now) =>
          humanAge((o['firstTimestamp'] as string | undefined) ?? o.metadata.creationTimestamp, now),
      },
      col('Count', (o) => o['count'] ?? 1, 1, 'integer'),
      nameColumn(1),
    ],
    fieldSelectors: [
      'involvedObject.kind',
      'involvedObject.namespace',
      'involvedObject.name',
      'involvedObject.uid',
      'involvedObject.apiVersion',
      'involvedObject.resourceVersion',
      'involvedObject.fieldPath',
      'reason',
      'reportingComponent',
      'source',
      'type',
    ],
  },
  {
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
  },
  {
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
  },
  {
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
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind: 'ClusterRole',
    plural: 'clusterroles',
    namespaced: false,
    definitionPackage: 'io.k8s.api.rbac',
    columns: [nameColumn(), col('Created At', (o) => o.metadata.creationTimestamp ?? '', 0, 'date')],
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind: 'ClusterRoleBinding',
    plural: 'clusterrolebindings',
    namespaced: false,
    definitionPackage: 'io.k8s.api.rbac',
    columns: [
      nameColumn(),
      col(
        'Role',
        (o) =>
          `${(o['roleRef'] as { kind?: string } | undefined)?.kind ?? ''}/${(o['roleRef'] as { name?: string } | undefined)?.name ?? ''}`,
      ),
      age,
      col('Users', (o) => p.bindingSubjects(o, 'User'), 1),
      col('Groups', (o) => p.bindingSubjects(o, 'Group'), 1),
      col('ServiceAccounts', (o) => p.bindingSubjects(o, 'ServiceAccount'), 1),
    ],
  },
  {
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
  },
];

export interface BuiltinOptions {
  /** Where Service cluster IPs come from (default 10.96.0.0/12). */
  serviceCidr?: string;
}

export function builtinResources(options: BuiltinOptions = {}): ServedResource[] {
  const serviceCidr = parseServiceCidr(options.serviceCidr ?? DEFAULT_SERVICE_CIDR);
  const served = specs.map(toServed);
  for (const r of served) {
    if (r.type.kind === 'Service') {
      r.prepareCreate = (o, context) => prepareService(o, context, serviceCidr);
      r.prepareUpdate = prepareServiceUpdate;
    }
  }
  return [...served, customResource(nadType, undefined)];
}
