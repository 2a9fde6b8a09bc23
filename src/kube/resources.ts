/**
 * Where the controller finds each kind it reads or writes on a Kubernetes API server: the kubeovn.io kinds from the
 * API package's registry, plus the core and coordination kinds it needs. Object paths follow from the ref.
 */
import { kubeovnResourceTypes } from '../api/registry.ts';
import { collectionPath, type ResourceRef } from './informer-kube.ts';

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
    { group: 'apps', version: 'v1', kind: 'StatefulSet', plural: 'statefulsets', namespaced: true },
    core('Endpoints', 'endpoints', true),
    { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', namespaced: true },
    {
      group: 'discovery.k8s.io',
      version: 'v1',
      kind: 'EndpointSlice',
      plural: 'endpointslices',
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

/** `/apis/g/v/[namespaces/ns/]plural/name[/sub]`. */
export function objectPath(kind: string, name: string, namespace?: string, subresource?: string): string {
  const info = kindInfo(kind);
  const base = collectionPath(info, info.namespaced ? (namespace ?? 'default') : undefined);
  return `${base}/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ''}`;
}

export function kindCollectionPath(kind: string, namespace?: string): string {
  const info = kindInfo(kind);
  return collectionPath(info, info.namespaced ? namespace : undefined);
}
