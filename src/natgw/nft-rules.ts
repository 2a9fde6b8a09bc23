/**
 * The rule set (rules.ts) as ONE nftables transaction (`nft -f -`) on kovn's own table, `table ip kovn-nat`, with
 * the chain names of Kube-OVN's iptables layout: DNAT_FILTER is the nat base chain at prerouting (priority dstnat,
 * where iptables' nat PREROUTING runs) jumping to EXCLUSIVE_DNAT then SHARED_DNAT; SNAT_FILTER the nat base chain
 * at postrouting (srcnat) jumping to EXCLUSIVE_SNAT, SHARED_SNAT (longest prefix first), HAIRPIN_SNAT; VPC_MARK a
 * filter base chain at prerouting, priority mangle (iptables' mangle PREROUTING), marking what enters from the VPC.
 * A SNAT leaves through its EIP's NIC (`oifname "net2"`); with several NICs a floating IP's source translation too.
 * The script adds the table, deletes it and defines it whole, all in one transaction: the kernel swaps the old table
 * for the new one atomically, an empty or absent table alike, and no other table is named. The IPv6 rules go the same
 * way into `table ip6 kovn-nat` (same chains, `ip6` matches), written in the same transaction as the IPv4 table
 * (backends.ts), and only while the gateway has IPv6 rules (ADR 33: why not one `inet` table). Each rule is written in
 * the form `nft` prints it back (nft-observe.ts reads the kernel's JSON into the same `NftRuleSet`), so the
 * canonical forms of what is wanted and what is held compare equal when they are. Pure.
 */
import {
  MARK_CHAIN,
  NAT_CHAINS,
  dnatKey,
  selected,
  type DnatEntry,
  type NatRule,
  type RenderOptions,
  type RuleId,
  hostPort,
} from './rules.ts';

export const NFT_FAMILY = 'ip';
export const NFT_TABLE = 'kovn-nat';
/** nft's table family for an address family. */
export const nftFamily = (family: 4 | 6): 'ip' | 'ip6' => (family === 6 ? 'ip6' : 'ip');

export interface NftBase {
  type: 'nat' | 'filter';
  hook: 'prerouting' | 'postrouting';
  priority: number;
  policy: 'accept';
}

export interface NftChain {
  name: string;
  base?: NftBase;
  /** Statements, one line per rule, as nft prints them. */
  rules: string[];
}

export interface NftRuleSet {
  chains: NftChain[];
  /** Anything else found in our table (sets, maps, objects): never written by us, so always a difference. */
  foreign: string[];
}

/** nft's names for the priorities we use, in the ip family. */
const PRIORITY_NAMES: Record<number, string> = { [-150]: 'mangle', [-100]: 'dstnat', 100: 'srcnat' };

const BASES: Record<string, NftBase> = {
  [MARK_CHAIN]: { type: 'filter', hook: 'prerouting', priority: -150, policy: 'accept' },
  DNAT_FILTER: { type: 'nat', hook: 'prerouting', priority: -100, policy: 'accept' },
  SNAT_FILTER: { type: 'nat', hook: 'postrouting', priority: 100, policy: 'accept' },
};
const INNER: Record<string, string[]> = {
  DNAT_FILTER: ['jump EXCLUSIVE_DNAT', 'jump SHARED_DNAT'],
  SNAT_FILTER: ['jump EXCLUSIVE_SNAT', 'jump SHARED_SNAT', 'jump HAIRPIN_SNAT'],
};
const CHAIN_ORDER = [MARK_CHAIN, ...NAT_CHAINS];

const quoted = (name: string): string => JSON.stringify(name);
/** A CIDR as nft prints it: a host prefix (/32, /128) is the bare address. */
const addrOrPrefix = (cidr: string): string => cidr.replace(cidr.includes(':') ? /\/128$/ : /\/32$/, '');

/** The statements one rule contributes, by chain (`ip` or `ip6` matches by the rule's family). */
export function nftStatements(r: NatRule, o: RenderOptions): { chain: string; text: string }[] {
  const p = r.eip.includes(':') ? 'ip6' : 'ip';
  switch (r.kind) {
    case 'eip':
      return [
        {
          chain: 'HAIRPIN_SNAT',
          text: `oifname ${quoted(o.vpcIf)} meta mark & 0x1 == 0x1 ct status dnat ct original ${p} daddr ${r.eip} snat to ${r.eip} fully-random`,
        },
      ];
    case 'fip':
      return [
        { chain: 'EXCLUSIVE_DNAT', text: `${p} daddr ${r.eip} dnat to ${r.internalIp}` },
        {
          chain: 'EXCLUSIVE_SNAT',
          text: `${p} saddr ${r.internalIp} ${r.dev ? `oifname ${quoted(r.dev)} ` : ''}snat to ${r.eip}`,
        },
      ];
    case 'dnat':
      return [
        {
          chain: 'SHARED_DNAT',
          text: `${p} daddr ${r.eip} ${r.protocol} dport ${r.externalPort} dnat to ${hostPort(r.internalIp, r.internalPort)}`,
        },
      ];
    case 'snat':
      return [
        {
          chain: 'SHARED_SNAT',
          text: `${p} saddr ${addrOrPrefix(r.cidr)} oifname ${quoted(r.dev ?? o.extIf)} snat to ${r.eip} fully-random`,
        },
      ];
  }
}

/** The wanted table for the rules in `include` (default all); a statement twice (two SNATs alike) once. */
export function nftRuleSet(
  rules: readonly NatRule[],
  o: RenderOptions,
  include?: ReadonlySet<RuleId>,
): NftRuleSet {
  const byChain = new Map<string, string[]>(CHAIN_ORDER.map((c) => [c, [...(INNER[c] ?? [])]]));
  byChain.get(MARK_CHAIN)!.push(`iifname ${quoted(o.vpcIf)} meta mark set meta mark | 0x1`);
  const seen = new Set<string>();
  for (const r of selected(rules, include)) {
    for (const { chain, text } of nftStatements(r, o)) {
      if (seen.has(`${chain} ${text}`)) continue;
      seen.add(`${chain} ${text}`);
      byChain.get(chain)!.push(text);
    }
  }
  const chains = CHAIN_ORDER.map((name) => {
    const base = BASES[name];
    return { name, ...(base ? { base } : {}), rules: byChain.get(name)! };
  });
  return { chains, foreign: [] };
}

const baseLine = (b: NftBase, named: boolean): string =>
  `type ${b.type} hook ${b.hook} priority ${named ? (PRIORITY_NAMES[b.priority] ?? b.priority) : b.priority}; policy ${b.policy};`;

/**
 * The `nft -f -` script: our table added (so the delete never fails), deleted, and defined whole; `ip6`: the same
 * for the IPv6 table in the same transaction, or, `'remove'`, that table taken away.
 */
export function renderNftScript(set: NftRuleSet, ip6?: NftRuleSet | 'remove'): string {
  const six = ip6 === undefined ? '' : ip6 === 'remove' ? NFT_REMOVAL_SCRIPT6 : tableScript(ip6, 'ip6');
  return tableScript(set, 'ip') + six;
}

function tableScript(set: NftRuleSet, family: 'ip' | 'ip6'): string {
  const table = `${family} ${NFT_TABLE}`;
  const chains = set.chains.flatMap((c) => [
    `\tchain ${c.name} {`,
    ...(c.base ? [`\t\t${baseLine(c.base, true)}`] : []),
    ...c.rules.map((r) => `\t\t${r}`),
    '\t}',
  ]);
  return [`table ${table} {}`, `delete table ${table}`, `table ${table} {`, ...chains, '}', ''].join('\n');
}

/** The script that takes our IPv4 (IPv6) table away, whether it is there or not. */
export const NFT_REMOVAL_SCRIPT = `table ${NFT_FAMILY} ${NFT_TABLE} {}\ndelete table ${NFT_FAMILY} ${NFT_TABLE}\n`;
export const NFT_REMOVAL_SCRIPT6 = `table ip6 ${NFT_TABLE} {}\ndelete table ip6 ${NFT_TABLE}\n`;

/** One text for comparing: chains sorted by name, each with its hook and its rules in order; foreign objects last. */
export function nftCanonical(set: NftRuleSet): string {
  const chains = [...set.chains].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return [
    ...chains.flatMap((c) => [
      `chain ${c.name}${c.base ? ` ${baseLine(c.base, false)}` : ''}`,
      ...c.rules.map((r) => `  ${r}`),
    ]),
    ...[...set.foreign].sort().map((f) => `foreign ${f}`),
  ].join('\n');
}

const DNAT_STATEMENT = /^ip6? daddr (\S+)(?: (\S+) dport (\d+))? dnat to (\S+)$/;

/** The DNAT/FIP translations a table holds (rules of EXCLUSIVE_DNAT and SHARED_DNAT). */
export function nftDnats(set: NftRuleSet): DnatEntry[] {
  return set.chains
    .filter((c) => c.name === 'EXCLUSIVE_DNAT' || c.name === 'SHARED_DNAT')
    .flatMap((c) => c.rules)
    .flatMap((text): DnatEntry[] => {
      const m = DNAT_STATEMENT.exec(text);
      if (m) return [{ eip: m[1]!, key: dnatKey(m[1]!, m[2], m[3], m[4]!) }];
      const eip = /ip6? daddr ([0-9a-f.:]+)/.exec(text)?.[1];
      return eip ? [{ eip, key: text }] : [];
    });
}
