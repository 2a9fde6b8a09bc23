/**
 * The two ways of putting the rule set into the gateway's kernel, behind one interface so apply.ts does the same
 * steps with either: check a candidate set without writing it, read what kovn holds there (canonical form and the
 * DNAT/FIP translations), write the wanted set in one atomic step, and take everything of kovn's away (for the
 * backend not selected, so a switch leaves no second copy). `iptables`: one `iptables-restore --noflush` of
 * kovn's chains (iptables-rules.ts), checked with `--test`, read with `iptables-save`. `nftables`: one `nft -f -`
 * transaction replacing `table ip kovn-nat` (nft-rules.ts), checked with `nft -c`, read as JSON with `nft -j`
 * (nft-observe.ts). Neither names any chain or table that is not kovn's.
 */
import type { RunResult } from '../util/exec.ts';
import { canonicalRuleSet, iptablesDnats, removalDocument, renderRuleSet } from './iptables-rules.ts';
import { parseNftTable } from './nft-observe.ts';
import {
  NFT_FAMILY,
  NFT_REMOVAL_SCRIPT,
  NFT_TABLE,
  nftCanonical,
  nftDnats,
  nftRuleSet,
  renderNftScript,
} from './nft-rules.ts';
import type { DnatEntry, NatRule, RenderOptions, RuleId } from './rules.ts';

export type BackendName = 'iptables' | 'nftables';
export const BACKEND_NAMES: readonly BackendName[] = ['iptables', 'nftables'];

export type Run = (cmd: string, args: string[], input?: string) => Promise<RunResult>;

/** What kovn holds in one backend. */
export interface Observed {
  /** Anything of kovn's there at all. */
  present: boolean;
  /** kovn's state in the backend's canonical form ('' when none). */
  canonical: string;
  dnats: DnatEntry[];
  /** The backend's own dump, which its write is made against. */
  dump: string;
}

export interface RuleBackend {
  readonly name: BackendName;
  /** The kernel's message when it refuses the rules in `ids`, undefined when it accepts them; writes nothing. */
  test(rules: readonly NatRule[], o: RenderOptions, ids: ReadonlySet<RuleId>): Promise<string | undefined>;
  observe(): Promise<Observed>;
  /** The canonical form of the wanted set, to compare with `observe().canonical`. */
  wanted(rules: readonly NatRule[], o: RenderOptions, include: ReadonlySet<RuleId>): string;
  write(
    rules: readonly NatRule[],
    o: RenderOptions,
    include: ReadonlySet<RuleId>,
    now: Observed,
  ): Promise<void>;
  remove(now: Observed): Promise<void>;
}

/** A command's complaint, trimmed. */
const complaint = (cmd: string, r: RunResult): string =>
  (r.stderr || r.stdout).trim() || `${cmd} exit ${r.code}`;

/** nft's errors name a line of stdin and repeat it with a caret; keep the message and the rule it is about. */
export function nftComplaint(r: RunResult): string {
  const lines = (r.stderr || r.stdout).split('\n');
  const parts = lines.flatMap((l, i) => {
    const m = /Error: (.*)$/.exec(l);
    return m ? [`${m[1]}: ${(lines[i + 1] ?? '').trim()}`] : [];
  });
  return parts.length ? `nft: ${[...new Set(parts)].join('; ')}` : complaint('nft', r);
}

export function iptablesBackend(run: Run, where: string): RuleBackend {
  const must = async (args: string[], input: string): Promise<void> => {
    const r = await run('iptables-restore', args, input);
    if (r.code !== 0)
      throw new Error(`${where}: iptables-restore ${args.join(' ')}: ${complaint('iptables-restore', r)}`);
  };
  return {
    name: 'iptables',
    async test(rules, o, ids) {
      const r = await run(
        'iptables-restore',
        ['--test', '--noflush', '-w', '5'],
        renderRuleSet(rules, o, ids),
      );
      return r.code === 0 ? undefined : complaint('iptables-restore', r);
    },
    async observe() {
      const dump: string[] = [];
      for (const table of ['nat', 'mangle']) {
        const r = await run('iptables-save', ['-t', table]);
        if (r.code !== 0)
          throw new Error(`${where}: iptables-save -t ${table}: ${complaint('iptables-save', r)}`);
        dump.push(r.stdout);
      }
      const text = dump.join('');
      const canonical = canonicalRuleSet(text);
      return { present: canonical !== '', canonical, dnats: iptablesDnats(text), dump: text };
    },
    wanted: (rules, o, include) => canonicalRuleSet(renderRuleSet(rules, o, include)),
    write: (rules, o, include, now) =>
      must(['--noflush', '-w', '5'], renderRuleSet(rules, o, include, now.dump)),
    async remove(now) {
      const doc = removalDocument(now.dump);
      if (doc) await must(['--noflush', '-w', '5'], doc);
    },
  };
}

export function nftablesBackend(run: Run, where: string): RuleBackend {
  const must = async (script: string): Promise<void> => {
    const r = await run('nft', ['-f', '-'], script);
    if (r.code !== 0) throw new Error(`${where}: nft -f -: ${nftComplaint(r)}`);
  };
  return {
    name: 'nftables',
    async test(rules, o, ids) {
      const r = await run('nft', ['-c', '-f', '-'], renderNftScript(nftRuleSet(rules, o, ids)));
      return r.code === 0 ? undefined : nftComplaint(r);
    },
    async observe() {
      const r = await run('nft', ['-j', 'list', 'table', NFT_FAMILY, NFT_TABLE]);
      if (r.code !== 0) {
        if (/No such file or directory/.test(r.stderr))
          return { present: false, canonical: '', dnats: [], dump: '' };
        throw new Error(`${where}: nft -j list table ${NFT_FAMILY} ${NFT_TABLE}: ${nftComplaint(r)}`);
      }
      const set = parseNftTable(r.stdout);
      return { present: true, canonical: nftCanonical(set), dnats: nftDnats(set), dump: r.stdout };
    },
    wanted: (rules, o, include) => nftCanonical(nftRuleSet(rules, o, include)),
    write: (rules, o, include) => must(renderNftScript(nftRuleSet(rules, o, include))),
    async remove(now) {
      if (now.present) await must(NFT_REMOVAL_SCRIPT);
    },
  };
}

export const ruleBackend = (name: BackendName, run: Run, where: string): RuleBackend =>
  name === 'nftables' ? nftablesBackend(run, where) : iptablesBackend(run, where);
