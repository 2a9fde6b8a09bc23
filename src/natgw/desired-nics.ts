/**
 * A NAT gateway's external NICs and its routes, from the API objects alone (pure). Every entry of the gateway's
 * `spec.externalSubnets` (none: `ovn-vpc-external-network`) is one NIC, named as Multus names the attachments the
 * gateway pod asks for in that order: `net1`, `net2`, ... (controller/reconcilers/natgw/gateway-workload.ts lists
 * their NADs in the same order). Routes: the default route via the FIRST external subnet's gateway out of its NIC;
 * each external subnet's IPv4 CIDR out of its own NIC; the VPC's other subnets via the LAN subnet's gateway out of
 * `eth0`; and the gateway's `spec.routes` (Kube-OVN's field: `cidr` via `nextHopIP`, `gateway` meaning the LAN
 * subnet's gateway), out of the NIC whose external subnet holds the next hop, else out of `eth0`. A `routes` entry
 * for `0.0.0.0/0` takes the place of the default route.
 */
import type { Subnet } from '../api/kinds/subnet-schema.ts';
import { natGatewayExternalSubnets, type VpcNatGateway } from '../api/kinds/vpc-nat-gateway.ts';
import { parseCidrBlock } from '../net/cidr-block.ts';
import { cidrContains, formatCidr, parseCidr, parseCidrOrIp, parseIp } from '../net/ip.ts';

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
  /** EIP addresses to hold on this NIC, with the Subnet's prefix length (`192.168.0.11/24`). */
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

/** The external subnets in NIC order (api/kinds/vpc-nat-gateway.ts, which the controller's template follows). */
export const externalSubnetNames = (gateway: VpcNatGateway): string[] => natGatewayExternalSubnets(gateway);

/** The gateway's external NICs, in order, without addresses yet. */
export function externalNics(gateway: VpcNatGateway, subnets: readonly Subnet[]): ExternalNic[] {
  return externalSubnetNames(gateway).map((name, i) => {
    const s = subnetNamed(subnets, name);
    const cidr = parseCidrBlock(s?.spec?.cidrBlock).v4?.text;
    const gw = (s?.spec?.gateway ?? '').split(',').find((g) => parseIp(g)?.family === 4);
    return {
      subnet: name,
      ifname: `net${i + 1}`,
      provider: s?.spec?.provider || name,
      ...(cidr ? { cidr } : {}),
      ...(gw ? { gateway: gw } : {}),
      addresses: [],
    };
  });
}

/** The VPC's other live subnets (IPv4 part, sorted) via the LAN subnet's gateway; none without that gateway. */
export function vpcRoutes(gateway: VpcNatGateway, subnets: readonly Subnet[]): GatewayRoute[] {
  const lan = subnetNamed(subnets, gateway.spec?.subnet ?? '');
  const via = lan?.spec?.gateway?.split(',').find((g) => parseIp(g)?.family === 4) ?? '';
  if (!lan || !via) return [];
  const vpc = gateway.spec?.vpc ?? '';
  return subnets
    .filter(
      (s) => s.spec?.vpc === vpc && s.metadata.name !== lan.metadata.name && !s.metadata.deletionTimestamp,
    )
    .flatMap((s) => parseCidrBlock(s.spec?.cidrBlock).v4?.text ?? [])
    .sort()
    .map((dst) => ({ dst, via, dev: VPC_IF }));
}

/** The NIC whose external subnet holds `ip`, if any. */
export function nicHolding(nics: readonly ExternalNic[], ip: string): ExternalNic | undefined {
  const addr = parseIp(ip);
  return nics.find((n) => {
    const block = n.cidr ? parseCidr(n.cidr) : undefined;
    return addr !== undefined && block !== undefined && cidrContains(block, addr);
  });
}

/**
 * `spec.routes` as routes (IPv4 entries with a valid CIDR and next hop; the others are left out): `gateway` is the
 * LAN subnet's gateway; a next hop in an external subnet goes out of that NIC, any other out of eth0. The CIDR is
 * written in canonical form (`10.1.0.0/16`), as `ip route` prints it.
 */
export function specRoutes(
  gateway: VpcNatGateway,
  subnets: readonly Subnet[],
  nics: readonly ExternalNic[],
): GatewayRoute[] {
  const lan = subnetNamed(subnets, gateway.spec?.subnet ?? '');
  const lanGateway = lan?.spec?.gateway?.split(',').find((g) => parseIp(g)?.family === 4);
  return (gateway.spec?.routes ?? []).flatMap((r, i): GatewayRoute[] => {
    const cidr = parseCidrOrIp(r.cidr ?? '');
    const dst = cidr?.family === 4 ? formatCidr(cidr) : undefined;
    const via = r.nextHopIP === 'gateway' ? lanGateway : r.nextHopIP;
    if (!dst || !via || parseIp(via)?.family !== 4) return [];
    return [{ dst, via, dev: nicHolding(nics, via)?.ifname ?? VPC_IF, field: `spec.routes[${i}]` }];
  });
}

/** Each external subnet's CIDR out of its own NIC. */
export const nicRoutes = (nics: readonly ExternalNic[]): GatewayRoute[] =>
  nics.flatMap((n) => (n.cidr ? [{ dst: n.cidr, dev: n.ifname }] : []));
