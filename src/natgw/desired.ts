/**
 * A NAT gateway's desired dataplane, computed from the API objects alone (pure), one builder per concern composed by
 * `desiredGateway`: its external NICs, one per external subnet (`net1`, `net2`, ...: desired-nics.ts), the EIPs each
 * holds (`gatewayEips`: an EIP lives on the NIC of its `spec.externalSubnet`, absent = the gateway's first external
 * subnet; an EIP of a subnet the gateway has no NIC on is refused; its IPv4 address is `status.ip`, its IPv6 one
 * `status.v6ip`, each with its subnet's prefix length of that family), the routes, per family (default via the first
 * external subnet's gateway, each external CIDR out of its own NIC, the VPC's other subnets via the LAN gateway out
 * of `eth0`, the gateway's `spec.routes`: desired-nics.ts), and the FIP/DNAT/SNAT rules to program (desired-nat.ts; a SNAT
 * leaves through its EIP's NIC), with, per rule, why it cannot be applied when that is decided without the kernel:
 * its EIP has no address yet (the rule is simply not tried: no entry), its values are bad, or it clashes with an
 * earlier rule, by the identities and clash rule that admission and the controller apply too
 * (api/kinds/nat-identity.ts). Earlier = older `creationTimestamp`, then name (age.ts), so the first holder keeps its
 * rule and a later one is refused, whatever order the objects arrive in.
 */
import { eipExternalSubnet, type IptablesEip } from '../api/kinds/iptables-eip.ts';
import type { Dnat, Fip, Snat } from '../api/kinds/nat-rules.ts';
import type { Subnet } from '../api/kinds/subnet-schema.ts';
import type { VpcNatGateway } from '../api/kinds/vpc-nat-gateway.ts';
import { DEFAULT_EXTERNAL_NETWORK } from '../api/constants.ts';
import { parseIp } from '../net/ip.ts';
import { parseCidrBlock } from '../net/cidr-block.ts';
import { liveOldestFirst, nameOf } from '../api/kinds/age.ts';
import {
  dnatCandidates,
  fipCandidates,
  placeNatRules,
  snatCandidates,
  type EipPlace,
} from './desired-nat.ts';
import {
  VPC_IF,
  externalNics,
  nicRoutes,
  specRoutes,
  subnetNamed,
  vpcRoutes,
  type ExternalNic,
  type GatewayRoute,
} from './desired-nics.ts';
import type { NatRule, RuleId } from './rules.ts';

export { vpcRoutes, type ExternalNic, type GatewayRoute } from './desired-nics.ts';
export const DEFAULT_EXTERNAL_SUBNET = DEFAULT_EXTERNAL_NETWORK;

export interface GatewayInputs {
  gateway: VpcNatGateway;
  subnets: readonly Subnet[];
  eips: readonly IptablesEip[];
  dnats: readonly Dnat[];
  snats: readonly Snat[];
  fips: readonly Fip[];
}

export interface GatewayDesired {
  vpcIf: string;
  /** The first external NIC (`net1`): the default route's, and the SNAT interface of a rule that names none. */
  extIf: string;
  /** The external NICs in order, each with its EIP addresses. */
  nics: ExternalNic[];
  /** The default route's next hop: the first external subnet's gateway (absent when `spec.routes` has 0.0.0.0/0). */
  externalGateway?: string;
  /** The IPv6 default route's next hop: the first external subnet's IPv6 gateway (absent: none, or `::/0` routed). */
  externalGateway6?: string;
  /** Each external CIDR out of its NIC, the VPC's other subnets via the LAN gateway, then `spec.routes`. */
  routes: GatewayRoute[];
  rules: NatRule[];
  /** Rules refused before reaching the kernel, with the reason. */
  refused: Map<RuleId, string>;
}

type EipRule = Extract<NatRule, { kind: 'eip' }>;

/** The gateway's EIPs with an address: a rule each (EIP name -> address and NIC for the NAT rules), or the reason not. */
export interface GatewayEips {
  rules: EipRule[];
  ips: Map<string, EipPlace>;
  refused: Map<RuleId, string>;
}

/** The EIP's external subnet: its `spec.externalSubnet`, absent = the gateway's first external subnet. */
export const eipSubnetName = (eip: IptablesEip, gateway: VpcNatGateway): string =>
  eipExternalSubnet(eip, gateway);

/** Why an EIP's subnet is none of the gateway's NICs' (the field, the value, what the gateway has). */
export const noNicReason = (subnet: string, gateway: VpcNatGateway, nics: readonly ExternalNic[]): string =>
  `spec.externalSubnet: ${subnet} is not an external subnet of vpc-nat-gateway ${nameOf(gateway)} (it has ${nics
    .map((n) => `${n.ifname} on ${n.subnet}`)
    .join(', ')})`;

/** Why an EIP address is not one of its subnet's family, or undefined (with the prefix length when it is). */
function eipAddressOf(
  ip: string | undefined,
  family: 4 | 6,
  field: string,
  subnet: Subnet | undefined,
  subnetName: string,
): { prefix: number } | { why: string } | undefined {
  if (!ip) return undefined;
  const block = parseCidrBlock(subnet?.spec?.cidrBlock)[family === 4 ? 'v4' : 'v6'];
  if (parseIp(ip)?.family !== family || !block)
    return { why: `${field}: address ${ip} is not an IPv${family} address of external subnet ${subnetName}` };
  return { prefix: block.cidr.prefix };
}

/**
 * The live EIPs bound to this gateway that have an address (IPv4 `status.ip`, IPv6 `status.v6ip`, or both), each on
 * the NIC of its external subnet, one `eip` rule per address; one whose subnet the gateway has no NIC on, or with an
 * address not of its subnet's families, is refused.
 */
export function gatewayEips(
  inp: Pick<GatewayInputs, 'gateway' | 'eips' | 'subnets'>,
  nics: readonly ExternalNic[] = externalNics(inp.gateway, inp.subnets),
): GatewayEips {
  const gw = nameOf(inp.gateway);
  const out: GatewayEips = { rules: [], ips: new Map(), refused: new Map() };
  for (const eip of liveOldestFirst(inp.eips)) {
    const { ip, v6ip } = eip.status ?? {};
    if (eip.spec?.natGwDp !== gw || (!ip && !v6ip)) continue;
    const id: RuleId = `eip/${nameOf(eip)}`;
    const subnetName = eipSubnetName(eip, inp.gateway);
    const nic = nics.find((n) => n.subnet === subnetName);
    if (!nic) {
      out.refused.set(id, noNicReason(subnetName, inp.gateway, nics));
      continue;
    }
    const subnet = subnetNamed(inp.subnets, subnetName);
    const v4 = eipAddressOf(ip, 4, 'status.ip', subnet, subnetName);
    const v6 = eipAddressOf(v6ip, 6, 'status.v6ip', subnet, subnetName);
    const bad = [v4, v6].find((a) => a && 'why' in a);
    if (bad && 'why' in bad) {
      out.refused.set(id, bad.why);
      continue;
    }
    out.ips.set(nameOf(eip), {
      ...(v4 ? { ip: ip! } : {}),
      ...(v6 ? { ip6: v6ip! } : {}),
      dev: nic.ifname,
      pinFip: nics.length > 1,
    });
    for (const [addr, held] of [
      [ip, v4],
      [v6ip, v6],
    ] as const)
      if (addr && held && 'prefix' in held)
        out.rules.push({ kind: 'eip', name: nameOf(eip), eip: addr, prefix: held.prefix, dev: nic.ifname });
  }
  return out;
}

/** The default route's next hop: the gateway of its first external subnet (default ovn-vpc-external-network). */
export function externalGateway(gateway: VpcNatGateway, subnets: readonly Subnet[]): string | undefined {
  return externalNics(gateway, subnets)[0]?.gateway;
}

export function desiredGateway(inp: GatewayInputs): GatewayDesired {
  const nics = externalNics(inp.gateway, inp.subnets);
  const eips = gatewayEips(inp, nics);
  for (const r of eips.rules) nics.find((n) => n.ifname === r.dev)?.addresses.push(`${r.eip}/${r.prefix}`);
  const candidates = [...fipCandidates(inp.fips), ...dnatCandidates(inp.dnats), ...snatCandidates(inp.snats)];
  const nat = placeNatRules(candidates, eips.ips);
  const own = specRoutes(inp.gateway, inp.subnets, nics);
  const nextHop = own.some((r) => r.dst === '0.0.0.0/0') ? undefined : nics[0]?.gateway;
  const nextHop6 = own.some((r) => r.dst === '::/0') ? undefined : nics[0]?.gateway6;
  return {
    vpcIf: VPC_IF,
    extIf: nics[0]?.ifname ?? 'net1',
    nics,
    ...(nextHop ? { externalGateway: nextHop } : {}),
    ...(nextHop6 ? { externalGateway6: nextHop6 } : {}),
    routes: [...nicRoutes(nics), ...vpcRoutes(inp.gateway, inp.subnets), ...own],
    rules: [...eips.rules, ...nat.rules],
    refused: new Map([...eips.refused, ...nat.refused]),
  };
}
