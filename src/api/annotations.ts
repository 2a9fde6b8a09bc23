/**
 * The pod and node annotations the node side reads, spelled as Kube-OVN spells them (pkg/util/const.go): per
 * provider `<provider>.kubernetes.io/<key>` (the default provider `ovn` gives `ovn.kubernetes.io/<key>`), the
 * switch-port name of a NIC (`<pod>.<ns>` for the default provider, `<pod>.<ns>.<provider>` otherwise, as
 * `ovs.PodNameToPortName`), and the Multus networks annotation. Pure.
 */

/** The default provider: the pod's primary OVN network. */
export const OVN_PROVIDER = 'ovn';
/** The CNI `type` of our plugin (Kube-OVN's `util.CniTypeName`). */
export const CNI_TYPE = 'kube-ovn';
/** Multus' list of secondary networks on a pod. */
export const NETWORKS_ANNOTATION = 'k8s.v1.cni.cncf.io/networks';
/** The LSP name on a Node object (`node-<name>`). */
export const PORT_NAME_ANNOTATION = 'ovn.kubernetes.io/port_name';

export type ProviderKey =
  | 'allocated'
  | 'routed'
  | 'routes'
  | 'ip_address'
  | 'mac_address'
  | 'cidr'
  | 'gateway'
  | 'logical_switch'
  | 'logical_router'
  | 'default_route'
  | 'pod_nic_type';

/** `<provider>.kubernetes.io/<key>`. */
export function annotationKey(provider: string, key: ProviderKey): string {
  return `${provider}.kubernetes.io/${key}`;
}

/** Is the provider's subnet an OVN logical switch (as opposed to, e.g., a macvlan network with our IPAM)? */
export function isOvnProvider(provider: string): boolean {
  return provider === OVN_PROVIDER || provider.endsWith(`.${OVN_PROVIDER}`);
}

/** The Logical_Switch_Port (and OVS `iface-id`) of a pod's NIC. */
export function portName(pod: string, namespace: string, provider: string = OVN_PROVIDER): string {
  return provider === OVN_PROVIDER || provider === ''
    ? `${pod}.${namespace}`
    : `${pod}.${namespace}.${provider}`;
}

/** Kube-OVN's node port name (`util.NodeLspName`). */
export function nodePortName(node: string): string {
  return `node-${node}`;
}
