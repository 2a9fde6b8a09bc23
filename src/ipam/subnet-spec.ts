/**
 * The IPAM view of a Subnet: `cidrBlock` (one CIDR or a "v4,v6" pair), gateway(s), `excludeIps` and reserved
 * MACs, parsed into one config per family: usable range, gateway, and the reserved set (excludeIps ∪ gateway,
 * clipped to the usable range) that dynamic allocation never hands out.
 */
import { defaultGateway, parseIp, usableRange, type Cidr, type Family } from '../net/ip.ts';
import { parseCidrBlock, type CidrBlockError } from '../net/cidr-block.ts';
import { normalizeMac } from './mac.ts';
import { RangeSet } from './range-set.ts';
import { parseExcludeIps } from './range-text.ts';

export interface SubnetSpec {
  /** Subnet name: the IPAM key (two subnets with the same CIDR in different VPCs are independent). */
  name: string;
  /** `10.0.1.0/24`, `fd00::/120` or `10.0.1.0/24,fd00::/120`. */
  cidrBlock: string;
  /** `10.0.1.1` or `10.0.1.1,fd00::1`; a missing family defaults to the CIDR's first usable address. */
  gateway?: string | undefined;
  excludeIps?: readonly string[] | undefined;
  /** MACs never handed out nor accepted as static (e.g. the router port's). */
  reservedMacs?: readonly string[] | undefined;
}

export interface FamilyConfig {
  family: Family;
  cidr: Cidr;
  /** Usable range: network and broadcast excluded, except for /31, /127 (and /32, /128). */
  first: bigint;
  last: bigint;
  gateway: bigint;
  /** excludeIps ∪ gateway, clipped to first..last. */
  reserved: RangeSet;
}

export interface SpecIssue {
  field: 'excludeIps' | 'gateway' | 'reservedMacs';
  item: string;
  kind: 'invalid' | 'outside';
  message: string;
}

export interface ParsedSubnetSpec {
  name: string;
  cidrBlock: string;
  v4?: FamilyConfig;
  v6?: FamilyConfig;
  reservedMacs: ReadonlySet<string>;
  issues: SpecIssue[];
}

export type SpecResult =
  { ok: true; spec: ParsedSubnetSpec } | { ok: false; reason: 'CIDRInvalid'; message: string };

/** Why a cidrBlock cannot be a pool, by its first error. */
const BLOCK_ERRORS: Record<CidrBlockError['kind'], string> = {
  'too-many': 'at most one CIDR per family',
  empty: 'not a CIDR',
  unparsable: 'not a CIDR',
  'same-family': 'two CIDRs of the same family',
};

export function parseSubnetSpec(spec: SubnetSpec): SpecResult {
  const block = parseCidrBlock(spec.cidrBlock);
  const error = block.errors[0];
  if (error)
    return {
      ok: false,
      reason: 'CIDRInvalid',
      message: `subnet ${spec.name} cidr ${spec.cidrBlock} is invalid: ${BLOCK_ERRORS[error.kind]}`,
    };
  const valid = block.cidrs;

  const issues: SpecIssue[] = [];
  const gateways = new Map<Family, bigint>();
  for (const item of spec.gateway ? spec.gateway.split(',') : []) {
    const ip = parseIp(item);
    if (!ip)
      issues.push({
        field: 'gateway',
        item,
        kind: 'invalid',
        message: `gateway ${item} is not a valid address`,
      });
    else if (!valid.some((c) => c.family === ip.family)) {
      issues.push({
        field: 'gateway',
        item,
        kind: 'outside',
        message: `gateway ${item} has no CIDR of its family`,
      });
    } else gateways.set(ip.family, ip.value);
  }

  const excluded = parseExcludeIps(spec.excludeIps ?? [], valid);
  for (const issue of excluded.issues) issues.push({ field: 'excludeIps', ...issue });

  const parsed: ParsedSubnetSpec = {
    name: spec.name,
    cidrBlock: spec.cidrBlock,
    reservedMacs: new Set(),
    issues,
  };
  for (const cidr of valid) {
    const { first, last } = usableRange(cidr);
    const gateway = gateways.get(cidr.family) ?? defaultGateway(cidr);
    const reserved = (cidr.family === 4 ? excluded.v4 : excluded.v6).union(
      RangeSet.of(gateway, gateway).clip(first, last),
    );
    const config: FamilyConfig = { family: cidr.family, cidr, first, last, gateway, reserved };
    if (cidr.family === 4) parsed.v4 = config;
    else parsed.v6 = config;
  }

  const macs = new Set<string>();
  for (const item of spec.reservedMacs ?? []) {
    const mac = normalizeMac(item);
    if (mac) macs.add(mac);
    else issues.push({ field: 'reservedMacs', item, kind: 'invalid', message: `${item} is not a valid MAC` });
  }
  parsed.reservedMacs = macs;
  return { ok: true, spec: parsed };
}

/** Same CIDR, gateway and reserved set: the family's pool can be kept as is (released list included). */
export function sameFamilyConfig(a: FamilyConfig | undefined, b: FamilyConfig | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    a.cidr.network === b.cidr.network &&
    a.cidr.prefix === b.cidr.prefix &&
    a.gateway === b.gateway &&
    a.reserved.equals(b.reserved)
  );
}
