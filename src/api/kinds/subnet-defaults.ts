/**
 * What Kube-OVN writes back into a Subnet spec (formatSubnet): CIDRs normalised to their network address,
 * protocol derived from the CIDRs, gateway = first usable address per family (a missing family appended),
 * the gateways merged into excludeIps, provider `ovn`, vpc `ovn-cluster` for OVN subnets, and the
 * default-VPC-only fields (`default`, `gatewayType`).
 */
import { DEFAULT_SUBNET, DEFAULT_VPC, isOvnProvider, JOIN_SUBNET, OVN_PROVIDER } from '../constants.ts';
import { clone } from '../kind.ts';
import { defaultGateway, formatCidr, formatIp, parseIp, type Cidr, type Family } from '../../net/ip.ts';
import { parseCidrBlock } from '../../net/cidr-block.ts';
import { normalizeExcludeIps, parseExcludeItem } from '../../net/exclude-ips.ts';
import { PROTOCOLS, type Subnet } from './subnet-schema.ts';

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

  const block = parseCidrBlock(spec.cidrBlock);
  if (!block.errors.length) {
    const cidrs = block.cidrs;
    spec.cidrBlock = cidrs.map(formatCidr).join(',');
    if (!spec.protocol || (PROTOCOLS as readonly string[]).includes(spec.protocol))
      spec.protocol = block.protocol;
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
