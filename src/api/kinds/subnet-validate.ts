/**
 * Subnet validation: Kube-OVN's ValidateSubnet (the object alone; its webhook denies, 403) and the rules that look
 * at other objects (CIDR conflicts within one VPC, name clash with a VPC, namespaces within the VPC's, update and
 * delete guards), each answered as Kube-OVN's webhook answers it, or, for what only its controller refuses (a
 * default-VPC subnet taking a custom VPC's namespace), accepted by the API with a warning and refused by the
 * controller. ADR 2 lists every rule with its source.
 */
import { DEFAULT_VPC, OVN_PROVIDER, isOvnProvider } from '../constants.ts';
import { duplicate, forbidden, invalid, notSupported, required, warning } from '../issues.ts';
import {
  cidrContains,
  cidrsOverlap,
  formatCidr,
  lastAddress,
  parseCidr,
  parseIp,
  type Cidr,
} from '../../net/ip.ts';
import { parseExcludeItem } from '../../net/exclude-ips.ts';
import type { ClusterView, FieldIssue } from '../types.ts';
import { GATEWAY_TYPES, PROTOCOLS, type Subnet } from './subnet-schema.ts';
import { blockCidrs, parseCidrBlock } from '../../net/cidr-block.ts';
import type { Vpc } from './vpc.ts';
import { vpcSubnetNameClash } from './vpc-subnet.ts';
import { subnetOnConnectCidr } from './vpc-peering.ts';

const RESERVED: [string, string][] = [
  ['255.255.255.255/32', 'v4 broadcast'],
  ['224.0.0.0/4', 'v4 multicast'],
  ['127.0.0.1/8', 'v4 loopback'],
  ['0.0.0.0/32', 'v4 unspecified'],
  ['169.254.0.0/16', 'v4 link-local'],
  ['::/128', 'v6 unspecified'],
  ['::1/128', 'v6 loopback'],
  ['ff00::/8', 'v6 multicast'],
  ['fe80::/10', 'v6 link-local'],
];
/** The reserved ranges parsed once (subnet validation runs on every reconcile of a new spec). */
const RESERVED_CIDRS = RESERVED.map(([text, what]) => ({ text, what, cidr: parseCidr(text)! }));

function validateCidrBlock(block: string | undefined, issues: FieldIssue[]): Cidr[] {
  const field = 'spec.cidrBlock';
  if (!block) {
    issues.push(
      required(field, 'a CIDR block is required (e.g. 10.0.1.0/24, or "v4cidr,v6cidr" for dual stack)'),
    );
    return [];
  }
  const cidrs: Cidr[] = [];
  for (const { text: part, cidr } of parseCidrBlock(block).parts) {
    if (part !== part.toLowerCase()) issues.push(invalid(field, block, `${part} must be lower case`));
    else if (!cidr) issues.push(invalid(field, block, `${part} is not a valid CIDR`));
    else if (cidr.prefix === (cidr.family === 4 ? 32 : 128))
      issues.push(invalid(field, block, `invalid network mask ${cidr.prefix}`));
    else if (part.startsWith('0.0.0.0'))
      issues.push(invalid(field, block, `${part} must not start with 0.0.0.0`));
    else {
      const clash = RESERVED_CIDRS.find((r) => cidrsOverlap(cidr, r.cidr));
      if (clash)
        issues.push(invalid(field, block, `${part} conflicts with the ${clash.what} range ${clash.text}`));
      else cidrs.push(cidr);
    }
  }
  if (cidrs.length === 2 && cidrs[0]!.family === cidrs[1]!.family) {
    issues.push(invalid(field, block, 'a dual-stack block needs one IPv4 and one IPv6 CIDR'));
  }
  if (cidrs.length > 2) issues.push(invalid(field, block, 'at most one IPv4 and one IPv6 CIDR'));
  return cidrs;
}

function validateGateway(gateway: string | undefined, cidrs: readonly Cidr[], issues: FieldIssue[]): void {
  if (!gateway) return;
  const field = 'spec.gateway';
  for (const part of gateway.split(',').map((p) => p.trim())) {
    const ip = parseIp(part);
    if (!ip) {
      issues.push(
        invalid(
          field,
          gateway,
          `${part} is not a valid IP address${part !== part.toLowerCase() ? ' (must be lower case)' : ''}`,
        ),
      );
      continue;
    }
    const cidr = cidrs.find((c) => c.family === ip.family);
    if (!cidr) continue;
    if (!cidrContains(cidr, ip))
      issues.push(invalid(field, gateway, `gateway ${part} is not in cidr ${formatCidr(cidr)}`));
    else if (cidr.prefix < (ip.family === 4 ? 31 : 127)) {
      if (ip.value === cidr.network)
        issues.push(invalid(field, gateway, `gateway ${part} is the network address of ${formatCidr(cidr)}`));
      if (ip.family === 4 && ip.value === lastAddress(cidr)) {
        issues.push(
          invalid(field, gateway, `gateway ${part} is the broadcast address of ${formatCidr(cidr)}`),
        );
      }
    }
  }
}

/** The rules that need nothing but the object (Kube-OVN's ValidateSubnet). */
export function validateSubnetSpec(subnet: Subnet): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const spec = subnet.spec ?? {};
  const name = subnet.metadata.name ?? '';
  if (spec.protocol && !(PROTOCOLS as readonly string[]).includes(spec.protocol)) {
    issues.push(notSupported('spec.protocol', spec.protocol, PROTOCOLS));
  }
  const cidrs = spec.protocol === 'Mac' && !spec.cidrBlock ? [] : validateCidrBlock(spec.cidrBlock, issues);
  validateGateway(spec.gateway, cidrs, issues);
  (spec.excludeIps ?? []).forEach((item, i) => {
    const parsed = parseExcludeItem(item);
    if (!parsed.ok) issues.push(invalid(`spec.excludeIps[${i}]`, item, parsed.reason));
  });
  (spec.allowSubnets ?? []).forEach((item, i) => {
    if (!parseCidr(item)) issues.push(invalid(`spec.allowSubnets[${i}]`, item, 'not a valid CIDR'));
  });
  (spec.vips ?? []).forEach((item, i) => {
    const ip = parseIp(item);
    if (!ip) issues.push(invalid(`spec.vips[${i}]`, item, 'not a valid IP address'));
    else if (cidrs.length && !cidrs.some((c) => cidrContains(c, ip))) {
      issues.push(invalid(`spec.vips[${i}]`, item, `not in cidr ${spec.cidrBlock}`));
    }
  });
  if (spec.gatewayType && !(GATEWAY_TYPES as readonly string[]).includes(spec.gatewayType)) {
    issues.push(notSupported('spec.gatewayType', spec.gatewayType, GATEWAY_TYPES));
  }
  if (spec.mtu !== undefined && spec.mtu > 0 && spec.mtu < 1280 && cidrs.some((c) => c.family === 6)) {
    issues.push(invalid('spec.mtu', spec.mtu, 'below the IPv6 minimum MTU 1280'));
  }
  if (spec.vpc && spec.vpc === name) {
    issues.push(
      invalid('spec.vpc', spec.vpc, `subnet ${name} and vpc ${spec.vpc} cannot have the same name`),
    );
  }
  if (spec.provider && spec.provider !== OVN_PROVIDER && !spec.provider.includes('.')) {
    issues.push(
      warning(
        'spec.provider',
        `${JSON.stringify(spec.provider)} is none of "ovn", "<nad>.<namespace>.ovn" and "<nad>.<namespace>": no network attachment names this provider, so no pod interface takes an address from this subnet`,
      ),
    );
  }
  if (spec.natOutgoing && spec.externalEgressGateway) {
    issues.push(
      invalid(
        'spec.externalEgressGateway',
        spec.externalEgressGateway,
        'natOutgoing and externalEgressGateway are mutually exclusive',
      ),
    );
  }
  if (spec.logicalGateway && spec.u2oInterconnection) {
    issues.push(
      invalid(
        'spec.u2oInterconnection',
        true,
        'logicalGateway and u2oInterconnection are mutually exclusive',
      ),
    );
  }
  if (spec.u2oInterconnectionIP) {
    const ip = parseIp(spec.u2oInterconnectionIP);
    const gateways = (spec.gateway ?? '').split(',');
    if (!ip || !cidrs.some((c) => cidrContains(c, ip)) || gateways.includes(spec.u2oInterconnectionIP)) {
      issues.push(
        invalid(
          'spec.u2oInterconnectionIP',
          spec.u2oInterconnectionIP,
          `must be an address in ${spec.cidrBlock} other than the gateway`,
        ),
      );
    }
  }
  return issues;
}

const usingIps = (subnet: Subnet | undefined): number =>
  (subnet?.status?.v4usingIPs ?? 0) + (subnet?.status?.v6usingIPs ?? 0);

/** Subnets of the same VPC and VLAN whose CIDRs overlap this one's (a 422 Duplicate; Kube-OVN's webhook says 409). */
function cidrConflicts(subnet: Subnet, view: ClusterView): FieldIssue[] {
  const cidrs = blockCidrs(subnet.spec?.cidrBlock) ?? [];
  const vpc = subnet.spec?.vpc ?? '';
  const vlan = subnet.spec?.vlan ?? '';
  const issues: FieldIssue[] = [];
  if (!isOvnProvider(subnet.spec?.provider)) return issues;
  for (const other of view.list('Subnet') as Subnet[]) {
    if (other.metadata.name === subnet.metadata.name || other.metadata.deletionTimestamp) continue;
    if (!isOvnProvider(other.spec?.provider)) continue;
    if ((other.spec?.vpc || DEFAULT_VPC) !== (vpc || DEFAULT_VPC) || (other.spec?.vlan ?? '') !== vlan)
      continue;
    const theirs = blockCidrs(other.spec?.cidrBlock) ?? [];
    if (cidrs.some((a) => theirs.some((b) => cidrsOverlap(a, b)))) {
      issues.push(
        duplicate(
          'spec.cidrBlock',
          subnet.spec?.cidrBlock,
          `overlaps subnet ${other.metadata.name ?? ''} (${other.spec?.cidrBlock ?? ''}) in vpc ${vpc || DEFAULT_VPC}`,
        ),
      );
    }
  }
  return issues;
}

/** Namespaces of the subnet must lie within its custom VPC's; default-VPC subnets must not take a custom VPC's. */
function namespaceRules(subnet: Subnet, view: ClusterView): FieldIssue[] {
  const namespaces = subnet.spec?.namespaces ?? [];
  const vpcName = subnet.spec?.vpc || DEFAULT_VPC;
  const issues: FieldIssue[] = [];
  if (!namespaces.length) return issues;
  if (vpcName !== DEFAULT_VPC) {
    const vpc = view.get('Vpc', vpcName) as Vpc | undefined;
    if (!vpc) return issues;
    const allowed = new Set(vpc.spec?.namespaces ?? []);
    namespaces.forEach((ns, i) => {
      if (!allowed.has(ns)) {
        issues.push(
          invalid(
            `spec.namespaces[${i}]`,
            ns,
            `namespace ${ns} is not in the namespaces of vpc ${vpcName} (spec.namespaces: [${[...allowed].join(', ')}])`,
          ),
        );
      }
    });
    return issues;
  }
  // Kube-OVN's controller (validateVpcBySubnet), not its webhook, refuses this one: accepted with a warning here.
  for (const vpc of view.list('Vpc') as Vpc[]) {
    if (vpc.metadata.name === DEFAULT_VPC) continue;
    const taken = new Set(vpc.spec?.namespaces ?? []);
    namespaces.forEach((ns, i) => {
      if (taken.has(ns))
        issues.push(
          warning(
            `spec.namespaces[${i}]`,
            `namespace ${ns} belongs to custom vpc ${vpc.metadata.name ?? ''}: the controller does not program this subnet (as Kube-OVN's)`,
            'controller',
          ),
        );
    });
  }
  return issues;
}

export function validateSubnetAgainstCluster(
  operation: 'CREATE' | 'UPDATE',
  subnet: Subnet,
  old: Subnet | undefined,
  view: ClusterView,
): FieldIssue[] {
  const name = subnet.metadata.name ?? '';
  const issues: FieldIssue[] = [];
  if (operation === 'CREATE') issues.push(...vpcSubnetNameClash(view, 'Vpc', name));
  issues.push(
    ...namespaceRules(subnet, view),
    ...cidrConflicts(subnet, view),
    ...subnetOnConnectCidr(subnet, view),
  );
  if (operation === 'UPDATE' && old) {
    const inUse = usingIps(old);
    const before = old.spec?.vpc ?? '';
    const after = subnet.spec?.vpc ?? '';
    if (before !== after && !(before === '' && after === DEFAULT_VPC)) {
      issues.push(
        forbidden(
          'spec.vpc',
          `vpc can only be changed from empty to ${DEFAULT_VPC} (was ${JSON.stringify(before)})`,
        ),
      );
    }
    if (inUse > 0 && (old.spec?.gateway ?? '') !== (subnet.spec?.gateway ?? '')) {
      issues.push(
        forbidden('spec.gateway', `can't update gateway of cidr when any IPs in Using (${inUse} IPs in use)`),
      );
    }
    if (inUse > 0 && !keepsAddresses(old.spec?.cidrBlock, subnet.spec?.cidrBlock)) {
      issues.push(
        forbidden(
          'spec.cidrBlock',
          `can't shrink or move the CIDR while ${inUse} IPs are in use (pods would keep addresses outside it); only a block containing ${old.spec?.cidrBlock ?? ''} is accepted`,
        ),
      );
    }
  }
  return issues;
}

/** Does the block `after` contain every CIDR of `before` (same family)? Growing a subnet keeps its addresses valid. */
function keepsAddresses(before: string | undefined, after: string | undefined): boolean {
  if ((before ?? '') === (after ?? '')) return true;
  const olds = blockCidrs(before) ?? [];
  const news = blockCidrs(after) ?? [];
  return olds.every((o) =>
    news.some(
      (n) =>
        n.family === o.family &&
        n.prefix <= o.prefix &&
        cidrContains(n, { family: o.family, value: o.network }),
    ),
  );
}

export function validateSubnetDelete(subnet: Subnet, view: ClusterView): FieldIssue[] {
  const name = subnet.metadata.name ?? '';
  const ips = view.list('IP').filter((ip) => (ip.spec as { subnet?: string } | undefined)?.subnet === name);
  const inUse = Math.max(usingIps(subnet), ips.length);
  if (inUse > 0) {
    const who = ips.slice(0, 3).map((ip) => ip.metadata.name ?? '');
    const detail = who.length ? `, e.g. ${who.join(', ')}` : '';
    return [
      forbidden(
        'metadata.name',
        `can't delete subnet when any IPs in Using (subnet ${name}: ${inUse} IPs in use${detail})`,
      ),
    ];
  }
  return [];
}
