/**
 * Where kovn finds each kind it reads or writes on a Kubernetes API server, by kind name: the kubeovn.io kinds from
 * the API package's registry, plus the core, apps, coordination, discovery, networking and Multus kinds it needs. The paths by
 * kind name are paths.ts's over this table (a namespaced kind without a namespace is in `default`).
 */
import { kubeovnResourceTypes } from '../api/registry.ts';
import { collectionPath, resourceObjectPath, type ResourceRef } from './paths.ts';

export interface KindInfo extends ResourceRef {
  namespaced: boolean;
}

const core = (kind: string, plural: string, namespaced: boolean): KindInfo => ({
  group: '',
  version: 'v1',
  kind,
  plural,
  namespaced,
});

const KINDS: ReadonlyMap<string, KindInfo> = new Map(
  [
    ...kubeovnResourceTypes.map((t) => ({
      group: t.group,
      version: t.version,
      kind: t.kind,
      plural: t.plural,
      namespaced: t.namespaced,
    })),
    core('Pod', 'pods', true),
    core('Namespace', 'namespaces', false),
    core('Node', 'nodes', false),
    core('Event', 'events', true),
    core('Service', 'services', true),
    core('ConfigMap', 'configmaps', true),
    core('ServiceAccount', 'serviceaccounts', true),
    ...(['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'] as const).map((kind) => ({
      group: 'rbac.authorization.k8s.io',
      version: 'v1',
      kind,
      plural: `${kind.toLowerCase()}s`,
      namespaced: kind.startsWith('Role'),
    })),
    { group: 'apps', version: 'v1', kind: 'StatefulSet', plural: 'statefulsets', namespaced: true },
    core('Endpoints', 'endpoints', true),
    { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', namespaced: true },
    { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases', namespaced: true },
    {
      group: 'discovery.k8s.io',
      version: 'v1',
      kind: 'EndpointSlice',
      plural: 'endpointslices',
      namespaced: true,
    },
    {
      group: 'networking.k8s.io',
      version: 'v1',
      kind: 'NetworkPolicy',
      plural: 'networkpolicies',
      namespaced: true,
    },
    {
      group: 'k8s.cni.cncf.io',
      version: 'v1',
      kind: 'NetworkAttachmentDefinition',
      plural: 'network-attachment-definitions',
      namespaced: true,
    },
  ].map((info) => [info.kind, info]),
);

export function kindInfo(kind: string): KindInfo {
  const info = KINDS.get(kind);
  if (!info) throw new Error(`no API resource known for kind ${kind}`);
  return info;
}

/** The `apiVersion` of a kind (`v1`, `apps/v1`, `kubeovn.io/v1`). */
export function apiVersionOf(kind: string): string {
  const info = kindInfo(kind);
  return info.group ? `${info.group}/${info.version}` : info.version;
}

/** `/apis/g/v/[namespaces/ns/]plural/name[/sub]` of an object of `kind`. */
export function objectPath(kind: string, name: string, namespace?: string, subresource?: string): string {
  const info = kindInfo(kind);
  return resourceObjectPath(info, name, info.namespaced ? (namespace ?? 'default') : undefined, subresource);
}

/** The collection of `kind`, in one namespace or (without one) across all. */
export function kindCollectionPath(kind: string, namespace?: string): string {
  return collectionPath(kindInfo(kind), namespace);
}
