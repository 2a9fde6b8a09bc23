// Test helpers: a full (non-partial) in-memory ClusterView and compact object builders.
import type { ClusterView, KubeObject } from '../../src/api/types.ts';

export function memoryView(objects: readonly KubeObject[]): ClusterView {
  const ns = (o: KubeObject) => o.metadata.namespace ?? 'default';
  return {
    get: (kind, name, namespace) =>
      objects.find(
        (o) =>
          o.kind === kind && o.metadata.name === name && (namespace === undefined || ns(o) === namespace),
      ),
    list: (kind, namespace) =>
      objects.filter((o) => o.kind === kind && (namespace === undefined || ns(o) === namespace)),
  };
}

export const kubeovn = (
  kind: string,
  name: string,
  spec: Record<string, unknown> = {},
  extra: Partial<KubeObject> = {},
): KubeObject => ({
  apiVersion: 'kubeovn.io/v1',
  kind,
  metadata: { name },
  spec,
  ...extra,
});

export const configMap = (
  name: string,
  data: Record<string, string>,
  namespace = 'kube-system',
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data,
});

/** The two ConfigMaps that enable the NAT gateway feature. */
export const natEnabled = (): KubeObject[] => [
  configMap('ovn-vpc-nat-config', { image: 'kubeovn/vpc-nat-gateway:v1.12.26' }),
  configMap('ovn-vpc-nat-gw-config', { 'enable-vpc-nat-gw': 'true' }),
];
