/**
 * What Kube-OVN writes back into a Subnet spec (formatSubnet): CIDRs normalised to their network address,
 * protocol derived from the CIDRs, gateway = first usable address per family (a missing family appended),
 * the gateways merged into excludeIps, provider `ovn`, vpc `ovn-cluster` for OVN subnets, and the
 * default-VPC-only fields (`default`, `gatewayType`).
 */
import { DEFAULT_SUBNET, DEFAULT_VPC, JOIN_SUBNET, OVN_PROVIDER, isOvnProvider } from '../constants.ts';
import { clone } from '../kind.ts';
import {
  defaultGateway,
  formatCidr,
  formatIp,
  parseCidr,
  parseIp,
  type Cidr,
  type Family,
} from '../../net/ip.ts';
import { normalizeExcludeIps, parseExcludeItem } from '../../net/exclude-ips.ts';
import { PROTOCOLS, type Subnet } from './subnet-schema.ts';

/** Splits a cidrBlock into parsed CIDRs; undefined if any part does not parse (validation reports it). */
export function parseCidrBlock(block: string | undefined): Cidr[] | undefined {
  if (!block) return undefined;
  const parts = block.split(',').map((p) => p.trim());
  const cidrs = parts.map(parseCidr);
  return cidrs.every((c): c is Cidr => c !== undefined) ? cidrs : undefined;
}

export function protocolOf(cidrs: readonly Cidr[]): 'IPv4' | 'IPv6' | 'Dual' {
  const families = new Set(cidrs.map((c) => c.family));
  if (families.size > 1) return 'Dual';
  return families.has(6) ? 'IPv6' : 'IPv4';
}

/** Gateways per family: the given ones where they parse, the first usable address for the missing families. */
export function gatewaysFor(
  cidrs: readonly Cidr[],
  gateway: string | undefined,
): { family: Family; value: bigint }[] {
  const given = (gateway ?? '')
    .split(',')
    .map((g) => parseIp(g.trim()))
    .filter((g) => g !== undefined);
  return cidrs.map(
    (cidr) =>
      given.find((g) => g.family === cidr.family) ?? { family: cidr.family, value: defaultGateway(cidr) },
  );
}

export function defaultSubnet(subnet: Subnet): Subnet {
  const out = clone(subnet);
  const spec = (out.spec ??= {});
  const name = out.metadata.name ?? '';
  spec.provider ||= OVN_PROVIDER;
  if (!spec.vpc && isOvnProvider(spec.provider)) spec.vpc = DEFAULT_VPC;

  const cidrs = parseCidrBlock(spec.cidrBlock);
  if (cidrs && new Set(cidrs.map((c) => c.family)).size === cidrs.length) {
    spec.cidrBlock = cidrs.map(formatCidr).join(',');
    if (!spec.protocol || (PROTOCOLS as readonly string[]).includes(spec.protocol))
      spec.protocol = protocolOf(cidrs);
    const gatewayText = spec.gateway ?? '';
    const gatewaysValid = gatewayText.split(',').every((g) => !g.trim() || parseIp(g.trim()));
    // Invalid input is left as written, so validation reports it at the user's own field index.
    const excludesValid = (spec.excludeIps ?? []).every((item) => parseExcludeItem(item).ok);
    if (gatewaysValid && excludesValid) {
      const gateways = gatewaysFor(cidrs, spec.gateway);
      spec.gateway = gateways.map((g) => formatIp(g.family, g.value)).join(',');
      spec.excludeIps = normalizeExcludeIps(spec.excludeIps ?? [], gateways);
    }
  }
  if (spec.vpc === DEFAULT_VPC && isOvnProvider(spec.provider)) {
    spec.gatewayType ||= 'distributed';
    if (name !== DEFAULT_SUBNET && spec.default) spec.default = false;
  }
  if (spec.enableLb === undefined && isOvnProvider(spec.provider) && name !== JOIN_SUBNET)
    spec.enableLb = true;
  return out;
}
