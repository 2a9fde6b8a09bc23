/**
 * Which subnet a namespace's pods use (Kube-OVN's pkg/controller/namespace.go and pod.go), as pure functions: a
 * custom VPC's `defaultSubnet` first when the VPC lists the namespace (never for kube-system), then subnets listing
 * the namespace in `spec.namespaces`; with none, the default subnet of the VPC that lists the namespace, else the
 * default subnet (`ovn-default`). A pod's `ovn.kubernetes.io/logical_switch` annotation wins over all of that.
 * `namespaceSelectors` are not evaluated yet. `selectNamespaceSubnets` is the rule over prepared inputs (what
 * `SubnetCatalog` memoizes); the `view` variants prepare them from a `ClusterView` on every call.
 */
import { ANNOTATION_LOGICAL_SWITCH } from '../../api/annotations.ts';
import { defaultSubnet } from '../../api/kinds/subnet-defaults.ts';
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { Vpc } from '../../api/kinds/vpc.ts';
import type { ClusterView, KubeObject } from '../../api/types.ts';
import type { DefaultNetworkOptions } from '../../api/default-network.ts';

const byName = (a: KubeObject, b: KubeObject): number =>
  (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');

/** Subnets as the controller sees them: not deleting, defaulted (gateway, excludeIps, vpc filled in). */
export function liveSubnets(view: ClusterView): Subnet[] {
  return (view.list('Subnet') as Subnet[]).filter((s) => !s.metadata.deletionTimestamp).map(defaultSubnet);
}

/** Custom VPCs (not the default one, not deleting) sorted by name: the order in which they claim namespaces. */
export function customVpcs(view: ClusterView, network: DefaultNetworkOptions): Vpc[] {
  return (view.list('Vpc') as Vpc[])
    .filter((v) => v.metadata.name !== network.clusterRouter && !v.metadata.deletionTimestamp)
    .sort(byName);
}

/** The custom VPC whose `spec.namespaces` lists the namespace, if any (`vpcs` as `customVpcs` returns them). */
export const vpcClaiming = (namespace: string, vpcs: readonly Vpc[]): Vpc | undefined =>
  vpcs.find((v) => (v.spec?.namespaces ?? []).includes(namespace));

/** The custom VPC whose `spec.namespaces` lists the namespace, if any. */
export function vpcOfNamespace(
  namespace: string,
  view: ClusterView,
  network: DefaultNetworkOptions,
): Vpc | undefined {
  return vpcClaiming(namespace, customVpcs(view, network));
}

/**
 * The namespace's subnets in Kube-OVN's order (existing subnets only). `subnets`: the live defaulted subnets sorted by
 * name; `vpcs`: as `customVpcs` returns them.
 */
export function selectNamespaceSubnets(
  namespace: string,
  subnets: readonly Subnet[],
  vpcs: readonly Vpc[],
  network: DefaultNetworkOptions,
): Subnet[] {
  const find = (name: string): Subnet | undefined => subnets.find((s) => s.metadata.name === name);
  const vpc = vpcClaiming(namespace, vpcs);
  const out: Subnet[] = [];
  const add = (s: Subnet | undefined) => {
    if (s && !out.includes(s)) out.push(s);
  };
  if (vpc?.spec?.defaultSubnet && namespace !== 'kube-system') add(find(vpc.spec.defaultSubnet));
  for (const s of subnets) if ((s.spec?.namespaces ?? []).includes(namespace)) add(s);
  if (out.length) return out;
  const vpcDefault = vpc?.spec?.defaultSubnet || (vpc?.status?.defaultLogicalSwitch ?? '');
  add(find(vpcDefault) ?? find(network.defaultLs));
  return out;
}

/** The namespace's subnets in Kube-OVN's order, from the view. */
export function namespaceSubnets(
  namespace: string,
  view: ClusterView,
  network: DefaultNetworkOptions,
): Subnet[] {
  const subnets = liveSubnets(view).sort(byName);
  return selectNamespaceSubnets(namespace, subnets, customVpcs(view, network), network);
}

/** The subnet a pod's annotation pins it to, if any. */
export const pinnedSubnet = (pod: KubeObject): string | undefined =>
  pod.metadata.annotations?.[ANNOTATION_LOGICAL_SWITCH] || undefined;

/** The subnet names a pod may use, best first: its annotation alone, else its namespace's subnets. */
export function podSubnetCandidates(
  pod: KubeObject,
  view: ClusterView,
  network: DefaultNetworkOptions,
): string[] {
  const pinned = pinnedSubnet(pod);
  if (pinned) return [pinned];
  return namespaceSubnets(pod.metadata.namespace ?? 'default', view, network).map(
    (s) => s.metadata.name ?? '',
  );
}
