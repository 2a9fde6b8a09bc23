/**
 * Makes a node namespace's TProxy state what rules.ts renders, or removes all of it. Level-triggered and quiet:
 * everything is read first (iptables-save, `ip -j rule`, the two route tables) and only differences are written,
 * so converging twice writes nothing. Our chains are replaced whole (`iptables-restore --noflush`, which leaves
 * every other chain alone: the node agent's iptables helper, ../iptables.ts); our policy rules are recognised by
 * priority and table, nothing else is touched.
 */
import { check, type ProcessRunner } from '../../util/exec.ts';
import { applyOwnedChains, chainLines, removeOwnedChains, type OwnedChains } from '../iptables.ts';
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
import type { Netns } from '../agent/netns-path.ts';

const OUR_CHAINS = [OUTPUT_CHAIN, PREROUTING_CHAIN];
const MANGLE: OwnedChains = { family: 4, table: 'mangle', chains: OUR_CHAINS, jumps: JUMPS };
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
export const ourChainLines = (save: string): Map<string, string[]> => chainLines(save, OUR_CHAINS);

/** A table's routes; a table that does not exist yet has none. */
async function tableRoutes(runner: ProcessRunner, netns: Netns, table: number): Promise<string> {
  const r = await runner.run('ip', ['-4', 'route', 'show', 'table', String(table)], { netns });
  return r.code === 0 ? r.stdout.trim() : '';
}

async function observedRules(runner: ProcessRunner, netns: Netns): Promise<Map<string, ObservedRule>> {
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
  netns: Netns,
  targets: readonly ProbeTarget[],
  listenIp: string,
): Promise<TproxyChanges> {
  const changes: TproxyChanges = {
    ...(await applyOwnedChains(runner, netns, MANGLE, renderMangle(targets, listenIp))),
    rules: 0,
    routes: 0,
  };
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
export async function removeTproxy(runner: ProcessRunner, netns: Netns): Promise<TproxyChanges> {
  const changes: TproxyChanges = { ...(await removeOwnedChains(runner, netns, MANGLE)), rules: 0, routes: 0 };
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
