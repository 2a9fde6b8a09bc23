/** Names and keys shared with Kube-OVN, spelled exactly as the reference spells them (§0.1 of the behaviour notes). */
export const GROUP = 'kubeovn.io';
export const VERSION = 'v1';
export const API_VERSION = `${GROUP}/${VERSION}`;

export const DEFAULT_VPC = 'ovn-cluster';
export const DEFAULT_SUBNET = 'ovn-default';
export const JOIN_SUBNET = 'join';
export const OVN_PROVIDER = 'ovn';
export const DEFAULT_EXTERNAL_NETWORK = 'ovn-vpc-external-network';
export const CONTROLLER_NAMESPACE = 'kube-system';
export const FINALIZER = 'kubeovn.io/kube-ovn-controller';

export const NAT_GW_CONFIG = 'ovn-vpc-nat-config';
export const NAT_GW_ENABLE_CONFIG = 'ovn-vpc-nat-gw-config';
export const VPC_DNS_CONFIG = 'vpc-dns-config';
export const DEFAULT_NAT_GW_PREFIX = 'vpc-nat-gw';
/** 63 (label value limit) - 11 (StatefulSet revision-hash suffix). */
export const MAX_NAT_GW_WORKLOAD_NAME = 52;
export const DEFAULT_VPC_DNS_COREFILE = 'vpc-dns-corefile';

export const LABEL_EIP_V4_IP = 'ovn.kubernetes.io/eip_v4_ip';
export const LABEL_NAT_GW_NAME = 'ovn.kubernetes.io/vpc-nat-gw-name';
export const ANNOTATION_LOGICAL_SWITCH = 'ovn.kubernetes.io/logical_switch';
export const ANNOTATION_IP_ADDRESS = 'ovn.kubernetes.io/ip_address';
export const ANNOTATION_MAC_ADDRESS = 'ovn.kubernetes.io/mac_address';
export const ANNOTATION_CIDR = 'ovn.kubernetes.io/cidr';
export const ANNOTATION_IP_FAMILY = 'ovn.kubernetes.io/ip_family';

/** Is this provider one whose subnet lives in OVN (as opposed to, e.g., a macvlan external network)? */
export const isOvnProvider = (provider: string | undefined): boolean =>
  !provider || provider === OVN_PROVIDER || provider.endsWith('.ovn');
