/**
 * A NAT gateway's desired dataplane, computed from the API objects alone (pure), one builder per concern composed by
 * `desiredGateway`: the EIPs to hold on the external interface (`gatewayEips`), the routes (default via the
 * external Subnet's gateway out of `net1`; the VPC's other subnets via the LAN gateway out of `eth0`: `vpcRoutes`),
 * and the FIP/DNAT/SNAT rules to program (desired-nat.ts), with, per rule, why it cannot be applied when that is
 * decided without the kernel: its EIP has no address yet (the rule is simply not tried: no entry), its values are
 * bad, or it clashes with an earlier rule, by the identities and clash rule that admission and the controller apply
 * too (api/kinds/nat-identity.ts). Earlier = older `creationTimestamp`, then name (age.ts), so the first holder
 * keeps its rule and a later one is refused, whatever order the objects arrive in.
 */
import type { IptablesEip } from '../api/kinds/iptables-eip.ts';
import type { Dnat, Fip, Snat } from '../api/kinds/nat-rules.ts';
import type { Subnet } from '../api/kinds/subnet-schema.ts';
import type { VpcNatGateway } from '../api/kinds/vpc-nat-gateway.ts';
import { parseIp } from '../net/ip.ts';
import { parseCidrBlock } from '../net/cidr-block.ts';
import { liveOldestFirst, nameOf } from '../api/kinds/age.ts';
import { dnatCandidates, fipCandidates, placeNatRules, snatCandidates } from './desired-nat.ts';
import type { NatRule, RuleId } from './rules.ts';

export const DEFAULT_EXTERNAL_SUBNET = 'ovn-vpc-external-network';

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
  extIf: string;
  /** EIP addresses with the external subnet's prefix length, e.g. `192.168.0.11/24`. */
  addresses: string[];
  externalGateway?: string;
  /** Other subnets of the VPC, reached through the LAN subnet's gateway. */
  routes: { dst: string; via: string; dev: string }[];
  rules: NatRule[];
  /** Rules refused before reaching the kernel, with the reason. */
  refused: Map<RuleId, string>;
}

type EipRule = Extract<NatRule, { kind: 'eip' }>;
type Route = GatewayDesired['routes'][number];

/** The gateway's EIPs with an address: a rule each (EIP name -> address for the NAT rules), or the reason not. */
export interface GatewayEips {
  rules: EipRule[];
  ips: Map<string, string>;
  refused: Map<RuleId, string>;
}

const subnetNamed = (subnets: readonly Subnet[], name: string): Subnet | undefined =>
  subnets.find((s) => s.metadata.name === name);

/** The prefix length of a subnet's IPv4 CIDR (the EIPs are IPv4). */
const v4PrefixOf = (cidrBlock: string | undefined): number | undefined =>
  parseCidrBlock(cidrBlock).v4?.cidr.prefix;

/** The live EIPs bound to this gateway that have an address; one that is not IPv4 of a known subnet is refused. */
export function gatewayEips(inp: Pick<GatewayInputs, 'gateway' | 'eips' | 'subnets'>): GatewayEips {
  const gw = nameOf(inp.gateway);
  const out: GatewayEips = { rules: [], ips: new Map(), refused: new Map() };
  for (const eip of liveOldestFirst(inp.eips)) {
    if (eip.spec?.natGwDp !== gw || !eip.status?.ip) continue;
    const external = subnetNamed(inp.subnets, eip.spec.externalSubnet || DEFAULT_EXTERNAL_SUBNET);
    const prefix = v4PrefixOf(external?.spec?.cidrBlock);
    if (parseIp(eip.status.ip)?.family !== 4 || prefix === undefined) {
      out.refused.set(
        `eip/${nameOf(eip)}`,
        `address ${eip.status.ip} is not an IPv4 address of a known external subnet`,
      );
      continue;
    }
    out.ips.set(nameOf(eip), eip.status.ip);
    out.rules.push({ kind: 'eip', name: nameOf(eip), eip: eip.status.ip, prefix });
  }
  return out;
}

/** The VPC's other live subnets (IPv4 part, sorted) via the LAN subnet's gateway; none without that gateway. */
export function vpcRoutes(gateway: VpcNatGateway, subnets: readonly Subnet[]): Route[] {
  const lan = subnetNamed(subnets, gateway.spec?.subnet ?? '');
  const via = lan?.spec?.gateway ?? '';
  if (!lan || !via) return [];
  const vpc = gateway.spec?.vpc ?? '';
  return subnets
    .filter(
      (s) => s.spec?.vpc === vpc && s.metadata.name !== lan.metadata.name && !s.metadata.deletionTimestamp,
    )
    .flatMap((s) => parseCidrBlock(s.spec?.cidrBlock).v4?.text ?? [])
    .sort()
    .map((dst) => ({ dst, via, dev: 'eth0' }));
}

/** The default route's next hop: the gateway of its first external subnet (default ovn-vpc-external-network). */
export function externalGateway(gateway: VpcNatGateway, subnets: readonly Subnet[]): string | undefined {
  const name = gateway.spec?.externalSubnets?.[0] || DEFAULT_EXTERNAL_SUBNET;
  return subnetNamed(subnets, name)?.spec?.gateway || undefined;
}

export function desiredGateway(inp: GatewayInputs): GatewayDesired {
  const eips = gatewayEips(inp);
  const candidates = [...fipCandidates(inp.fips), ...dnatCandidates(inp.dnats), ...snatCandidates(inp.snats)];
  const nat = placeNatRules(candidates, eips.ips);
  const nextHop = externalGateway(inp.gateway, inp.subnets);
  return {
    vpcIf: 'eth0',
    extIf: 'net1',
    addresses: eips.rules.map((r) => `${r.eip}/${r.prefix}`),
    ...(nextHop ? { externalGateway: nextHop } : {}),
    routes: vpcRoutes(inp.gateway, inp.subnets),
    rules: [...eips.rules, ...nat.rules],
    refused: new Map([...eips.refused, ...nat.refused]),
  };
}
