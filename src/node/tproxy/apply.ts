/**
 * Makes a node namespace's TProxy state what rules.ts renders, or removes all of it. Level-triggered and quiet:
 * everything is read first (iptables-save, `ip -j rule`, the two route tables) and only differences are written,
 * so converging twice writes nothing. Our chains are replaced whole (`iptables-restore --noflush`, which leaves
 * every other chain alone); our policy rules are recognised by priority and table, nothing else is touched.
 */
import { check, type ProcessRunner } from '../../util/exec.ts';
import type { ProbeTarget } from './targets.ts';
import {
  FIRST_HOP_TABLE,
  JUMPS,
  OUTPUT_CHAIN,
  PREROUTING_CHAIN,
  TPROXY_TABLE,
  desiredPolicyRules,
  observedRuleKey,
  renderMangle,
  ruleKey,
  type ObservedRule,
} from './rules.ts';

const OUR_CHAINS = [OUTPUT_CHAIN, PREROUTING_CHAIN];
/** Each table's one route, and how `ip route show table N` prints it. */
const TABLE_ROUTES: [number, string[], RegExp][] = [
  [TPROXY_TABLE, ['local', '0.0.0.0/0', 'dev', 'lo'], /^local default dev lo\b/],
  [
    FIRST_HOP_TABLE,
    ['0.0.0.0/0', 'dev', 'lo', 'src', '127.0.0.1'],
    /^default dev lo\b.*\bsrc 127\.0\.0\.1\b/,
  ],
];

export interface TproxyChanges {
  chains: boolean;
  jumps: number;
  rules: number;
  routes: number;
}

/** Our chains' `-A` lines (as iptables-save prints them), or undefined when a chain does not exist. */
export function ourChainLines(save: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of save.split('\n')) {
    const decl = /^:(\S+) /.exec(line);
    if (decl?.[1] && OUR_CHAINS.includes(decl[1])) out.set(decl[1], []);
    const rule = /^-A (\S+) /.exec(line);
    if (rule?.[1] && OUR_CHAINS.includes(rule[1])) out.get(rule[1])?.push(line.trim());
  }
  return out;
}

/** A table's routes; a table that does not exist yet has none. */
async function tableRoutes(runner: ProcessRunner, netns: string, table: number): Promise<string> {
  const r = await runner.run('ip', ['-4', 'route', 'show', 'table', String(table)], { netns });
  return r.code === 0 ? r.stdout.trim() : '';
}

const ipt = (runner: ProcessRunner, netns: string, args: string[]) =>
  runner.run('iptables', ['-w', '-t', 'mangle', ...args], { netns });

async function observedRules(runner: ProcessRunner, netns: string): Promise<Map<string, ObservedRule>> {
  const rules = JSON.parse(
    (await check(runner, 'ip', ['-j', '-4', 'rule'], { netns })) || '[]',
  ) as ObservedRule[];
  const out = new Map<string, ObservedRule>();
  for (const r of rules) {
    const key = observedRuleKey(r);
    if (key && [String(TPROXY_TABLE), String(FIRST_HOP_TABLE)].includes(r.table ?? '')) out.set(key, r);
  }
  return out;
}

/** `ip rule del` arguments for an observed rule (its key is `<prio> <selector...> <table>`). */
const delArgs = (key: string): string[] => {
  const parts = key.split(' ');
  return ['rule', 'del', 'pref', parts[0] ?? '', ...parts.slice(1, -1), 'table', parts.at(-1) ?? ''];
};

export async function applyTproxy(
  runner: ProcessRunner,
  netns: string,
  targets: readonly ProbeTarget[],
  listenIp: string,
): Promise<TproxyChanges> {
  const changes: TproxyChanges = { chains: false, jumps: 0, rules: 0, routes: 0 };
  const text = renderMangle(targets, listenIp);
  const want = ourChainLines(text);
  const have = ourChainLines(await check(runner, 'iptables-save', ['-t', 'mangle'], { netns }));
  if (OUR_CHAINS.some((c) => JSON.stringify(have.get(c)) !== JSON.stringify(want.get(c)))) {
    await check(runner, 'iptables-restore', ['-w', '--noflush'], { netns, input: text });
    changes.chains = true;
  }
  for (const j of JUMPS)
    if ((await ipt(runner, netns, ['-C', j.chain, ...j.rule])).code !== 0) {
      await check(runner, 'iptables', ['-w', '-t', 'mangle', '-I', j.chain, '1', ...j.rule], { netns });
      changes.jumps++;
    }
  for (const [table, route, shown] of TABLE_ROUTES) {
    if (!shown.test(await tableRoutes(runner, netns, table))) {
      await check(runner, 'ip', ['-4', 'route', 'replace', ...route, 'table', String(table)], { netns });
      changes.routes++;
    }
  }
  const observed = await observedRules(runner, netns);
  const desired = new Map(desiredPolicyRules(targets).map((r) => [ruleKey(r), r]));
  for (const key of observed.keys())
    if (!desired.has(key)) {
      await check(runner, 'ip', ['-4', ...delArgs(key)], { netns });
      changes.rules++;
    }
  for (const [key, r] of desired)
    if (!observed.has(key)) {
      const args = ['rule', 'add', 'pref', String(r.priority), ...r.selector, 'table', String(r.table)];
      await check(runner, 'ip', ['-4', ...args], { netns });
      changes.rules++;
    }
  return changes;
}

/** Removes every rule, route and chain of ours; a no-op when there is none. Returns what it removed. */
export async function removeTproxy(runner: ProcessRunner, netns: string): Promise<TproxyChanges> {
  const changes: TproxyChanges = { chains: false, jumps: 0, rules: 0, routes: 0 };
  for (const j of JUMPS)
    while ((await ipt(runner, netns, ['-C', j.chain, ...j.rule])).code === 0) {
      await check(runner, 'iptables', ['-w', '-t', 'mangle', '-D', j.chain, ...j.rule], { netns });
      changes.jumps++;
    }
  const have = ourChainLines(await check(runner, 'iptables-save', ['-t', 'mangle'], { netns }));
  for (const chain of have.keys()) {
    await check(runner, 'iptables', ['-w', '-t', 'mangle', '-F', chain], { netns });
    await check(runner, 'iptables', ['-w', '-t', 'mangle', '-X', chain], { netns });
    changes.chains = true;
  }
  for (const key of (await observedRules(runner, netns)).keys()) {
    await check(runner, 'ip', ['-4', ...delArgs(key)], { netns });
    changes.rules++;
  }
  for (const [table] of TABLE_ROUTES) {
    if ((await tableRoutes(runner, netns, table)) !== '') {
      await check(runner, 'ip', ['-4', 'route', 'flush', 'table', String(table)], { netns });
      changes.routes++;
    }
  }
  return changes;
}
