/**
 * NAT gateway benchmark (prints figures, asserts nothing): 1,000 DNAT rules on one gateway, in a network namespace
 * made for the run and removed after it. Our way: render the whole rule set and apply it with ONE iptables-restore
 * (all rules), then change one rule (re-render + one iptables-restore), and the agent's full apply path for that
 * change (test pass + restore). The reference's way, measured in the same run on the same rules: one `iptables -t
 * nat -A` process per rule (what nat-gateway.sh does per dnat-add, without its `kubectl exec` round trip, so the
 * baseline is flattered), and a change as `-D` + `-A`. Needs root.
 * Usage: node bench/natgw.ts [--rules N] [--runs R] [--baseline-runs B]   (ratio = baseline time / ours)
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { findFailing } from '../src/natgw/apply.ts';
import { renderRuleSet, ruleLines, type NatRule, type RuleId } from '../src/natgw/rules.ts';
import { check, processRunner } from '../src/util/exec.ts';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RULES = arg('rules', 1000);
const RUNS = arg('runs', 3);
/** The per-rule baseline grows with the table (each `iptables` call reads and rewrites it): fewer runs by default. */
const BASELINE_RUNS = arg('baseline-runs', 1);
const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits });
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const opts = { vpcIf: 'eth0', extIf: 'net1' };
const netns = `kovnbench${randomBytes(3).toString('hex')}`;

function dnats(n: number, target = 10): NatRule[] {
  return Array.from({ length: n }, (_, i) => ({
    kind: 'dnat' as const,
    name: `dnat-${i}`,
    eip: `192.168.${Math.floor(i / 200)}.${11 + (i % 200)}`,
    protocol: 'tcp',
    externalPort: 10000 + i,
    internalIp: `10.0.${Math.floor(i / 250)}.${target + (i % 200)}`,
    internalPort: 80,
  }));
}

const run = (cmd: string, args: string[], input?: string) =>
  check(processRunner, cmd, args, { netns, ...(input === undefined ? {} : { input }) });
async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}
const countRules = async (): Promise<number> =>
  (await run('iptables-save', ['-t', 'nat'])).split('\n').filter((l) => l.startsWith('-A SHARED_DNAT'))
    .length;

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('bench:natgw needs root (a network namespace, iptables)');
  await check(processRunner, 'ip', ['netns', 'add', netns]);
  try {
    const rules = dnats(RULES);
    const changed = rules.map((r, i) =>
      i === RULES >> 1 && r.kind === 'dnat' ? { ...r, internalPort: 8080 } : r,
    );
    const empty = renderRuleSet([], opts);
    const all: number[] = [];
    const one: number[] = [];
    const agent: number[] = [];
    const perRule: number[] = [];
    const perRuleChange: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await run('iptables-restore', [], empty);
      all.push(await timed(() => run('iptables-restore', [], renderRuleSet(rules, opts))));
      if ((await countRules()) !== RULES) throw new Error('restore: wrong rule count');
      one.push(await timed(() => run('iptables-restore', [], renderRuleSet(changed, opts))));
      agent.push(
        await timed(async () => {
          const text = renderRuleSet(rules, opts);
          const failing = await findFailing(rules, async (ids: Set<RuleId>) => {
            const r = await processRunner.run('iptables-restore', ['--test'], {
              netns,
              input: renderRuleSet(rules, opts, ids),
            });
            return r.code === 0 ? undefined : r.stderr;
          });
          if (failing.size) throw new Error('unexpected failing rules');
          await run('iptables-restore', [], text);
        }),
      );
      process.stderr.write(`run ${i + 1}/${RUNS} (one restore) done\n`);
      if (i >= BASELINE_RUNS) continue;
      await run('iptables-restore', [], empty);
      perRule.push(
        await timed(async () => {
          for (const r of rules)
            for (const { chain, args } of ruleLines(r, opts))
              await run('iptables', ['-t', 'nat', '-A', chain, ...args.split(' ')]);
        }),
      );
      if ((await countRules()) !== RULES) throw new Error('per rule: wrong rule count');
      const old = rules[RULES >> 1]!;
      const neu = changed[RULES >> 1]!;
      perRuleChange.push(
        await timed(async () => {
          for (const { chain, args } of ruleLines(old, opts))
            await run('iptables', ['-t', 'nat', '-D', chain, ...args.split(' ')]);
          for (const { chain, args } of ruleLines(neu, opts))
            await run('iptables', ['-t', 'nat', '-A', chain, ...args.split(' ')]);
        }),
      );
      process.stderr.write(`baseline run ${i + 1}/${BASELINE_RUNS} (per rule) done\n`);
    }
    const [a, o, g, p, pc] = [all, one, agent, perRule, perRuleChange].map(median) as [
      number,
      number,
      number,
      number,
      number,
    ];
    console.log(
      `bench:natgw — ${fmt(RULES)} DNAT rules on one gateway namespace, median of ${RUNS} runs (baseline ${BASELINE_RUNS})`,
    );
    console.log(`  apply all, one iptables-restore            ${fmt(a, 1).padStart(9)} ms`);
    console.log(
      `  apply all, per-rule iptables -A (baseline) ${fmt(p, 1).padStart(9)} ms   ratio ${fmt(p / a, 1)}x`,
    );
    console.log(`  change one, re-render + one restore        ${fmt(o, 1).padStart(9)} ms`);
    console.log(`  change one, agent path (test + restore)    ${fmt(g, 1).padStart(9)} ms`);
    console.log(
      `  change one, iptables -D + -A (baseline)    ${fmt(pc, 1).padStart(9)} ms   ratio ${fmt(pc / o, 2)}x`,
    );
  } finally {
    await processRunner.run('ip', ['netns', 'delete', netns]);
  }
}

await main();
