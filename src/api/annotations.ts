/**
 * The annotation and label vocabulary: every key kovn reads or writes on Kubernetes objects, one constant per key,
 * spelled as Kube-OVN spells it (pkg/util/const.go; its Go name in brackets where ours differs) unless it is one of
 * ours (`kovn.io/...`). Per provider, Kube-OVN writes `<provider>.kubernetes.io/<key>` (`annotationKey`); the
 * default provider `ovn` gives the `ovn.kubernetes.io/<key>` constants below. Names and defaults are in
 * constants.ts. Pure.
 */

/** The per-provider keys of a pod's (or node's) network, `<provider>.kubernetes.io/<key>`. */
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
  | 'pod_nic_type'
  | 'port_security';

/** `<provider>.kubernetes.io/<key>`. */
export function annotationKey(provider: string, key: ProviderKey): string {
  return `${provider}.kubernetes.io/${key}`;
}

// A pod's (and a node's) network on the default provider, written by the controller (Kube-OVN's
// pkg/controller/pod.go).
export const ANNOTATION_ALLOCATED = 'ovn.kubernetes.io/allocated';
export const ANNOTATION_ROUTED = 'ovn.kubernetes.io/routed';
export const ANNOTATION_IP_ADDRESS = 'ovn.kubernetes.io/ip_address';
export const ANNOTATION_MAC_ADDRESS = 'ovn.kubernetes.io/mac_address';
export const ANNOTATION_CIDR = 'ovn.kubernetes.io/cidr';
export const ANNOTATION_GATEWAY = 'ovn.kubernetes.io/gateway';
/** The subnet: on a pod, the one it asks for (and then got); on a Namespace, its subnets (comma list). */
export const ANNOTATION_LOGICAL_SWITCH = 'ovn.kubernetes.io/logical_switch';
export const ANNOTATION_LOGICAL_ROUTER = 'ovn.kubernetes.io/logical_router';
export const ANNOTATION_POD_NIC_TYPE = 'ovn.kubernetes.io/pod_nic_type';
/** `"false"` on a pod turns its port security off. */
export const ANNOTATION_PORT_SECURITY = 'ovn.kubernetes.io/port_security';
export const ANNOTATION_IP_FAMILY = 'ovn.kubernetes.io/ip_family';
/** On a Namespace: the excludeIps of its subnets. */
export const ANNOTATION_EXCLUDE_IPS = 'ovn.kubernetes.io/exclude_ips';
/** On a Node: the LSP name of its join-subnet port (`node-<name>`). */
export const ANNOTATION_PORT_NAME = 'ovn.kubernetes.io/port_name';

// IP objects, one per pod NIC (Kube-OVN's pkg/controller/ip.go createOrUpdateIPCR).
/** Label on an IP object: the node of its pod [NodeNameLabel]. */
export const LABEL_NODE_NAME = 'ovn.kubernetes.io/node-name';
/** Label on an IP object: `"false"` when it goes with its pod, else a reservation kept until deleted [IPReservedLabel]. */
export const LABEL_IP_RESERVED = 'ovn.kubernetes.io/ip_reserved';

/** Multus' list of a pod's secondary networks (`<namespace>/<nad>` items or JSON). */
export const ANNOTATION_NETWORKS = 'k8s.v1.cni.cncf.io/networks';

// The NAT gateway (Kube-OVN's pkg/controller/vpc_nat_gateway.go and vpc_nat_gw_*.go).
/** Label on the gateway's workload and pods, `"true"` [VpcNatGatewayLabel]. */
export const LABEL_VPC_NAT_GW = 'ovn.kubernetes.io/vpc-nat-gw';
/** Pod-template annotation naming the gateway: how a NAT gateway pod is recognised [VpcNatGatewayAnnotation]. */
export const ANNOTATION_VPC_NAT_GW = 'ovn.kubernetes.io/vpc_nat_gw';
/** Label on an EIP and its NAT rules: the owning gateway [VpcNatGatewayNameLabel]. */
export const LABEL_NAT_GW_NAME = 'ovn.kubernetes.io/vpc-nat-gw-name';
/** Label on an EIP and every NAT rule: the EIP's IPv4 address [EipV4IpLabel]. */
export const LABEL_EIP_V4_IP = 'ovn.kubernetes.io/eip_v4_ip';
/** Label on a DNAT rule: its external port [VpcDnatEPortLabel]. */
export const LABEL_DNAT_EPORT = 'ovn.kubernetes.io/vpc_dnat_eport';
/** Annotation on a NAT rule: the EIP it is bound to [VpcEipAnnotation]. */
export const ANNOTATION_VPC_EIP = 'ovn.kubernetes.io/vpc_eip';
/** Label on an EIP (its external subnet) and on an IP object (its NIC's subnet) [SubnetNameLabel]. */
export const LABEL_SUBNET = 'ovn.kubernetes.io/subnet';
/** Written by the gateway agent on the gateway pod: what it applied (src/natgw/report.ts). Ours. */
export const ANNOTATION_NAT_APPLIED = 'kovn.io/nat-applied';
/**
 * Written by the controller on each instance of an HA NAT gateway (ADR 37): `active` on the one the VPC routes to,
 * which alone holds the EIP addresses; `standby` on the others (they keep the rules, not the addresses). Ours.
 */
export const ANNOTATION_NAT_GW_ROLE = 'kovn.io/vpc-nat-gw-role';
/** On a NAT gateway's StatefulSet: a hash of what the controller rendered, so a change is seen whatever the API
 * server defaulted. Ours. */
export const ANNOTATION_TEMPLATE_HASH = 'kovn.io/template-hash';
/** Label on a SwitchLBRule's Service and Endpoints: the rule they stand for. Ours. */
export const LABEL_SWITCH_LB_RULE = 'kovn.io/switch-lb-rule';
/** Label on the lab's DNS pods: the Deployment they stand for. Ours (the lab only). */
export const LABEL_LAB_DNS = 'kovn.io/lab-dns';
/** On a lab pod: which of its ports the lab's responder serves as grpc.health.v1, and each service's status
 * (`9000`, `9000/echo.Echo=NOT_SERVING`; src/node/responder-protocol.ts). Ours (the lab only). */
export const ANNOTATION_LAB_GRPC_HEALTH = 'kovn.io/grpc-health';

// Services in a VPC and the VPC DNS (Kube-OVN's pkg/controller/switch_lb_rule.go and vpc_dns.go).
/** On a SwitchLBRule's Service: the VIP [SwitchLBRuleVipsAnnotation]. */
export const ANNOTATION_SWITCH_LB_VIP = 'ovn.kubernetes.io/switch_lb_vip';
/** On a SwitchLBRule's Service: the VPC of the VIP [VpcAnnotation]; a VpcNatGateway's VPC label [VpcNameLabel]. */
export const ANNOTATION_VPC = 'ovn.kubernetes.io/vpc';
/** On a SwitchLBRule, copied to its Service: `"false"` turns the LB health check off [ServiceHealthCheck]. */
export const ANNOTATION_SERVICE_HEALTH_CHECK = 'ovn.kubernetes.io/service_health_check';
/** Label on a VpcDns's Deployment and SwitchLBRule, `"true"` [VpcDNSNameLabel]. */
export const LABEL_VPC_DNS = 'ovn.kubernetes.io/vpc-dns';
