/** Subnet (`subnets`, short name `subnet`): schema, type and printer columns. Every Subnet CRD field of Kube-OVN is kept. */
import { Type, type Static } from '@sinclair/typebox';
import {
  Bool,
  Conditions,
  FreeForm,
  Int,
  LabelSelector,
  Opt,
  Str,
  StrList,
  resourceSchema,
} from '../schema/common.ts';
import { column, kubeovnType, type Typed } from '../kind.ts';

export const PROTOCOLS = ['IPv4', 'IPv6', 'Dual', 'Mac'] as const;
export const GATEWAY_TYPES = ['distributed', 'centralized'] as const;

export const SubnetSpec = Type.Object({
  default: Opt(Bool('Whether this is the default subnet of the default VPC')),
  vpc: Opt(Str('The VPC of the subnet; ovn-cluster when empty')),
  protocol: Opt(Str('IPv4, IPv6 or Dual; derived from cidrBlock')),
  namespaces: Opt(StrList('Namespaces whose pods use this subnet')),
  cidrBlock: Opt(Str('CIDR of the subnet; "v4cidr,v6cidr" for dual stack')),
  gateway: Opt(Str('Gateway address(es); the first usable address by default')),
  excludeIps: Opt(StrList('Addresses never handed out: single IPs or ranges a..b')),
  provider: Opt(Str('ovn, <nad>.<ns>.ovn, or <nad>.<ns> for non-OVN networks')),
  gatewayType: Opt(Str('distributed or centralized (default VPC only)')),
  gatewayNode: Opt(Str('Gateway node(s) of a centralized gateway')),
  gatewayNodeSelectors: Opt(Type.Array(LabelSelector)),
  natOutgoing: Opt(Bool('Masquerade traffic leaving the cluster (default VPC only)')),
  externalEgressGateway: Opt(Str()),
  policyRoutingPriority: Opt(Int(undefined, { format: 'int32', minimum: 0 })),
  policyRoutingTableID: Opt(Int(undefined, { format: 'int32', minimum: 0 })),
  mtu: Opt(Int('MTU of pod interfaces', { format: 'int32', minimum: 0 })),
  private: Opt(Bool('Only allow traffic from the subnet itself and allowSubnets')),
  allowSubnets: Opt(StrList('CIDRs allowed to reach a private subnet')),
  vlan: Opt(Str('VLAN (underlay subnets)')),
  vips: Opt(StrList()),
  logicalGateway: Opt(Bool()),
  disableGatewayCheck: Opt(Bool()),
  disableInterConnection: Opt(Bool()),
  enableDHCP: Opt(Bool()),
  dhcpV4Options: Opt(Str()),
  dhcpV6Options: Opt(Str()),
  enableIPv6RA: Opt(Bool()),
  ipv6RAConfigs: Opt(Str()),
  acls: Opt(
    Type.Array(
      Type.Object({ direction: Opt(Str()), priority: Opt(Int()), match: Opt(Str()), action: Opt(Str()) }),
    ),
  ),
  allowEWTraffic: Opt(Bool()),
  natOutgoingPolicyRules: Opt(Type.Array(FreeForm())),
  u2oInterconnectionIP: Opt(Str()),
  u2oInterconnection: Opt(Bool()),
  u2oFeatures: Opt(FreeForm()),
  enableLb: Opt(Bool('Attach the VPC load balancers to this subnet')),
  enableEcmp: Opt(Bool()),
  enableMulticastSnoop: Opt(Bool()),
  enableExternalLBAddress: Opt(Bool()),
  routeTable: Opt(Str('Route table of the VPC router used for traffic entering from this subnet')),
  namespaceSelectors: Opt(Type.Array(LabelSelector)),
  nodeNetwork: Opt(Str()),
});

export const SubnetStatus = Type.Object({
  conditions: Opt(Conditions),
  v4availableIPs: Opt(Type.Number()),
  v4availableIPrange: Opt(Str()),
  v4usingIPs: Opt(Type.Number()),
  v4usingIPrange: Opt(Str()),
  v6availableIPs: Opt(Type.Number()),
  v6availableIPrange: Opt(Str()),
  v6usingIPs: Opt(Type.Number()),
  v6usingIPrange: Opt(Str()),
  activateGateway: Opt(Str()),
  dhcpV4OptionsUUID: Opt(Str()),
  dhcpV6OptionsUUID: Opt(Str()),
  u2oInterconnectionIP: Opt(Str()),
  u2oInterconnectionMAC: Opt(Str()),
  u2oInterconnectionVPC: Opt(Str()),
  natOutgoingPolicyRules: Opt(Type.Array(FreeForm())),
  mcastQuerierIP: Opt(Str()),
  mcastQuerierMAC: Opt(Str()),
});

export type SubnetSpec = Static<typeof SubnetSpec>;
export type SubnetStatus = Static<typeof SubnetStatus>;
export type Subnet = Typed<SubnetSpec, SubnetStatus>;

export const subnetType = kubeovnType(
  { kind: 'Subnet', plural: 'subnets', singular: 'subnet', shortNames: ['subnet'] },
  [
    column('Provider', 'string', '.spec.provider'),
    column('Vpc', 'string', '.spec.vpc'),
    column('Vlan', 'string', '.spec.vlan'),
    column('Protocol', 'string', '.spec.protocol'),
    column('CIDR', 'string', '.spec.cidrBlock'),
    column('Private', 'boolean', '.spec.private'),
    column('NAT', 'boolean', '.spec.natOutgoing'),
    column('Default', 'boolean', '.spec.default'),
    column('GatewayType', 'string', '.spec.gatewayType'),
    column('V4Used', 'number', '.status.v4usingIPs'),
    column('V4Available', 'number', '.status.v4availableIPs'),
    column('V6Used', 'number', '.status.v6usingIPs'),
    column('V6Available', 'number', '.status.v6availableIPs'),
    column('ExcludeIPs', 'string', '.spec.excludeIps'),
    column('U2OInterconnectionIP', 'string', '.status.u2oInterconnectionIP'),
  ],
  resourceSchema('A subnet: an OVN logical switch attached to its VPC router', SubnetSpec, SubnetStatus),
);
