/**
 * The gateway's NAT rules as values, whichever backend writes them (iptables-rules.ts, nft-rules.ts): the kinds, the
 * rule identity the report is keyed by, the order rules are written in, and the DNAT/FIP translations a rule set
 * holds (to know which EIPs' connections must be forgotten when a translation went away). Kube-OVN's chain layout
 * (the `init` of its dist/images/vpcnatgateway/nat-gateway.sh) is kept by both backends: DNAT_FILTER ->
 * EXCLUSIVE_DNAT (floating IPs) then SHARED_DNAT (port DNAT); SNAT_FILTER -> EXCLUSIVE_SNAT (floating IPs),
 * SHARED_SNAT (longest prefix first), HAIRPIN_SNAT (per EIP: traffic that came in from the VPC and was DNATed back
 * into it leaves with the EIP as source, so replies return through the gateway); VPC_MARK marks what enters from
 * the VPC. A rule is of one address family, that of its addresses; each backend writes the IPv4 and the IPv6 rules
 * in the same layout, in its IPv4 and IPv6 tables. Pure.
 */

export type RuleKind = 'eip' | 'dnat' | 'snat' | 'fip';
/** `<kind>/<CR name>`, the key of the applied-rules report. */
export type RuleId = `${RuleKind}/${string}`;

/**
 * `dev`: the external NIC the rule is about (the EIP's). An EIP's address is held there; a SNAT leaves through it
 * (absent: `RenderOptions.extIf`); a floating IP's source translation is bound to it only when the gateway has
 * several external NICs (with one, the rule is Kube-OVN's, without `-o`).
 */
export type NatRule =
  | { kind: 'eip'; name: string; eip: string; prefix: number; dev?: string }
  | { kind: 'fip'; name: string; eip: string; internalIp: string; dev?: string }
  | {
      kind: 'dnat';
      name: string;
      eip: string;
      protocol: string;
      externalPort: number;
      internalIp: string;
      internalPort: number;
    }
  | { kind: 'snat'; name: string; eip: string; cidr: string; prefix: number; dev?: string };

export const ruleId = (r: NatRule): RuleId => `${r.kind}/${r.name}`;

/** A rule's address family: that of its EIP address (a rule translates within one family). */
export const ruleFamily = (r: NatRule): 4 | 6 => (r.eip.includes(':') ? 6 : 4);

/** The rules of one family. */
export const ofFamily = (rules: readonly NatRule[], family: 4 | 6): NatRule[] =>
  rules.filter((r) => ruleFamily(r) === family);

export interface RenderOptions {
  vpcIf: string;
  /** The first external NIC: where a SNAT without its own `dev` leaves. */
  extIf: string;
}

/** The chains of the layout, in the order they are written (the names Kube-OVN users know). */
export const NAT_CHAINS = [
  'DNAT_FILTER',
  'EXCLUSIVE_DNAT',
  'SHARED_DNAT',
  'SNAT_FILTER',
  'EXCLUSIVE_SNAT',
  'SHARED_SNAT',
  'HAIRPIN_SNAT',
] as const;
export const MARK_CHAIN = 'VPC_MARK';

/**
 * The order rules are written in: SNAT by descending prefix length, and, within a length, in the order given (the
 * oldest first, as desired-nat.ts places them: Kube-OVN's `add_snat` inserts a rule after every rule as long or
 * longer, so between two SNATs of one CIDR on different EIPs the older one matches); everything else by name.
 */
export function ordered(rules: readonly NatRule[]): NatRule[] {
  const byName = (a: NatRule, b: NatRule): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const snats = rules.filter((r): r is Extract<NatRule, { kind: 'snat' }> => r.kind === 'snat');
  const others = rules.filter((r) => r.kind !== 'snat').sort(byName);
  // A stable sort: equal prefixes keep their places.
  return [...others, ...snats.sort((a, b) => b.prefix - a.prefix)];
}

/** The rules to write, in order: those in `include` (default all). */
export const selected = (rules: readonly NatRule[], include?: ReadonlySet<RuleId>): NatRule[] =>
  ordered(rules).filter((r) => !include || include.has(ruleId(r)));

/**
 * One DNAT or FIP translation, the same whichever backend holds it: `key` is `<eip> <protocol|*> <port|*> <target>`
 * (a rule the parser of a backend cannot read keeps its own text as key, so it always counts as gone).
 */
export interface DnatEntry {
  eip: string;
  key: string;
}

export const dnatKey = (eip: string, protocol: string | undefined, port: string | undefined, to: string) =>
  `${eip} ${protocol ?? '*'} ${port ?? '*'} ${to}`;

/** `ip:port`, an IPv6 address in brackets (`[fd00::5]:80`), as both backends print a translation's target. */
export const hostPort = (ip: string, port: number): string =>
  ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;

/** The translations a wanted rule set holds. */
export function wantedDnats(rules: readonly NatRule[], include?: ReadonlySet<RuleId>): DnatEntry[] {
  return selected(rules, include).flatMap((r): DnatEntry[] => {
    if (r.kind === 'fip') return [{ eip: r.eip, key: dnatKey(r.eip, undefined, undefined, r.internalIp) }];
    if (r.kind !== 'dnat') return [];
    const to = hostPort(r.internalIp, r.internalPort);
    return [{ eip: r.eip, key: dnatKey(r.eip, r.protocol, String(r.externalPort), to) }];
  });
}

/** EIPs with a translation in the kernel (`had`) that the wanted set no longer has exactly. Sorted. */
export function removedDnatTargets(had: readonly DnatEntry[], wanted: readonly DnatEntry[]): string[] {
  const keep = new Set(wanted.map((e) => e.key));
  return [...new Set(had.filter((e) => !keep.has(e.key)).map((e) => e.eip))].sort();
}
