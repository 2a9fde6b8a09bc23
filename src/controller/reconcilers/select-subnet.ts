/**
 * Which subnet a namespace's pods use (§3.5), as pure functions of the informer view: a custom VPC's
 * `defaultSubnet` first when the VPC lists the namespace (never for kube-system), then subnets listing the namespace
 * in `spec.namespaces`; with none, the default subnet of the VPC that lists the namespace, else the default subnet
 * (`ovn-default`). A pod's `ovn.kubernetes.io/logical_switch` annotation wins over all of that. `namespaceSelectors`
 * are not evaluated yet.
 */
import { ANNOTATION_LOGICAL_SWITCH } from '../../api/constants.ts';
import { defaultSubnet } from '../../api/kinds/subnet-defaults.ts';
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { Vpc } from '../../api/kinds/vpc.ts';
import type { ClusterView, KubeObject } from '../../api/types.ts';
import type { DefaultNetworkOptions } from '../default-vpc.ts';

/** Subnets as the controller sees them: defaulted (gateway, excludeIps, vpc filled in). */
export function liveSubnets(view: ClusterView): Subnet[] {
  return (view.list('Subnet') as Subnet[]).filter((s) => !s.metadata.deletionTimestamp).map(defaultSubnet);
}

/** The custom VPC whose `spec.namespaces` lists the namespace, if any. */
export function vpcOfNamespace(
  namespace: string,
  view: ClusterView,
  network: DefaultNetworkOptions,
): Vpc | undefined {
  return (view.list('Vpc') as Vpc[])
    .filter((v) => v.metadata.name !== network.clusterRouter && !v.metadata.deletionTimestamp)
    .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))
    .find((v) => (v.spec?.namespaces ?? []).includes(namespace));
}

/** The namespace's subnets in Kube-OVN's order (names of existing subnets only, except the final fallback). */
export function namespaceSubnets(
  namespace: string,
  view: ClusterView,
  network: DefaultNetworkOptions,
): Subnet[] {
  const subnets = liveSubnets(view).sort((a, b) =>
    (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''),
  );
  const byName = new Map(subnets.map((s) => [s.metadata.name ?? '', s]));
  const vpc = vpcOfNamespace(namespace, view, network);
  const out: Subnet[] = [];
  const add = (s: Subnet | undefined) => {
    if (s && !out.includes(s)) out.push(s);
  };
  if (vpc?.spec?.defaultSubnet && namespace !== 'kube-system') add(byName.get(vpc.spec.defaultSubnet));
  for (const s of subnets) if ((s.spec?.namespaces ?? []).includes(namespace)) add(s);
  if (out.length) return out;
  const vpcDefault = vpc?.spec?.defaultSubnet || (vpc?.status?.defaultLogicalSwitch ?? '');
  add(byName.get(vpcDefault) ?? byName.get(network.defaultLs));
  return out;
}

/** The subnet names a pod may use, best first: its annotation alone, else its namespace's subnets. */
export function podSubnetCandidates(
  pod: KubeObject,
  view: ClusterView,
  network: DefaultNetworkOptions,
): string[] {
  const pinned = pod.metadata.annotations?.[ANNOTATION_LOGICAL_SWITCH];
  if (pinned) return [pinned];
  return namespaceSubnets(pod.metadata.namespace ?? 'default', view, network).map(
    (s) => s.metadata.name ?? '',
  );
}
