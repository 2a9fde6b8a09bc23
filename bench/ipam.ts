/**
 * IPAM benchmark (prints figures, asserts nothing): rebuild time for 10,000 pods across 100 subnets (Kube-OVN's
 * issue #1418 reports ~200 s for IPAM init at 10k pods) and beyond, and allocate/release throughput in a /16 against
 * a naive baseline run in the same process on the same operation sequence (lowest free address found by a linear
 * scan over Sets of used/released/excluded bigint addresses, same released-list semantics).
 * Usage: node bench/ipam.ts
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { formatIp, parseCidr, usableRange } from '../src/net/ip.ts';
import { Ipam } from '../src/ipam/ipam.ts';
import { formatMac, seededRandom, type RandomBytes } from '../src/ipam/mac.ts';
import type { SubnetSpec } from '../src/ipam/subnet-spec.ts';
import type { ExistingAllocation } from '../src/ipam/types.ts';

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits });
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

/** A random integer in [0, n) from the byte source. */
const randInt = (random: RandomBytes, n: number): number => {
  const b = random(4);
  return (((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0) % n;
};

// ---- rebuild ----------------------------------------------------------------------------------------------

function cluster(
  subnetCount: number,
  podsPerSubnet: number,
  prefix: number,
): { specs: SubnetSpec[]; allocations: ExistingAllocation[] } {
  const random = seededRandom(42);
  const specs: SubnetSpec[] = [];
  const allocations: ExistingAllocation[] = [];
  for (let i = 0; i < subnetCount; i++) {
    const dual = i % 4 === 0;
    const v4 = parseCidr(`10.${i}.0.0/${prefix}`)!;
    const v6 = parseCidr(`fd00:${i.toString(16)}::/112`)!;
    const name = `vpc${i % 10}-net${i}`;
    specs.push({
      name,
      cidrBlock: dual ? `10.${i}.0.0/${prefix},fd00:${i.toString(16)}::/112` : `10.${i}.0.0/${prefix}`,
      excludeIps: [`10.${i}.0.1`, `10.${i}.0.100..10.${i}.0.120`],
    });
    // Pods on scattered addresses (as after months of churn), above the excluded block.
    const { first, last } = usableRange(v4);
    const used = new Set<bigint>();
    for (let p = 0; p < podsPerSubnet; p++) {
      let off: bigint;
      do off = 200n + BigInt(randInt(random, Number(last - first - 200n)));
      while (used.has(off));
      used.add(off);
      const ips = [formatIp(4, first + off)];
      if (dual) ips.push(formatIp(6, v6.network + 2n + BigInt(p)));
      allocations.push({
        subnet: name,
        owner: `pod-${i}-${p}.ns${i % 10}`,
        ips: ips.join(','),
        mac: formatMac(random(6).map((b, k) => (k === 0 ? (b & 0xfe) | 2 : b))),
      });
    }
  }
  return { specs, allocations };
}

function benchRebuild(subnetCount: number, pods: number, prefix: number, runs: number): void {
  const { specs, allocations } = cluster(subnetCount, pods / subnetCount, prefix);
  const bulk: number[] = [];
  let restored = 0;
  let problems = 0;
  for (let r = 0; r < runs; r++) {
    const ipam = new Ipam({ random: seededRandom(r) });
    bulk.push(
      time(() => {
        const report = ipam.rebuild(specs, allocations);
        restored = report.restored;
        problems = report.allocations.length;
      }),
    );
  }
  const sequential: number[] = [];
  for (let r = 0; r < (pods > 50_000 ? 1 : Math.min(runs, 3)); r++) {
    const ipam = new Ipam({ random: seededRandom(r) });
    sequential.push(
      time(() => {
        for (const spec of specs) ipam.addOrUpdateSubnet(spec);
        for (const { subnet, owner, ips, mac } of allocations) ipam.allocate(subnet, owner, { ips, mac });
      }),
    );
  }
  console.log(
    `rebuild ${fmt(pods)} pods across ${subnetCount} /${prefix} subnets (${Math.ceil(subnetCount / 4)} dual-stack): ` +
      `median ${fmt(median(bulk), 1)} ms, min ${fmt(Math.min(...bulk), 1)} ms over ${runs} runs ` +
      `(${fmt(restored)} restored, ${problems} refused); one allocate() per pod instead: median ${fmt(median(sequential), 1)} ms`,
  );
}

// ---- allocate/release throughput in a /16 ----------------------------------------------------------------------

type Op = { kind: 'alloc' | 'release'; owner: string };

/** Prefill with `inUse` owners, then `count` ops alternating release of a random live owner and a new allocation. */
function churnOps(inUse: number, count: number): { prefill: Op[]; churn: Op[] } {
  const random = seededRandom(7);
  const live: string[] = [];
  const prefill: Op[] = [];
  let next = 0;
  for (; next < inUse; next++) {
    live.push(`pod${next}`);
    prefill.push({ kind: 'alloc', owner: `pod${next}` });
  }
  const churn: Op[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 2 === 0) {
      const k = randInt(random, live.length);
      churn.push({ kind: 'release', owner: live[k]! });
      live[k] = live[live.length - 1]!;
      live.pop();
    } else {
      live.push(`pod${next}`);
      churn.push({ kind: 'alloc', owner: `pod${next++}` });
    }
  }
  return { prefill, churn };
}

/** An allocation's address (string from kovn, bigint from the naive allocator: formatted after timing). */
type Outcome = string | bigint | undefined;

interface Allocator {
  run(op: Op): Outcome;
  /** Allocations from an empty pool (not measured). */
  prefill(ops: Op[]): void;
}

class RangeListAllocator implements Allocator {
  readonly ipam = new Ipam({ random: seededRandom(1) });
  constructor(spec: SubnetSpec) {
    this.ipam.addOrUpdateSubnet(spec);
  }
  run(op: Op): Outcome {
    if (op.kind === 'release') {
      this.ipam.release('big', op.owner);
      return undefined;
    }
    const r = this.ipam.allocate('big', op.owner);
    return r.ok ? r.allocation.ipAddress : r.reason;
  }
  prefill(ops: Op[]): void {
    for (const op of ops) this.run(op);
  }
}

/** The naive way: Sets of bigint, lowest free address by linear scan; released reused once nothing else is free. */
class NaiveAllocator implements Allocator {
  readonly used = new Set<bigint>();
  readonly released = new Set<bigint>();
  readonly reserved = new Set<bigint>();
  readonly owners = new Map<string, bigint>();
  readonly first: bigint;
  readonly last: bigint;
  constructor(first: bigint, last: bigint, reserved: [bigint, bigint][]) {
    this.first = first;
    this.last = last;
    for (const [a, b] of reserved) for (let v = a; v <= b; v++) this.reserved.add(v);
  }
  /** From an empty pool the scan would hand out addresses in order: do that in one pass (the scan is O(n) each). */
  prefill(ops: Op[]): void {
    let v = this.first;
    for (const op of ops) {
      while (this.reserved.has(v)) v++;
      this.used.add(v);
      this.owners.set(op.owner, v++);
    }
  }
  #scan(): bigint | undefined {
    for (let v = this.first; v <= this.last; v++) {
      if (!this.used.has(v) && !this.reserved.has(v) && !this.released.has(v)) return v;
    }
    return undefined;
  }
  run(op: Op): Outcome {
    if (op.kind === 'release') {
      const ip = this.owners.get(op.owner);
      if (ip === undefined) return undefined;
      this.owners.delete(op.owner);
      this.used.delete(ip);
      if (!this.reserved.has(ip)) this.released.add(ip);
      return undefined;
    }
    let ip = this.#scan();
    if (ip === undefined && this.released.size > 0) {
      this.released.clear();
      ip = this.#scan();
    }
    if (ip === undefined) return 'NoAvailableAddress';
    this.used.add(ip);
    this.owners.set(op.owner, ip);
    return ip;
  }
}

function measure(
  make: () => Allocator,
  prefill: Op[],
  ops: Op[],
): { opsPerSec: number; outcomes: Outcome[] } {
  const a = make();
  a.prefill(prefill);
  const outcomes: Outcome[] = [];
  const ms = time(() => {
    for (const op of ops) outcomes.push(a.run(op));
  });
  return {
    opsPerSec: (ops.length / ms) * 1000,
    outcomes: outcomes.map((o) => (typeof o === 'bigint' ? formatIp(4, o) : o)),
  };
}

function benchThroughput(): void {
  const spec: SubnetSpec = {
    name: 'big',
    cidrBlock: '10.0.0.0/16',
    excludeIps: ['10.0.0.1..10.0.0.50', '10.0.128.0..10.0.128.255'],
  };
  const { first, last } = usableRange(parseCidr(spec.cidrBlock)!);
  const base = first - 1n;
  const reserved: [bigint, bigint][] = [
    [base + 1n, base + 50n],
    [base + 128n * 256n, base + 128n * 256n + 255n],
  ];
  const ranges = () => new RangeListAllocator(spec);
  const naive = () => new NaiveAllocator(first, last, reserved);

  const fill: Op[] = [];
  const fillOps: Op[] = Array.from({ length: 65_000 }, (_, i) => ({ kind: 'alloc', owner: `f${i}` }));
  measure(ranges, fill, fillOps.slice(0, 5000)); // warm-up
  const fillRanges = measure(ranges, fill, fillOps);
  const fillNaive = measure(naive, fill, fillOps.slice(0, 4000));
  const sameFill = fillNaive.outcomes.every((v, i) => v === fillRanges.outcomes[i]);
  console.log(
    `/16 fill from empty, dynamic allocate: range lists ${fmt(fillRanges.opsPerSec)} ops/s (65,000 allocations); ` +
      `naive ${fmt(fillNaive.opsPerSec)} ops/s (first 4,000 only); ratio ${fmt(fillRanges.opsPerSec / fillNaive.opsPerSec, 1)}x; ` +
      `same addresses: ${sameFill ? 'yes' : 'NO'}`,
  );

  const { prefill, churn } = churnOps(30_000, 100_000);
  measure(ranges, prefill, churn.slice(0, 10_000)); // warm-up
  const churnRanges = measure(ranges, prefill, churn);
  const churnNaive = measure(naive, prefill, churn.slice(0, 1000));
  const sameChurn = churnNaive.outcomes.every((v, i) => v === churnRanges.outcomes[i]);
  console.log(
    `/16 churn with 30,000 in use (alternating release of a random pod and allocate): range lists ` +
      `${fmt(churnRanges.opsPerSec)} ops/s (100,000 ops); naive ${fmt(churnNaive.opsPerSec)} ops/s (first 1,000 ops); ` +
      `ratio ${fmt(churnRanges.opsPerSec / churnNaive.opsPerSec, 1)}x; same addresses: ${sameChurn ? 'yes' : 'NO'}`,
  );
}

console.log(
  `kovn IPAM benchmark — node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'} x${cpus().length}`,
);
benchRebuild(100, 1000, 20, 1); // warm-up
benchRebuild(100, 10_000, 20, 7);
console.log('  anchor: Kube-OVN issue #1418 reports ~200 s of IPAM initialisation at 10,000 pods');
benchRebuild(100, 150_000, 16, 3);
benchThroughput();
