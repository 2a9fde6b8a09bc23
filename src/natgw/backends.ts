/**
 * The two ways of putting the rule set into the gateway's kernel, behind one interface so apply.ts does the same
 * steps with either: check a candidate set without writing it, read what kovn holds there (canonical form and the
 * DNAT/FIP translations), write the wanted set in one atomic step, and take everything of kovn's away (for the
 * backend not selected, so a switch leaves no second copy). `iptables`: one `iptables-restore --noflush` of
 * kovn's chains (iptables-rules.ts), checked with `--test`, read with `iptables-save`. `nftables`: one `nft -f -`
 * transaction replacing `table ip kovn-nat` (nft-rules.ts), checked with `nft -c`, read as JSON with `nft -j`
 * (nft-observe.ts). Neither names any chain or table that is not kovn's. IPv6: the IPv6 rules go, in the same
 * layout, into ip6tables (`ip6tables-restore`, one more atomic write after the IPv4 one: iptables has no transaction
 * across families) or into `table ip6 kovn-nat` (in the SAME `nft -f` transaction as the IPv4 table). The IPv6 part
 * is written only while there are IPv6 rules, and kovn's IPv6 chains are taken away when there are none, so a
 * gateway without IPv6 never needs ip6tables; the canonical form is the IPv4 part, then, when there is one, the IPv6
 * part after a `# ipv6` line.
 */
import type { RunResult } from '../util/exec.ts';
import { canonicalRuleSet, iptablesDnats, removalDocument, renderRuleSet } from './iptables-rules.ts';
import { parseNftTable } from './nft-observe.ts';
import {
  NFT_FAMILY,
  NFT_REMOVAL_SCRIPT,
  NFT_REMOVAL_SCRIPT6,
  NFT_TABLE,
  nftCanonical,
  nftDnats,
  nftRuleSet,
  renderNftScript,
} from './nft-rules.ts';
import { ofFamily, type DnatEntry, type NatRule, type RenderOptions, type RuleId } from './rules.ts';

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
  /** The backend's own dump, which its write is made against (IPv4; `dump6` IPv6, '' when none of ours). */
  dump: string;
  dump6?: string;
  /** Whether kovn has IPv6 state there. */
  present6?: boolean;
}

/** The canonical form of both families: the IPv4 part, then the IPv6 part when there is one. */
export const bothFamilies = (v4: string, v6: string): string => (v6 ? `${v4}\n# ipv6\n${v6}` : v4);

/** Whether any of the rules in `include` is IPv6. */
const wantsV6 = (rules: readonly NatRule[], include?: ReadonlySet<RuleId>): boolean =>
  ofFamily(rules, 6).some((r) => !include || include.has(`${r.kind}/${r.name}`));

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
  const must = async (cmd: string, args: string[], input: string): Promise<void> => {
    const r = await run(cmd, args, input);
    if (r.code !== 0) throw new Error(`${where}: ${cmd} ${args.join(' ')}: ${complaint(cmd, r)}`);
  };
  const save = async (cmd: string): Promise<string> => {
    const dump: string[] = [];
    for (const table of ['nat', 'mangle']) {
      const r = await run(cmd, ['-t', table]);
      if (r.code !== 0) throw new Error(`${where}: ${cmd} -t ${table}: ${complaint(cmd, r)}`);
      dump.push(r.stdout);
    }
    return dump.join('');
  };
  const RESTORE = ['--noflush', '-w', '5'];
  return {
    name: 'iptables',
    async test(rules, o, ids) {
      const r = await run(
        'iptables-restore',
        ['--test', ...RESTORE],
        renderRuleSet(ofFamily(rules, 4), o, ids),
      );
      if (r.code !== 0) return complaint('iptables-restore', r);
      if (!wantsV6(rules, ids)) return undefined;
      const r6 = await run(
        'ip6tables-restore',
        ['--test', ...RESTORE],
        renderRuleSet(ofFamily(rules, 6), o, ids),
      );
      return r6.code === 0 ? undefined : complaint('ip6tables-restore', r6);
    },
    async observe() {
      const text = await save('iptables-save');
      // No ip6tables here (an image without it, a kernel without IPv6 NAT): nothing of ours there either.
      const text6 = await save('ip6tables-save').catch(() => '');
      const canonical = canonicalRuleSet(text);
      const canonical6 = canonicalRuleSet(text6);
      return {
        present: canonical !== '' || canonical6 !== '',
        canonical: bothFamilies(canonical, canonical6),
        dnats: [...iptablesDnats(text), ...iptablesDnats(text6)],
        dump: text,
        dump6: text6,
        present6: canonical6 !== '',
      };
    },
    wanted: (rules, o, include) =>
      bothFamilies(
        canonicalRuleSet(renderRuleSet(ofFamily(rules, 4), o, include)),
        wantsV6(rules, include) ? canonicalRuleSet(renderRuleSet(ofFamily(rules, 6), o, include)) : '',
      ),
    async write(rules, o, include, now) {
      await must('iptables-restore', RESTORE, renderRuleSet(ofFamily(rules, 4), o, include, now.dump));
      if (wantsV6(rules, include))
        await must(
          'ip6tables-restore',
          RESTORE,
          renderRuleSet(ofFamily(rules, 6), o, include, now.dump6 ?? ''),
        );
      else {
        const doc = removalDocument(now.dump6 ?? '');
        if (doc) await must('ip6tables-restore', RESTORE, doc);
      }
    },
    async remove(now) {
      const doc = removalDocument(now.dump);
      if (doc) await must('iptables-restore', RESTORE, doc);
      const doc6 = removalDocument(now.dump6 ?? '');
      if (doc6) await must('ip6tables-restore', RESTORE, doc6);
    },
  };
}

export function nftablesBackend(run: Run, where: string): RuleBackend {
  const must = async (script: string): Promise<void> => {
    const r = await run('nft', ['-f', '-'], script);
    if (r.code !== 0) throw new Error(`${where}: nft -f -: ${nftComplaint(r)}`);
  };
  /** One of our tables as JSON, '' when it is not there. */
  const list = async (family: 'ip' | 'ip6'): Promise<string> => {
    const r = await run('nft', ['-j', 'list', 'table', family, NFT_TABLE]);
    if (r.code === 0) return r.stdout;
    if (/No such file or directory/.test(r.stderr)) return '';
    throw new Error(`${where}: nft -j list table ${family} ${NFT_TABLE}: ${nftComplaint(r)}`);
  };
  /** The script for the rules in `include`: the IPv4 table, and the IPv6 one when wanted (else `ip6` as given). */
  const script = (
    rules: readonly NatRule[],
    o: RenderOptions,
    include: ReadonlySet<RuleId>,
    otherwise?: 'remove',
  ): string =>
    renderNftScript(
      nftRuleSet(ofFamily(rules, 4), o, include),
      wantsV6(rules, include) ? nftRuleSet(ofFamily(rules, 6), o, include) : otherwise,
    );
  return {
    name: 'nftables',
    async test(rules, o, ids) {
      const r = await run('nft', ['-c', '-f', '-'], script(rules, o, ids));
      return r.code === 0 ? undefined : nftComplaint(r);
    },
    async observe() {
      const [json, json6] = [await list(NFT_FAMILY), await list('ip6')];
      const set = json ? parseNftTable(json) : undefined;
      const set6 = json6 ? parseNftTable(json6) : undefined;
      return {
        present: set !== undefined || set6 !== undefined,
        canonical: bothFamilies(set ? nftCanonical(set) : '', set6 ? nftCanonical(set6) : ''),
        dnats: [...(set ? nftDnats(set) : []), ...(set6 ? nftDnats(set6) : [])],
        dump: json,
        dump6: json6,
        present6: set6 !== undefined,
      };
    },
    wanted: (rules, o, include) =>
      bothFamilies(
        nftCanonical(nftRuleSet(ofFamily(rules, 4), o, include)),
        wantsV6(rules, include) ? nftCanonical(nftRuleSet(ofFamily(rules, 6), o, include)) : '',
      ),
    write: (rules, o, include, now) => must(script(rules, o, include, now.present6 ? 'remove' : undefined)),
    async remove(now) {
      if (now.present) await must(NFT_REMOVAL_SCRIPT + (now.present6 ? NFT_REMOVAL_SCRIPT6 : ''));
    },
  };
}

export const ruleBackend = (name: BackendName, run: Run, where: string): RuleBackend =>
  name === 'nftables' ? nftablesBackend(run, where) : iptablesBackend(run, where);
