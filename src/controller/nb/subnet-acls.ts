/**
 * The ACLs a Subnet asks for on its Logical_Switch, as Kube-OVN writes them (pkg/ovs/ovn-nb-acl.go
 * SetLogicalSwitchPrivate and UpdateLogicalSwitchACL, called from pkg/controller/subnet.go). `private: true` gives,
 * per CIDR of the block and all `to-lport` (towards the switch's ports, the router port included):
 * - allow-related from the node (join) network of the family, priority 3000 (`ip4.src == 100.64.0.0/16`), so the
 *   nodes' kubelet probes and node traffic still reach the pods;
 * - allow-related within the subnet, priority 1001 (`ip4.src == C && ip4.dst == C`);
 * - allow-related between the subnet and each `allowSubnets` CIDR of the family, priority 1001, both ways
 *   (`(ip4.src == C && ip4.dst == A) || (ip4.src == A && ip4.dst == C)`);
 * - drop every other IP packet, priority 1000 (`ip`), named after the subnet and logged, as Kube-OVN does.
 * Then each `spec.acls` entry as written (Kube-OVN's NetpolACLTier has no column in this OVN schema), tagged
 * `subnet=<name>`. Every entry carries the Subnet field it came from, so `kovn trace` can name it. CIDRs are written
 * in canonical form (host bits cleared; OVN refuses a prefix with host bits). Pure.
 */
import { isAclAction, isAclDirection } from '../../api/kinds/subnet-acls.ts';
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import { blockCidrs } from '../../net/cidr-block.ts';
import { formatCidr, parseCidr, type Cidr } from '../../net/ip.ts';
import { desiredAcls, type AclEntry } from './acl.ts';
import type { DesiredRow } from './model.ts';
import { subnetOwner } from './owner.ts';

/** Kube-OVN's NodeAllowPriority, SubnetAllowPriority and DefaultDropPriority (pkg/util/const.go). */
export const NODE_ALLOW_PRIORITY = 3000;
export const SUBNET_ALLOW_PRIORITY = 1001;
export const DEFAULT_DROP_PRIORITY = 1000;

/** An ACL entry and the Subnet field that asked for it (`spec.private`, `spec.allowSubnets[1]`, `spec.acls[0]`). */
export interface SubnetAcl extends AclEntry {
  field: string;
}

const familyCidrs = (texts: readonly string[], family: 4 | 6): { i: number; cidr: string }[] =>
  texts.flatMap((text, i) => {
    const cidr = parseCidr(text.trim());
    return cidr && cidr.family === family ? [{ i, cidr: formatCidr(cidr) }] : [];
  });

const splitList = (text: string): string[] =>
  text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);

function privateAcls(cidr: Cidr, nodeSwitchCidr: string, allowSubnets: readonly string[]) {
  const ip = cidr.family === 4 ? 'ip4' : 'ip6';
  const own = formatCidr(cidr);
  const acls: SubnetAcl[] = [];
  const to = (priority: number, match: string, field: string): SubnetAcl => ({
    direction: 'to-lport',
    priority,
    match,
    action: 'allow-related',
    field,
  });
  for (const node of familyCidrs(splitList(nodeSwitchCidr), cidr.family)) {
    acls.push(to(NODE_ALLOW_PRIORITY, `${ip}.src == ${node.cidr}`, 'spec.private'));
  }
  acls.push(to(SUBNET_ALLOW_PRIORITY, `${ip}.src == ${own} && ${ip}.dst == ${own}`, 'spec.private'));
  for (const { i, cidr: allowed } of familyCidrs(allowSubnets, cidr.family)) {
    const match = `(${ip}.src == ${own} && ${ip}.dst == ${allowed}) || (${ip}.src == ${allowed} && ${ip}.dst == ${own})`;
    acls.push(to(SUBNET_ALLOW_PRIORITY, match, `spec.allowSubnets[${i}]`));
  }
  return acls;
}

/** What the Subnet's `private`, `allowSubnets` and `acls` ask for; `nodeSwitchCidr` is the join subnet's block. */
export function subnetAclEntries(subnet: Subnet, nodeSwitchCidr: string): SubnetAcl[] {
  const name = subnet.metadata.name ?? '';
  const spec = subnet.spec ?? {};
  const acls: SubnetAcl[] = [];
  if (spec.private) {
    acls.push({
      direction: 'to-lport',
      priority: DEFAULT_DROP_PRIORITY,
      match: 'ip',
      action: 'drop',
      name,
      log: true,
      field: 'spec.private',
    });
    for (const cidr of blockCidrs(spec.cidrBlock) ?? []) {
      acls.push(...privateAcls(cidr, nodeSwitchCidr, spec.allowSubnets ?? []));
    }
  }
  (spec.acls ?? []).forEach((acl, i) => {
    // admission refuses the others (api/kinds/subnet-acls.ts); a stored one that slipped past is left out
    if (!isAclDirection(acl.direction) || !isAclAction(acl.action) || !acl.match) return;
    acls.push({
      direction: acl.direction,
      priority: acl.priority ?? 0,
      match: acl.match,
      action: acl.action,
      tags: { subnet: name },
      field: `spec.acls[${i}]`,
    });
  });
  return acls;
}

/** The Subnet's ACL rows on its switch, owned by the Subnet. */
export function desiredSubnetAcls(subnet: Subnet, nodeSwitchCidr: string): DesiredRow[] {
  const name = subnet.metadata.name ?? '';
  const entries = subnetAclEntries(subnet, nodeSwitchCidr).map(({ field: _field, ...entry }) => entry);
  return desiredAcls(subnetOwner(name), { table: 'Logical_Switch', name }, entries);
}
