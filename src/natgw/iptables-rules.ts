/**
 * The rule set (rules.ts) as ONE `iptables-restore --noflush` document in Kube-OVN's chain layout: nat PREROUTING
 * -> DNAT_FILTER -> EXCLUSIVE_DNAT, SHARED_DNAT; nat POSTROUTING -> SNAT_FILTER -> EXCLUSIVE_SNAT, SHARED_SNAT,
 * HAIRPIN_SNAT; mangle PREROUTING -> VPC_MARK. Only kovn's chains are written: each is declared (which empties it
 * in a `--noflush` restore) and refilled, and the built-in chains get exactly one jump to ours, added when missing
 * and extra copies deleted (`saved`, the dump the document is written against); every other rule and chain in the
 * namespace is left as it is. A SNAT leaves through its EIP's NIC (`-o net2` for an EIP of the second external
 * subnet); with several NICs a floating IP's source translation is bound to its EIP's NIC too. Rules are written in
 * the option order `iptables-save` prints, so an applied set reads back equal in `canonicalRuleSet` form and an
 * unchanged state writes nothing. The same document serves `ip6tables-restore` for the IPv6 rules (ip6tables has
 * the same nat and mangle tables): an address written with its family's host prefix (`/32`, `/128`), a port target
 * in brackets (`[fd00::5]:80`). Also: the translations a dump holds, and the document that takes kovn's chains
 * away. Pure.
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
  ruleFamily,
} from './rules.ts';

type Table = 'nat' | 'mangle';
const OWNED: Record<Table, readonly string[]> = { nat: NAT_CHAINS, mangle: [MARK_CHAIN] };
/** The jumps from built-in chains into ours, one each. */
const JUMPS: { table: Table; from: string; to: string }[] = [
  { table: 'nat', from: 'PREROUTING', to: 'DNAT_FILTER' },
  { table: 'nat', from: 'POSTROUTING', to: 'SNAT_FILTER' },
  { table: 'mangle', from: 'PREROUTING', to: MARK_CHAIN },
];
/** Jumps between our own chains (part of their content). */
const INNER: Record<Table, string[]> = {
  nat: [
    '-A DNAT_FILTER -j EXCLUSIVE_DNAT',
    '-A DNAT_FILTER -j SHARED_DNAT',
    '-A SNAT_FILTER -j EXCLUSIVE_SNAT',
    '-A SNAT_FILTER -j SHARED_SNAT',
    '-A SNAT_FILTER -j HAIRPIN_SNAT',
  ],
  mangle: [],
};

const isOwned = (chain: string): boolean => Object.values(OWNED).some((c) => c.includes(chain));
const jumpLine = (j: { from: string; to: string }): string => `-A ${j.from} -j ${j.to}`;

/** `-s <cidr>`, left out for 0.0.0.0/0 and ::/0 (iptables-save prints no `-s` for them). */
const source = (cidr: string): string => (cidr.endsWith('/0') ? '' : `-s ${cidr} `);

/** The lines one rule contributes, by chain (the chain name is the `-A` target). */
export function ruleLines(r: NatRule, o: RenderOptions): { chain: string; args: string }[] {
  const host = ruleFamily(r) === 6 ? '/128' : '/32';
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
        { chain: 'EXCLUSIVE_DNAT', args: `-d ${r.eip}${host} -j DNAT --to-destination ${r.internalIp}` },
        {
          chain: 'EXCLUSIVE_SNAT',
          args: `-s ${r.internalIp}${host} ${r.dev ? `-o ${r.dev} ` : ''}-j SNAT --to-source ${r.eip}`,
        },
      ];
    case 'dnat':
      return [
        {
          chain: 'SHARED_DNAT',
          args: `-d ${r.eip}${host} -p ${r.protocol} -m ${r.protocol} --dport ${r.externalPort} -j DNAT --to-destination ${hostPort(r.internalIp, r.internalPort)}`,
        },
      ];
    case 'snat':
      return [
        {
          chain: 'SHARED_SNAT',
          args: `${source(r.cidr)}-o ${r.dev ?? o.extIf} -j SNAT --to-source ${r.eip} --random-fully`,
        },
      ];
  }
}

/** The `-A` lines of kovn's chains, by chain, for the rules in `include`; a line twice (two SNATs alike) once. */
function ownedLines(rules: readonly NatRule[], o: RenderOptions, include?: ReadonlySet<RuleId>) {
  const byChain = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const r of selected(rules, include)) {
    for (const { chain, args } of ruleLines(r, o)) {
      const line = `-A ${chain} ${args}`;
      if (seen.has(line)) continue;
      seen.add(line);
      byChain.set(chain, [...(byChain.get(chain) ?? []), line]);
    }
  }
  return byChain;
}

/** How many times each built-in jump into our chains is in a dump, per `<table> <line>`. */
function jumpCounts(saved: string): Map<string, number> {
  const counts = new Map<string, number>();
  let table = '';
  for (const raw of saved.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('*')) table = line.slice(1);
    else if (JUMPS.some((j) => j.table === table && jumpLine(j) === line))
      counts.set(`${table} ${line}`, (counts.get(`${table} ${line}`) ?? 0) + 1);
  }
  return counts;
}

/**
 * The `iptables-restore --noflush` document for the rules in `include` (default all). Without `saved` every
 * built-in jump is added (right for a namespace without our chains, and for `--test`); with the dump it is written
 * against, only missing jumps are added and extra copies deleted.
 */
export function renderRuleSet(
  rules: readonly NatRule[],
  o: RenderOptions,
  include?: ReadonlySet<RuleId>,
  saved?: string,
): string {
  const byChain = ownedLines(rules, o, include);
  const counts = saved === undefined ? undefined : jumpCounts(saved);
  const jumps = (table: Table): string[] =>
    JUMPS.filter((j) => j.table === table).flatMap((j) => {
      const have = counts?.get(`${table} ${jumpLine(j)}`) ?? 0;
      if (have === 0) return [jumpLine(j)];
      return Array.from({ length: have - 1 }, () => `-D ${j.from} -j ${j.to}`);
    });
  const mark = `-A ${MARK_CHAIN} -i ${o.vpcIf} -j MARK --set-xmark 0x1/0x1`;
  const table = (name: Table, content: string[]): string[] => [
    `*${name}`,
    ...OWNED[name].map((c) => `:${c} - [0:0]`),
    ...jumps(name),
    ...content,
    'COMMIT',
  ];
  return [
    ...table('nat', [...INNER.nat, ...NAT_CHAINS.flatMap((c) => byChain.get(c) ?? [])]),
    ...table('mangle', [mark]),
    '',
  ].join('\n');
}

/**
 * kovn's part of a dump (`iptables-save`) or of a rendered document, in one canonical form for comparing what is
 * in the kernel with what is wanted: per table, our chains declared (sorted), each of our chains' rules in order
 * (chains sorted, as iptables-save lists them), and the built-in chains' jumps into ours; counters, comments and
 * everything not ours dropped. Empty when nothing of ours is there.
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
    else if (line.startsWith(':')) {
      const name = line.slice(1).split(' ')[0] ?? '';
      if (isOwned(name)) current.chains.push(line.replace(/\s*\[\d+:\d+\]$/, ''));
    } else if (line.startsWith('-A ')) {
      const chain = line.split(' ')[1] ?? '';
      const jump = JUMPS.some((j) => jumpLine(j) === line);
      if (isOwned(chain) || jump) current.rules.set(chain, [...(current.rules.get(chain) ?? []), line]);
    }
  }
  return [...tables.keys()]
    .sort()
    .flatMap((name) => {
      const t = tables.get(name)!;
      if (!t.chains.length && !t.rules.size) return [];
      return [`*${name}`, ...t.chains.sort(), ...[...t.rules.keys()].sort().flatMap((c) => t.rules.get(c)!)];
    })
    .join('\n');
}

const DNAT_LINE =
  /^-A (?:EXCLUSIVE|SHARED)_DNAT -d (\S+?)(?:\/(?:32|128))?(?: -p (\S+) -m \S+ --dport (\d+))? -j DNAT --to-destination (\S+)$/;

/** The DNAT/FIP translations in a dump (rules of EXCLUSIVE_DNAT and SHARED_DNAT). */
export function iptablesDnats(saved: string): DnatEntry[] {
  return saved
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^-A (EXCLUSIVE|SHARED)_DNAT /.test(l))
    .flatMap((l): DnatEntry[] => {
      const m = DNAT_LINE.exec(l);
      if (m) return [{ eip: m[1]!, key: dnatKey(m[1]!, m[2], m[3], m[4]!) }];
      const eip = /-d ([0-9a-f.:]+)/.exec(l)?.[1];
      return eip ? [{ eip, key: l }] : [];
    });
}

/** The document that takes kovn's chains and the jumps into them out of a dump's state; undefined: none there. */
export function removalDocument(saved: string): string | undefined {
  const counts = jumpCounts(saved);
  const declared = new Set<string>();
  let table = '';
  for (const raw of saved.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('*')) table = line.slice(1);
    else if (line.startsWith(':') && isOwned(line.slice(1).split(' ')[0] ?? ''))
      declared.add(`${table} ${line.slice(1).split(' ')[0]}`);
  }
  if (!declared.size && !counts.size) return undefined;
  const part = (name: Table): string[] => {
    const chains = OWNED[name].filter((c) => declared.has(`${name} ${c}`));
    const jumps = JUMPS.filter((j) => j.table === name).flatMap((j) =>
      Array.from({ length: counts.get(`${name} ${jumpLine(j)}`) ?? 0 }, () => `-D ${j.from} -j ${j.to}`),
    );
    if (!chains.length && !jumps.length) return [];
    return [`*${name}`, ...jumps, ...chains.map((c) => `-F ${c}`), ...chains.map((c) => `-X ${c}`), 'COMMIT'];
  };
  return [...part('nat'), ...part('mangle'), ''].join('\n');
}
