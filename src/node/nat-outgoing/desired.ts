/**
 * What a node namespace needs for Subnet `natOutgoing` (Kube-OVN's pkg/daemon/gateway.go and gateway_linux.go,
 * kube-ovn-cni's gateway), per IP family, as values. Pure.
 * - ipset `ovn40subnets` (`ovn60subnets`): the CIDRs of the default VPC's subnets, `join` included (Kube-OVN's
 *   getDefaultVpcSubnetsCIDR), so traffic between them is never SNATed;
 * - ipset `ovn40subnets-nat` (`ovn60subnets-nat`): the CIDRs of those with `natOutgoing: true` (isSubnetNeedNat);
 * - nat chain `OVN-POSTROUTING` (from `POSTROUTING`, comment `kube-ovn postrouting rules`): a TCP packet without SYN
 *   in conntrack state NEW is not NATed (a reply in direct routing), then from `ovn40subnets-nat` to a destination
 *   outside `ovn40subnets` -> `OVN-MASQUERADE`, which clears the mark and MASQUERADEs: the packet leaves with the
 *   address of the node's interface it leaves by.
 * Only default-VPC subnets of an OVN provider count: natOutgoing does nothing in a custom VPC, as in Kube-OVN (whose
 * check is `spec.vpc == ClusterRouter`); those VPCs use NAT gateways. A Subnet being deleted counts for neither set.
 * A family with no natOutgoing subnet needs nothing: its chains and sets are removed. Kube-OVN's other rules in these
 * chains (service marks 0x4000, NodePort 0x80000, natOutgoingPolicyRules, centralized gateways) and its sets for them
 * (`ovn40services`, `ovn40subnets-distributed-gw`, `ovn40other-node`, `ovn40local-pod-ip-nat`, `ovn40subnets-nat-policy`)
 * belong to features kovn does not have, so they are not made.
 */
import { DEFAULT_VPC, isOvnProvider } from '../../api/constants.ts';
import { parseCidrBlock } from '../../net/cidr-block.ts';
import type { IpFamily, OwnedChains } from '../iptables.ts';
import type { IpSet } from '../ipset.ts';

export const POSTROUTING_CHAIN = 'OVN-POSTROUTING';
export const MASQUERADE_CHAIN = 'OVN-MASQUERADE';
export const FAMILIES: readonly IpFamily[] = [4, 6];

/** The chains we own in each family's nat table and the jump into them. */
export const natChains = (family: IpFamily): OwnedChains => ({
  family,
  table: 'nat',
  chains: [POSTROUTING_CHAIN, MASQUERADE_CHAIN],
  jumps: [
    {
      chain: 'POSTROUTING',
      rule: ['-m', 'comment', '--comment', 'kube-ovn postrouting rules', '-j', POSTROUTING_CHAIN],
    },
  ],
});

/** Kube-OVN's set names: `ovn` + family (4, 6) + `0` (`1` for the twin swapped in on a change) + the set. */
export const setName = (family: IpFamily, set: 'subnets' | 'subnets-nat', twin = false): string =>
  `ovn${family}${twin ? 1 : 0}${set}`;

/** Every set name (and twin) this module may make, for removal. */
export const allSetNames = (family: IpFamily): string[] =>
  (['subnets-nat', 'subnets'] as const).flatMap((s) => [setName(family, s), setName(family, s, true)]);

export interface SubnetLike {
  metadata: { name?: string; deletionTimestamp?: string };
  spec?: { cidrBlock?: string; vpc?: string; provider?: string; natOutgoing?: boolean };
}

export interface FamilyState {
  family: IpFamily;
  sets: IpSet[];
  /** The iptables-restore document for the nat table (our two chains). */
  document: string;
}

/** Per family: the state to apply, or undefined when no natOutgoing subnet has a CIDR of that family. */
export type NatOutgoingState = Record<IpFamily, FamilyState | undefined>;

function cidrsOf(subnet: SubnetLike, family: IpFamily): string[] {
  return parseCidrBlock(subnet.spec?.cidrBlock)
    .parts.filter((p) => p.cidr?.family === family)
    .map((p) => p.text);
}

const inDefaultVpc = (s: SubnetLike): boolean =>
  !s.metadata.deletionTimestamp &&
  (s.spec?.vpc || DEFAULT_VPC) === DEFAULT_VPC &&
  isOvnProvider(s.spec?.provider);

const sorted = (values: string[]): string[] => [...new Set(values)].sort();

/** The nat table document for one family's chains. */
export function renderNat(family: IpFamily): string {
  const nat = setName(family, 'subnets-nat');
  const all = setName(family, 'subnets');
  return [
    '*nat',
    `:${POSTROUTING_CHAIN} - [0:0]`,
    `:${MASQUERADE_CHAIN} - [0:0]`,
    `-A ${POSTROUTING_CHAIN} -p tcp -m tcp --tcp-flags SYN NONE -m conntrack --ctstate NEW -j RETURN`,
    `-A ${POSTROUTING_CHAIN} -m set --match-set ${nat} src -m set ! --match-set ${all} dst -j ${MASQUERADE_CHAIN}`,
    `-A ${MASQUERADE_CHAIN} -j MARK --set-xmark 0x0/0xffffffff`,
    `-A ${MASQUERADE_CHAIN} -j MASQUERADE`,
    'COMMIT',
    '',
  ].join('\n');
}

export function desiredNatOutgoing(subnets: readonly SubnetLike[]): NatOutgoingState {
  const ours = subnets.filter(inDefaultVpc);
  const family = (f: IpFamily): FamilyState | undefined => {
    const nat = sorted(ours.filter((s) => s.spec?.natOutgoing === true).flatMap((s) => cidrsOf(s, f)));
    if (!nat.length) return undefined;
    const set = (which: 'subnets' | 'subnets-nat', members: string[]): IpSet => ({
      name: setName(f, which),
      temp: setName(f, which, true),
      type: 'hash:net',
      family: f,
      members,
    });
    return {
      family: f,
      sets: [set('subnets', sorted(ours.flatMap((s) => cidrsOf(s, f)))), set('subnets-nat', nat)],
      document: renderNat(f),
    };
  };
  return { 4: family(4), 6: family(6) };
}
