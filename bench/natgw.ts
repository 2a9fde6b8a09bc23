/**
 * NAT gateway benchmark (prints figures, asserts nothing): 1,000 DNAT rules on one gateway, in a network namespace
 * made for the run and removed after it, through BOTH rule backends in the same run (src/natgw/backends.ts): the
 * whole set in ONE write (`iptables-restore --noflush` of kovn's chains; one `nft -f` transaction replacing
 * `table ip kovn-nat`), a change of one rule (re-render + one write), the agent's full apply path for that change
 * (check pass + read back + compare + write), and the periodic verify of an unchanged set (read back + compare, no
 * write). The reference's way, measured in the same run on the same rules: one `iptables -t nat -A` process per rule
 * (what nat-gateway.sh does per dnat-add, without its `kubectl exec` round trip, so the baseline is flattered), and a
 * change as `-D` + `-A`. Needs root.
 * Usage: node bench/natgw.ts [--rules N] [--runs R] [--baseline-runs B]   (ratio = baseline time / ours)
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { findFailing } from '../src/natgw/apply.ts';
import { ruleBackend, type BackendName, type RuleBackend, type Run } from '../src/natgw/backends.ts';
import { ruleLines } from '../src/natgw/iptables-rules.ts';
import { parseNftTable } from '../src/natgw/nft-observe.ts';
import { ruleId, type NatRule } from '../src/natgw/rules.ts';
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
const runIn: Run = (cmd, args, input) =>
  processRunner.run(cmd, args, { netns, ...(input === undefined ? {} : { input }) });

/** How many DNATs the backend holds, read from the kernel. */
async function countRules(name: BackendName): Promise<number> {
  if (name === 'iptables')
    return (await run('iptables-save', ['-t', 'nat']))
      .split('\n')
      .filter((l) => l.startsWith('-A SHARED_DNAT')).length;
  const set = parseNftTable(await run('nft', ['-j', 'list', 'table', 'ip', 'kovn-nat']));
  return set.chains.find((c) => c.name === 'SHARED_DNAT')?.rules.length ?? 0;
}

interface Figures {
  all: number[];
  one: number[];
  agent: number[];
  verify: number[];
}

/** One run of our way through one backend, from a namespace holding none of kovn's rules. */
async function ours(b: RuleBackend, rules: NatRule[], changed: NatRule[], f: Figures): Promise<void> {
  const ids = (rs: NatRule[]) => new Set(rs.map(ruleId));
  await b.remove(await b.observe());
  const empty = await b.observe();
  f.all.push(await timed(() => b.write(rules, opts, ids(rules), empty)));
  if ((await countRules(b.name)) !== RULES) throw new Error(`${b.name}: wrong rule count after one write`);
  const held = await b.observe();
  f.one.push(await timed(() => b.write(changed, opts, ids(changed), held)));
  f.agent.push(
    await timed(async () => {
      const failing = await findFailing(rules, (set) => b.test(rules, opts, set));
      if (failing.size) throw new Error(`${b.name}: unexpected failing rules`);
      const now = await b.observe();
      if (now.canonical === b.wanted(rules, opts, ids(rules)))
        throw new Error(`${b.name}: nothing to change?`);
      await b.write(rules, opts, ids(rules), now);
    }),
  );
  f.verify.push(
    await timed(async () => {
      const now = await b.observe();
      if (now.canonical !== b.wanted(rules, opts, ids(rules))) throw new Error(`${b.name}: not converged`);
    }),
  );
  if ((await countRules(b.name)) !== RULES)
    throw new Error(`${b.name}: wrong rule count after the agent path`);
  await b.remove(await b.observe());
}

/** The reference's way: one `iptables` process per rule into kovn's (empty) chains, and a change as -D + -A. */
async function perRule(rules: NatRule[], changed: NatRule[]): Promise<{ all: number; change: number }> {
  const b = ruleBackend('iptables', runIn, netns);
  await b.write([], opts, new Set(), await b.observe());
  const all = await timed(async () => {
    for (const r of rules)
      for (const { chain, args } of ruleLines(r, opts))
        await run('iptables', ['-t', 'nat', '-A', chain, ...args.split(' ')]);
  });
  if ((await countRules('iptables')) !== RULES) throw new Error('per rule: wrong rule count');
  const old = rules[RULES >> 1]!;
  const neu = changed[RULES >> 1]!;
  const change = await timed(async () => {
    for (const { chain, args } of ruleLines(old, opts))
      await run('iptables', ['-t', 'nat', '-D', chain, ...args.split(' ')]);
    for (const { chain, args } of ruleLines(neu, opts))
      await run('iptables', ['-t', 'nat', '-A', chain, ...args.split(' ')]);
  });
  await b.remove(await b.observe());
  return { all, change };
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0)
    throw new Error('bench:natgw needs root (a network namespace, iptables, nft)');
  await check(processRunner, 'ip', ['netns', 'add', netns]);
  try {
    const rules = dnats(RULES);
    const changed = rules.map((r, i) =>
      i === RULES >> 1 && r.kind === 'dnat' ? { ...r, internalPort: 8080 } : r,
    );
    const names: BackendName[] = ['iptables', 'nftables'];
    const figures = new Map(names.map((n) => [n, { all: [], one: [], agent: [], verify: [] }]));
    const baseline: { all: number; change: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      for (const n of names) await ours(ruleBackend(n, runIn, netns), rules, changed, figures.get(n)!);
      process.stderr.write(`run ${i + 1}/${RUNS} (one write per backend) done\n`);
      if (i >= BASELINE_RUNS) continue;
      baseline.push(await perRule(rules, changed));
      process.stderr.write(`baseline run ${i + 1}/${BASELINE_RUNS} (per rule) done\n`);
    }
    report(figures, {
      all: median(baseline.map((b) => b.all)),
      change: median(baseline.map((b) => b.change)),
    });
  } finally {
    await processRunner.run('ip', ['netns', 'delete', netns]);
  }
}

function report(figures: Map<BackendName, Figures>, baseline: { all: number; change: number }): void {
  const m = (n: BackendName, k: keyof Figures): number => median(figures.get(n)![k]);
  const ms = (v: number): string => `${fmt(v, 1)} ms`.padStart(12);
  console.log(
    `bench:natgw — ${fmt(RULES)} DNAT rules on one gateway namespace, median of ${RUNS} runs (baseline ${BASELINE_RUNS})`,
  );
  console.log(`${''.padEnd(44)}${'iptables'.padStart(12)}${'nftables'.padStart(12)}`);
  const row = (label: string, k: keyof Figures) =>
    console.log(`  ${label.padEnd(42)}${ms(m('iptables', k))}${ms(m('nftables', k))}`);
  row('apply all, one write', 'all');
  row('change one, re-render + one write', 'one');
  row('change one, agent path (check+read+write)', 'agent');
  row('verify unchanged (read + compare)', 'verify');
  console.log(
    `  apply all, per-rule iptables -A (baseline) ${ms(baseline.all)}   ratio ${fmt(baseline.all / m('iptables', 'all'), 1)}x (iptables), ${fmt(baseline.all / m('nftables', 'all'), 1)}x (nftables)`,
  );
  console.log(
    `  change one, iptables -D + -A (baseline)    ${ms(baseline.change)}   ratio ${fmt(baseline.change / m('iptables', 'one'), 2)}x (iptables), ${fmt(baseline.change / m('nftables', 'one'), 2)}x (nftables)`,
  );
}

await main();
