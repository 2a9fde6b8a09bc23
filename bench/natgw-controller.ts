/**
 * bench:natgw-controller — the controller side of the NAT gateway at scale: N DNAT rules on one EIP of one gateway,
 * through the real NAT reconcilers (in-memory informers, a real NB; reconcile-harness.ts). Figures: (a) from start to
 * every rule's status written (`v4ip`, labels, finalizer), with the writes it took; (b) from the gateway agent's report
 * (one annotation naming all N rules) to every rule `ready`; (c) one rule's spec changed until its status follows, and
 * the writes that took. The same scenario with a small N runs first as the baseline: per-rule cost at N divided by
 * per-rule cost at the baseline says whether the work grows linearly (1.0) or worse.
 *
 *   npm run bench:natgw-controller [-- --rules 1000 --baseline 10]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { KubeObject } from '../src/api/types.ts';
import {
  kubeovn,
  seed,
  settled,
  startController,
  startOvn,
  type Running,
} from '../test/integration/controller/reconcile-harness.ts';

const { values: flags } = parseArgs({
  options: { rules: { type: 'string', default: '1000' }, baseline: { type: 'string', default: '10' } },
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function objects(n: number): KubeObject[] {
  const cm = (name: string, data: Record<string, string>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'kube-system' },
    data,
  });
  const out: KubeObject[] = [
    ...seed().filter((o) => o.kind !== 'Pod'),
    cm('ovn-vpc-nat-config', { image: 'img' }),
    cm('ovn-vpc-nat-gw-config', { 'enable-vpc-nat-gw': 'true' }),
    kubeovn('Subnet', 'ovn-vpc-external-network', {
      protocol: 'IPv4',
      provider: 'ovn-vpc-external-network.kube-system',
      cidrBlock: '192.168.0.0/24',
      gateway: '192.168.0.1',
    }),
    kubeovn('VpcNatGateway', 'gw1', { vpc: 'test-vpc-1', subnet: 'net1', lanIp: '10.0.1.254' }),
    kubeovn('IptablesEIP', 'e1', { natGwDp: 'gw1' }),
  ];
  for (let i = 0; i < n; i++)
    out.push(
      kubeovn('IptablesDnatRule', `d${i}`, {
        eip: 'e1',
        externalPort: String(1000 + i),
        protocol: 'tcp',
        internalIp: '10.0.1.10',
        internalPort: '80',
      }),
    );
  return out;
}

const statusOf = (o: KubeObject | undefined) => (o?.['status'] ?? {}) as { v4ip?: string; ready?: boolean };

async function until(what: string, cond: () => boolean, limitMs = 600_000): Promise<number> {
  const start = performance.now();
  while (!cond()) {
    if (performance.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
  return performance.now() - start;
}

interface Figures {
  n: number;
  convergeMs: number;
  convergeWrites: number;
  readyMs: number;
  changeMs: number;
  changeWrites: number;
}

async function scenario(n: number): Promise<Figures> {
  const ovn = await startOvn();
  let running: Running | undefined;
  try {
    const start = performance.now();
    running = await startController(ovn, objects(n));
    const r = running;
    const rules = () => r.objects().filter((o) => o.kind === 'IptablesDnatRule');
    await until('every rule status', () => rules().filter((o) => statusOf(o).v4ip).length === n);
    const convergeMs = performance.now() - start;
    await settled(r);
    const convergeWrites = r.writer.writes;

    // The agent's report: one annotation on the gateway pod naming every rule.
    const report = {
      generation: 1,
      rules: Object.fromEntries([...Array(n).keys()].map((i) => [`dnat/d${i}`, { ok: true }])),
    };
    const t0 = performance.now();
    r.set({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'vpc-nat-gw-gw1-0',
        namespace: 'kube-system',
        annotations: { 'ovn.kubernetes.io/vpc_nat_gw': 'gw1', 'kovn.io/nat-applied': JSON.stringify(report) },
      },
      spec: { containers: [{ name: 'vpc-nat-gw', image: 'img' }] },
    });
    await until('every rule ready', () => rules().filter((o) => statusOf(o).ready === true).length === n);
    const readyMs = performance.now() - t0;
    await settled(r);

    // One rule moved to another port.
    const before = r.writer.writes;
    const target = r.get('IptablesDnatRule', 'd0')!;
    const t1 = performance.now();
    r.set({ ...target, spec: { ...(target.spec as object), externalPort: '65000' } });
    await until(
      'd0 follows',
      () =>
        (r.get('IptablesDnatRule', 'd0')?.['status'] as { externalPort?: string } | undefined)
          ?.externalPort === '65000',
    );
    const changeMs = performance.now() - t1;
    await settled(r);
    return { n, convergeMs, convergeWrites, readyMs, changeMs, changeWrites: r.writer.writes - before };
  } finally {
    await running?.stop();
    await ovn.cleanup();
  }
}

const fmt = (f: Figures) =>
  `${String(f.n).padStart(5)} rules: all statuses ${f.convergeMs.toFixed(0)} ms (${f.convergeWrites} writes, ` +
  `${(f.convergeMs / f.n).toFixed(2)} ms/rule); report -> all ready ${f.readyMs.toFixed(0)} ms ` +
  `(${(f.readyMs / f.n).toFixed(2)} ms/rule); one rule changed ${f.changeMs.toFixed(0)} ms, ${f.changeWrites} writes`;

const base = await scenario(Number(flags.baseline));
console.log(`baseline ${fmt(base)}`);
const big = await scenario(Number(flags.rules));
console.log(`scale    ${fmt(big)}`);
const ratio = (a: number, b: number) => (a / big.n / (b / base.n)).toFixed(2);
console.log(
  `per-rule cost at ${big.n} / at ${base.n}: statuses x${ratio(big.convergeMs, base.convergeMs)}, ` +
    `report -> ready x${ratio(big.readyMs, base.readyMs)}; writes per rule ${(big.convergeWrites / big.n).toFixed(1)} ` +
    `(baseline ${(base.convergeWrites / base.n).toFixed(1)})`,
);
