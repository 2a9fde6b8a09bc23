/**
 * The names and defaults shared with Kube-OVN, spelled exactly as Kube-OVN spells them (its pkg/util/const.go and
 * controller flags): the API group, the default network's objects, the providers, the controller's namespace
 * and finalizer, the ConfigMaps and workload names of the NAT gateway and VPC DNS, and the port names derived from a
 * pod or node. The annotation and label keys are in annotations.ts. Pure.
 */
export const GROUP = 'kubeovn.io';
export const VERSION = 'v1';
export const API_VERSION = `${GROUP}/${VERSION}`;

export const DEFAULT_VPC = 'ovn-cluster';
export const DEFAULT_SUBNET = 'ovn-default';
export const JOIN_SUBNET = 'join';
export const DEFAULT_EXTERNAL_NETWORK = 'ovn-vpc-external-network';
export const CONTROLLER_NAMESPACE = 'kube-system';
export const FINALIZER = 'kubeovn.io/kube-ovn-controller';
/** The finalizer older Kube-OVN releases wrote [DeprecatedFinalizerName]: replaced by FINALIZER, removed on delete. */
export const DEPRECATED_FINALIZER = 'kube-ovn-controller';

export const NAT_GW_CONFIG = 'ovn-vpc-nat-config';
export const NAT_GW_ENABLE_CONFIG = 'ovn-vpc-nat-gw-config';
export const VPC_DNS_CONFIG = 'vpc-dns-config';
export const DEFAULT_NAT_GW_PREFIX = 'vpc-nat-gw';
/** 63 (label value limit) - 11 (StatefulSet revision-hash suffix). */
export const MAX_NAT_GW_WORKLOAD_NAME = 52;
export const DEFAULT_VPC_DNS_COREFILE = 'vpc-dns-corefile';

/** The default provider: the pod's primary OVN network. */
export const OVN_PROVIDER = 'ovn';
/** The CNI `type` of our plugin (Kube-OVN's `util.CniTypeName`). */
export const CNI_TYPE = 'kube-ovn';
/** kovn's own name for the same plugin (`type: kovn` in a NAD or conflist); it is read as `kube-ovn`. */
export const CNI_TYPE_ALIAS = 'kovn';
/** Is a CNI `type` (or `ipam.type`) our plugin? */
export const isCniType = (type: unknown): boolean => type === CNI_TYPE || type === CNI_TYPE_ALIAS;

/**
 * Is the provider's subnet an OVN logical switch (`ovn`, or an attachment network `<nad>.<ns>.ovn`), as opposed to a
 * network that only takes our IPAM (e.g. the macvlan external network, `<nad>.<ns>`)? An empty or absent provider is
 * OVN: Kube-OVN defaults a Subnet's unset `spec.provider` to `ovn`, and the CNI request's to the same.
 */
export const isOvnProvider = (provider: string | undefined): boolean =>
  !provider || provider === OVN_PROVIDER || provider.endsWith(`.${OVN_PROVIDER}`);

/**
 * The one mark of a system pod: it lives in the controller namespace (kube-system), where only the cluster's
 * operators create pods. Such a pod (a NAT gateway's, a VpcDns's) serves a VPC without being one of its tenants, so
 * it is exempt from the VPC's `spec.namespaces` (ADR 13). A pod elsewhere is a tenant, whatever it carries.
 */
export const isSystemPod = (pod: { metadata: { namespace?: string } }): boolean =>
  pod.metadata.namespace === CONTROLLER_NAMESPACE;

/** The Logical_Switch_Port (and OVS `iface-id`) of a pod's NIC (`ovs.PodNameToPortName`), also its IPAM owner. */
export function portName(pod: string, namespace: string, provider: string = OVN_PROVIDER): string {
  return provider === OVN_PROVIDER || provider === ''
    ? `${pod}.${namespace}`
    : `${pod}.${namespace}.${provider}`;
}

/** Kube-OVN's node port name (`util.NodeLspName`). */
export function nodePortName(node: string): string {
  return `node-${node}`;
}
