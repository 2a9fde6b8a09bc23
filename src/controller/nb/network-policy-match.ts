/**
 * The OVN match pieces of a NetworkPolicy rule, as Kube-OVN writes them (pkg/ovs newNetworkPolicyACLMatch and
 * newIPBlockACLMatch): the direction's port-group term (`outport == @pg` for ingress, `inport == @pg` for egress) and
 * `ip`; a peer term on the remote address (`ip4.src` for ingress, `ip4.dst` for egress) that is an address set
 * (`== $name`) or an ipBlock inline (`== 10.0.0.0/8 && ip4.src != {10.1.0.0/16}`: each block's `except` stays its
 * own); and a port term per `ports` entry: the protocol alone (no port), `tcp.dst == 80`, a range
 * `80 <= tcp.dst <= 90` (`endPort`), or a named port resolved to the numbers it has on the pods concerned
 * (`tcp.dst == {8080, 9090}`; a name no such pod has gives no term: that entry allows nothing). Pure.
 */
import type { IpBlock, NetworkPolicyPort, PolicyType } from '../../api/kinds/network-policy.ts';
import { formatCidr, parseCidr, type Family } from '../../net/ip.ts';

export const ipOf = (family: Family): string => (family === 4 ? 'ip4' : 'ip6');

/** The port-group term of a direction: packets leaving the switch to (ingress) or entering from (egress) the pods. */
export const portGroupTerm = (type: PolicyType, portGroup: string): string =>
  `${type === 'Ingress' ? 'outport' : 'inport'} == @${portGroup}`;

/** The remote end's address field: the source of ingress, the destination of egress. */
export const remoteField = (type: PolicyType, family: Family): string =>
  `${ipOf(family)}.${type === 'Ingress' ? 'src' : 'dst'}`;

/** An ipBlock of `family` as a match term, or undefined for a block of the other family. */
export function ipBlockTerm(block: IpBlock, field: string, family: Family): string | undefined {
  const cidr = parseCidr(block.cidr);
  if (!cidr || cidr.family !== family) return undefined;
  const except = (block.except ?? [])
    .map((text) => parseCidr(text))
    .filter((c) => c !== undefined && c.family === family)
    .map((c) => formatCidr(c!));
  const base = `${field} == ${formatCidr(cidr)}`;
  return except.length ? `${base} && ${field} != {${except.join(', ')}}` : base;
}

/**
 * The port terms of a rule: `['']` (any traffic) without `ports`; else one per entry that can match anything.
 * `named(name, protocol)` gives a named port's numbers on the pods the rule is about.
 */
export function portTerms(
  ports: readonly NetworkPolicyPort[] | undefined,
  named: (name: string, protocol: NonNullable<NetworkPolicyPort['protocol']>) => number[],
): string[] {
  if (!ports?.length) return [''];
  return ports.flatMap((port): string[] => {
    const protocol = port.protocol ?? 'TCP';
    const p = protocol.toLowerCase();
    if (port.port === undefined || port.port === null) return [p];
    if (typeof port.port === 'number') {
      if (port.endPort !== undefined && port.endPort > port.port)
        return [`${port.port} <= ${p}.dst <= ${port.endPort}`];
      return [`${p}.dst == ${port.port}`];
    }
    const numbers = named(port.port, protocol);
    if (!numbers.length) return [];
    return [numbers.length === 1 ? `${p}.dst == ${numbers[0]}` : `${p}.dst == {${numbers.join(', ')}}`];
  });
}

/** Terms joined with `&&`, empty ones left out. */
export const allOf = (...terms: readonly string[]): string => terms.filter(Boolean).join(' && ');
