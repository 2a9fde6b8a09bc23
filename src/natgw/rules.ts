/**
 * The gateway's NAT rules as values and their rendering into ONE `iptables-restore` document in Kube-OVN's chain
 * layout (the `init` of its dist/images/vpcnatgateway/nat-gateway.sh): nat PREROUTING -> DNAT_FILTER ->
 * EXCLUSIVE_DNAT (floating IPs) then SHARED_DNAT (port DNAT); nat POSTROUTING -> SNAT_FILTER -> EXCLUSIVE_SNAT
 * (floating IPs), SHARED_SNAT (longest prefix first), HAIRPIN_SNAT (per EIP: traffic that came in from the VPC and
 * was DNATed back into it leaves with the EIP as source, so replies return through the gateway); mangle PREROUTING
 * -> VPC_MARK marks what enters from the VPC. The document replaces the whole nat and mangle tables of the gateway's
 * namespace (which is the gateway's alone), so applying it is atomic and applying it twice changes nothing.
 * `include` renders only some rules, so a candidate set can be tested rule by rule (apply.ts). Pure.
 */

export type RuleKind = 'eip' | 'dnat' | 'snat' | 'fip';
/** `<kind>/<CR name>`, the key of the applied-rules report. */
export type RuleId = `${RuleKind}/${string}`;

export type NatRule =
  | { kind: 'eip'; name: string; eip: string; prefix: number }
  | { kind: 'fip'; name: string; eip: string; internalIp: string }
  | {
      kind: 'dnat';
      name: string;
      eip: string;
      protocol: string;
      externalPort: number;
      internalIp: string;
      internalPort: number;
    }
  | { kind: 'snat'; name: string; eip: string; cidr: string; prefix: number };

export const ruleId = (r: NatRule): RuleId => `${r.kind}/${r.name}`;

export interface RenderOptions {
  vpcIf: string;
  extIf: string;
}

const CHAINS = {
  nat: [
    'DNAT_FILTER',
    'EXCLUSIVE_DNAT',
    'SHARED_DNAT',
    'SNAT_FILTER',
    'EXCLUSIVE_SNAT',
    'SHARED_SNAT',
    'HAIRPIN_SNAT',
  ],
  mangle: ['VPC_MARK'],
} as const;
const BUILTIN = {
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
} as const;

/** The lines one rule contributes, by chain (the chain name is the `-A` target). */
export function ruleLines(r: NatRule, o: RenderOptions): { chain: string; args: string }[] {
  switch (r.kind) {
    case 'eip':
      return [
        {
          chain: 'HAIRPIN_SNAT',
          args: `-o ${o.vpcIf} -m mark --mark 0x1/0x1 -m conntrack --ctstate DNAT --ctorigdst ${r.eip} -j SNAT --to-source ${r.eip} --random-fully`,
        },
      ];
    case 'fip':
      return [
        { chain: 'EXCLUSIVE_DNAT', args: `-d ${r.eip}/32 -j DNAT --to-destination ${r.internalIp}` },
        { chain: 'EXCLUSIVE_SNAT', args: `-s ${r.internalIp}/32 -j SNAT --to-source ${r.eip}` },
      ];
    case 'dnat':
      return [
        {
          chain: 'SHARED_DNAT',
          args: `-d ${r.eip}/32 -p ${r.protocol} -m ${r.protocol} --dport ${r.externalPort} -j DNAT --to-destination ${r.internalIp}:${r.internalPort}`,
        },
      ];
    case 'snat':
      return [
        {
          chain: 'SHARED_SNAT',
          args: `-s ${r.cidr} -o ${o.extIf} -j SNAT --to-source ${r.eip} --random-fully`,
        },
      ];
  }
}

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

/** The iptables-restore document for the rules in `include` (default: all). */
export function renderRuleSet(
  rules: readonly NatRule[],
  o: RenderOptions,
  include?: ReadonlySet<RuleId>,
): string {
  const byChain = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const r of ordered(rules)) {
    if (include && !include.has(ruleId(r))) continue;
    for (const { chain, args } of ruleLines(r, o)) {
      const line = `-A ${chain} ${args}`;
      if (seen.has(line)) continue; // the same rule twice (e.g. two SNAT CRs alike) is one rule
      seen.add(line);
      byChain.set(chain, [...(byChain.get(chain) ?? []), line]);
    }
  }
  const table = (name: 'nat' | 'mangle', jumps: string[]): string[] => [
    `*${name}`,
    ...BUILTIN[name].map((c) => `:${c} ACCEPT [0:0]`),
    ...CHAINS[name].map((c) => `:${c} - [0:0]`),
    ...jumps,
    ...CHAINS[name].flatMap((c) => byChain.get(c) ?? []),
    'COMMIT',
  ];
  return [
    ...table('nat', [
      '-A PREROUTING -j DNAT_FILTER',
      '-A POSTROUTING -j SNAT_FILTER',
      '-A DNAT_FILTER -j EXCLUSIVE_DNAT',
      '-A DNAT_FILTER -j SHARED_DNAT',
      '-A SNAT_FILTER -j EXCLUSIVE_SNAT',
      '-A SNAT_FILTER -j SHARED_SNAT',
      '-A SNAT_FILTER -j HAIRPIN_SNAT',
    ]),
    ...table('mangle', [
      '-A PREROUTING -j VPC_MARK',
      `-A VPC_MARK -i ${o.vpcIf} -j MARK --set-xmark 0x1/0x1`,
    ]),
    '',
  ].join('\n');
}

/**
 * A dump (`iptables-save`) or a rendered document in one canonical form, for comparing what is in the kernel with
 * what is wanted: per table, the chain declarations sorted, then each chain's rules in their order, chains sorted
 * (iptables-save lists chains alphabetically); counters and comments dropped. Rules are written in the order
 * iptables-save prints their options, so an applied set reads back equal.
 */
export function canonicalRuleSet(text: string): string {
  const tables = new Map<string, { chains: string[]; rules: Map<string, string[]> }>();
  let current: { chains: string[]; rules: Map<string, string[]> } | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('*')) {
      current = { chains: [], rules: new Map() };
      tables.set(line.slice(1), current);
    } else if (!current) continue;
    else if (line.startsWith(':')) current.chains.push(line.replace(/\s*\[\d+:\d+\]$/, ''));
    else if (line.startsWith('-A ')) {
      const chain = line.split(' ')[1] ?? '';
      current.rules.set(chain, [...(current.rules.get(chain) ?? []), line]);
    }
  }
  return [...tables.keys()]
    .sort()
    .flatMap((name) => {
      const t = tables.get(name)!;
      return [`*${name}`, ...t.chains.sort(), ...[...t.rules.keys()].sort().flatMap((c) => t.rules.get(c)!)];
    })
    .join('\n');
}
