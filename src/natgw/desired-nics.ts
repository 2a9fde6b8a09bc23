/**
 * A NAT gateway's external NICs and its routes, from the API objects alone (pure). Every entry of the gateway's
 * `spec.externalSubnets` (none: `ovn-vpc-external-network`) is one NIC, named as Multus names the attachments the
 * gateway pod asks for in that order: `net1`, `net2`, ... (controller/reconcilers/natgw/gateway-workload.ts lists
 * their NADs in the same order). Routes, per address family (a dual-stack subnet gives both): the default route via
 * the FIRST external subnet's gateway of that family out of its NIC; each external subnet's CIDRs out of its own NIC;
 * the VPC's other subnets via the LAN subnet's gateway of the family out of `eth0`; and the gateway's `spec.routes`
 * (Kube-OVN's field: `cidr` via `nextHopIP`, `gateway` meaning the LAN subnet's gateway of the CIDR's family), out of
 * the NIC whose external subnet holds the next hop, else out of `eth0`. A `routes` entry for `0.0.0.0/0` (`::/0`)
 * takes the place of the IPv4 (IPv6) default route.
 */
import type { Subnet } from '../api/kinds/subnet-schema.ts';
import { natGatewayExternalSubnets, type VpcNatGateway } from '../api/kinds/vpc-nat-gateway.ts';
import { parseCidrBlock } from '../net/cidr-block.ts';
import { cidrContains, formatCidr, parseCidr, parseCidrOrIp, parseIp, type Family } from '../net/ip.ts';

export const VPC_IF = 'eth0';

/** One external NIC of the gateway pod. */
export interface ExternalNic {
  /** The external Subnet it is on. */
  subnet: string;
  /** `net<position + 1>`. */
  ifname: string;
  /** The Subnet's provider (`<nad>.<ns>`): the pod annotations of the NIC's own address are keyed by it. */
  provider: string;
  /** The Subnet's IPv4 CIDR, when the Subnet is known and has one. */
  cidr?: string;
  /** The Subnet's IPv4 gateway. */
  gateway?: string;
  /** The Subnet's IPv6 CIDR and gateway, when it is dual-stack or IPv6. */
  cidr6?: string;
  gateway6?: string;
  /** EIP addresses to hold on this NIC, with the Subnet's prefix length (`192.168.0.11/24`, `fd00:e::11/64`). */
  addresses: string[];
}

export interface GatewayRoute {
  dst: string;
  /** Absent: a link route (the destination is on the NIC's own segment). */
  via?: string;
  dev: string;
  /** For a route of the gateway's `spec.routes`: its field path (`spec.routes[0]`), named when the kernel refuses it. */
  field?: string;
}

export const subnetNamed = (subnets: readonly Subnet[], name: string): Subnet | undefined =>
  subnets.find((s) => s.metadata.name === name);

/** A Subnet's gateway of a family (`spec.gateway` is `v4`, `v6` or `v4,v6`). */
export const gatewayOf = (s: Subnet | undefined, family: Family): string | undefined =>
  (s?.spec?.gateway ?? '').split(',').find((g) => parseIp(g)?.family === family);

/** The family of an address or CIDR. */
export const familyOf = (text: string): Family => (text.includes(':') ? 6 : 4);

/** The external subnets in NIC order (api/kinds/vpc-nat-gateway.ts, which the controller's template follows). */
export const externalSubnetNames = (gateway: VpcNatGateway): string[] => natGatewayExternalSubnets(gateway);

/** The gateway's external NICs, in order, without addresses yet. */
export function externalNics(gateway: VpcNatGateway, subnets: readonly Subnet[]): ExternalNic[] {
  return externalSubnetNames(gateway).map((name, i) => {
    const s = subnetNamed(subnets, name);
    const block = parseCidrBlock(s?.spec?.cidrBlock);
    const cidr = block.v4?.text;
    const cidr6 = block.v6?.text;
    const gw = gatewayOf(s, 4);
    const gw6 = gatewayOf(s, 6);
    return {
      subnet: name,
      ifname: `net${i + 1}`,
      provider: s?.spec?.provider || name,
      ...(cidr ? { cidr } : {}),
      ...(gw ? { gateway: gw } : {}),
      ...(cidr6 ? { cidr6 } : {}),
      ...(gw6 ? { gateway6: gw6 } : {}),
      addresses: [],
    };
  });
}

/**
 * The VPC's other live subnets (sorted, IPv4 then IPv6) via the LAN subnet's gateway of the same family; a family
 * the LAN subnet has no gateway of gets none.
 */
export function vpcRoutes(gateway: VpcNatGateway, subnets: readonly Subnet[]): GatewayRoute[] {
  const lan = subnetNamed(subnets, gateway.spec?.subnet ?? '');
  if (!lan) return [];
  const vpc = gateway.spec?.vpc ?? '';
  const others = subnets.filter(
    (s) => s.spec?.vpc === vpc && s.metadata.name !== lan.metadata.name && !s.metadata.deletionTimestamp,
  );
  return ([4, 6] as const).flatMap((family) => {
    const via = gatewayOf(lan, family);
    if (!via) return [];
    return others
      .flatMap((s) => parseCidrBlock(s.spec?.cidrBlock)[family === 4 ? 'v4' : 'v6']?.text ?? [])
      .sort()
      .map((dst) => ({ dst, via, dev: VPC_IF }));
  });
}

/** The NIC whose external subnet holds `ip`, if any. */
export function nicHolding(nics: readonly ExternalNic[], ip: string): ExternalNic | undefined {
  const addr = parseIp(ip);
  return nics.find((n) =>
    [n.cidr, n.cidr6].some((c) => {
      const block = c ? parseCidr(c) : undefined;
      return addr !== undefined && block !== undefined && cidrContains(block, addr);
    }),
  );
}

/**
 * `spec.routes` as routes (entries with a valid CIDR and a next hop of its family; the others are left out):
 * `gateway` is the LAN subnet's gateway of the CIDR's family; a next hop in an external subnet goes out of that NIC,
 * any other out of eth0. The CIDR is written in canonical form (`10.1.0.0/16`), as `ip route` prints it.
 */
export function specRoutes(
  gateway: VpcNatGateway,
  subnets: readonly Subnet[],
  nics: readonly ExternalNic[],
): GatewayRoute[] {
  const lan = subnetNamed(subnets, gateway.spec?.subnet ?? '');
  return (gateway.spec?.routes ?? []).flatMap((r, i): GatewayRoute[] => {
    const cidr = parseCidrOrIp(r.cidr ?? '');
    const dst = cidr ? formatCidr(cidr) : undefined;
    const via = r.nextHopIP === 'gateway' ? cidr && gatewayOf(lan, cidr.family) : r.nextHopIP;
    if (!dst || !via || parseIp(via)?.family !== cidr?.family) return [];
    return [{ dst, via, dev: nicHolding(nics, via)?.ifname ?? VPC_IF, field: `spec.routes[${i}]` }];
  });
}

/** Each external subnet's CIDRs (IPv4, then IPv6) out of its own NIC. */
export const nicRoutes = (nics: readonly ExternalNic[]): GatewayRoute[] =>
  nics.flatMap((n) => [n.cidr, n.cidr6].flatMap((dst) => (dst ? [{ dst, dev: n.ifname }] : [])));
