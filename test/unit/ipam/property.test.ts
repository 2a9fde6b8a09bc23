// Property tests: random allocate/static/release/update sequences against a brute-force model of Kube-OVN's
// IPAM (plain Sets over a small dual-stack subnet), plus the invariants the brief names explicitly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatIp, type Family } from '../../../src/net/ip.ts';
import { Ipam } from '../../../src/ipam/ipam.ts';
import { seededRandom } from '../../../src/ipam/mac.ts';
import type { SubnetAllocator } from '../../../src/ipam/subnet.ts';
import type { AllocateResult } from '../../../src/ipam/types.ts';
import { subnet } from './helpers.ts';

// 10.0.0.0/27 and fd00::/123: 32 addresses each, usable offsets 1..30. Offsets beyond test out-of-range handling.
const BASE: Record<Family, bigint> = { 4: 0x0a000000n, 6: 0xfd00n << 112n };
const FIRST = 1;
const LAST = 30;
const FAMILIES: Family[] = [4, 6];
const CIDR = '10.0.0.0/27,fd00::/123';

const addr = (family: Family, offset: number): string => formatIp(family, BASE[family] + BigInt(offset));

interface Model {
  gateway: Record<Family, number>;
  reserved: Record<Family, Set<number>>;
  free: Record<Family, Set<number>>;
  released: Record<Family, Set<number>>;
  using: Record<Family, Set<number>>;
  owners: Map<string, Partial<Record<Family, number>>>;
}

const usable = (): number[] => Array.from({ length: LAST - FIRST + 1 }, (_, i) => FIRST + i);

function reservedSet(gateway: number, excluded: [number, number][]): Set<number> {
  const set = new Set<number>([gateway]);
  for (const [a, b] of excluded) for (let v = Math.max(a, FIRST); v <= Math.min(b, LAST); v++) set.add(v);
  return set;
}

function newModel(gateway: Record<Family, number>, excluded: Record<Family, [number, number][]>): Model {
  const m: Model = {
    gateway,
    reserved: { 4: new Set(), 6: new Set() },
    free: { 4: new Set(), 6: new Set() },
    released: { 4: new Set(), 6: new Set() },
    using: { 4: new Set(), 6: new Set() },
    owners: new Map(),
  };
  for (const f of FAMILIES) rebuildFamily(m, f, reservedSet(gateway[f], excluded[f]));
  return m;
}

function rebuildFamily(m: Model, f: Family, reserved: Set<number>): void {
  m.reserved[f] = reserved;
  m.using[f] = new Set([...m.owners.values()].flatMap((o) => (o[f] === undefined ? [] : [o[f]])));
  m.free[f] = new Set(usable().filter((v) => !reserved.has(v) && !m.using[f].has(v)));
  m.released[f] = new Set();
}

type Expect = { ok: true; ips: Record<Family, number> } | { ok: false; reason: string };

function modelAllocate(m: Model, owner: string, statics: Partial<Record<Family, number>>): Expect {
  for (const f of FAMILIES) {
    const v = statics[f];
    if (v === undefined) continue;
    if (v < FIRST || v > LAST) return { ok: false, reason: 'AddressOutOfRange' };
    if (v === m.gateway[f]) return { ok: false, reason: 'GatewayConflict' };
    const holder = [...m.owners].find(([o, ips]) => o !== owner && ips[f] === v);
    if (holder) return { ok: false, reason: 'AddressConflict' };
  }
  const existing = m.owners.get(owner) ?? {};
  for (const f of FAMILIES) {
    if (statics[f] === undefined && existing[f] === undefined && m.free[f].size + m.released[f].size === 0) {
      return { ok: false, reason: 'NoAvailableAddress' };
    }
  }
  const record = { ...existing };
  for (const f of FAMILIES) {
    const old = record[f];
    const wanted = statics[f];
    if (wanted === undefined ? old !== undefined : old === wanted) continue;
    let ip: number;
    if (wanted === undefined) {
      if (m.free[f].size === 0) [m.free[f], m.released[f]] = [m.released[f], new Set()];
      ip = Math.min(...m.free[f]);
      m.free[f].delete(ip);
    } else {
      ip = wanted;
      if (!m.free[f].delete(ip)) m.released[f].delete(ip);
    }
    m.using[f].add(ip);
    record[f] = ip;
    if (old !== undefined) giveBack(m, f, old);
  }
  m.owners.set(owner, record);
  return { ok: true, ips: { 4: record[4]!, 6: record[6]! } };
}

function giveBack(m: Model, f: Family, ip: number): void {
  if (!m.using[f].delete(ip)) return;
  if (!m.reserved[f].has(ip)) m.released[f].add(ip);
}

function modelRelease(m: Model, owner: string): boolean {
  const record = m.owners.get(owner);
  if (!record) return false;
  for (const f of FAMILIES) if (record[f] !== undefined) giveBack(m, f, record[f]);
  m.owners.delete(owner);
  return true;
}

/** Brute-force range string of a set of offsets. */
function rangeString(f: Family, values: Iterable<number>): string {
  const sorted = [...values].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? addr(f, sorted[i]!) : `${addr(f, sorted[i]!)}-${addr(f, sorted[j]!)}`);
    i = j + 1;
  }
  return parts.join(',');
}

function checkInvariants(s: SubnetAllocator, m: Model): void {
  const seen = new Map<string, string>();
  for (const owner of s.owners()) {
    const a = s.get(owner)!;
    for (const ip of [a.v4, a.v6]) {
      assert.ok(ip !== undefined);
      assert.equal(seen.get(ip), undefined, `${ip} handed out twice (${owner}, ${seen.get(ip)})`);
      seen.set(ip, owner);
    }
  }
  const status = s.status();
  for (const f of FAMILIES) {
    const usingUnreserved = [...m.using[f]].filter((v) => !m.reserved[f].has(v));
    const available = usable().filter((v) => !m.reserved[f].has(v) && !m.using[f].has(v));
    // counters as the reference defines them: usable − excluded − using, using without excluded addresses
    assert.equal(available.length, usable().length - m.reserved[f].size - usingUnreserved.length);
    const p = f === 4 ? 'v4' : 'v6';
    assert.equal(status[`${p}availableIPs`], available.length, `${p}availableIPs`);
    assert.equal(status[`${p}usingIPs`], usingUnreserved.length, `${p}usingIPs`);
    assert.equal(status[`${p}availableIPrange`], rangeString(f, available));
    assert.equal(status[`${p}usingIPrange`], rangeString(f, usingUnreserved));
  }
}

const offset = fc.integer({ min: 0, max: 33 });
const excludedItems = fc.array(
  fc
    .tuple(fc.integer({ min: 0, max: 33 }), fc.integer({ min: 0, max: 6 }))
    .map(([a, len]): [number, number] => [a, a + len]),
  { maxLength: 4 },
);
const owner = fc.integer({ min: 0, max: 9 }).map((i) => `o${i}`);
const command = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('alloc' as const), owner }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('static' as const),
      owner,
      v4: fc.option(offset, { nil: undefined }),
      v6: fc.option(offset, { nil: undefined }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('release' as const), owner }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('update' as const), v4: excludedItems, v6: excludedItems }),
  },
);

const items = (f: Family, ranges: [number, number][]): string[] =>
  ranges.map(([a, b]) => (a === b ? addr(f, a) : `${addr(f, a)}..${addr(f, b)}`));

void test('property: random sequences match the model; no address twice; no excluded/gateway address dynamically; counters hold', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: FIRST, max: LAST }),
      excludedItems,
      excludedItems,
      fc.array(command, { maxLength: 80 }),
      (gw4, ex4, ex6, commands) => {
        const gateway = `${addr(4, gw4)},${addr(6, FIRST)}`;
        const spec = {
          name: 'net1',
          cidrBlock: CIDR,
          gateway,
          excludeIps: [...items(4, ex4), ...items(6, ex6)],
        };
        const s = subnet(spec, seededRandom(gw4));
        const m = newModel({ 4: gw4, 6: FIRST }, { 4: ex4, 6: ex6 });
        checkInvariants(s, m);
        for (const cmd of commands) {
          if (cmd.op === 'release') {
            assert.equal(s.release(cmd.owner), modelRelease(m, cmd.owner));
          } else if (cmd.op === 'update') {
            assert.ok(s.update({ ...spec, excludeIps: [...items(4, cmd.v4), ...items(6, cmd.v6)] }).ok);
            for (const f of FAMILIES) {
              const next = reservedSet(m.gateway[f], f === 4 ? cmd.v4 : cmd.v6);
              const same = next.size === m.reserved[f].size && [...next].every((v) => m.reserved[f].has(v));
              if (!same) rebuildFamily(m, f, next);
            }
          } else {
            const statics: Partial<Record<Family, number>> = {};
            if (cmd.op === 'static' && cmd.v4 !== undefined) statics[4] = cmd.v4;
            if (cmd.op === 'static' && cmd.v6 !== undefined) statics[6] = cmd.v6;
            const ips = FAMILIES.flatMap((f) => (statics[f] === undefined ? [] : [addr(f, statics[f])]));
            const before = m.owners.get(cmd.owner);
            const expected = modelAllocate(m, cmd.owner, statics);
            const result: AllocateResult = s.allocate(cmd.owner, { ips });
            if (!expected.ok) {
              assert.ok(!result.ok, `expected ${expected.reason}, got ${JSON.stringify(result)}`);
              assert.equal(result.reason, expected.reason);
            } else {
              assert.ok(result.ok, `expected an allocation, got ${JSON.stringify(result)}`);
              assert.equal(
                result.allocation.ipAddress,
                `${addr(4, expected.ips[4])},${addr(6, expected.ips[6])}`,
              );
              for (const f of FAMILIES) {
                const dynamic = statics[f] === undefined && before?.[f] === undefined;
                if (dynamic)
                  assert.ok(
                    !m.reserved[f].has(expected.ips[f]),
                    'excluded or gateway address handed out dynamically',
                  );
              }
            }
          }
          checkInvariants(s, m);
        }
      },
    ),
    { numRuns: 250 },
  );
});

void test('property: rebuild from the recorded allocations restores the same assignments and counters', () => {
  fc.assert(
    fc.property(excludedItems, fc.array(command, { maxLength: 60 }), (ex4, commands) => {
      const spec = { name: 'net1', cidrBlock: CIDR, excludeIps: items(4, ex4) };
      const live = new Ipam({ random: seededRandom(3) });
      live.addOrUpdateSubnet(spec);
      for (const cmd of commands) {
        if (cmd.op === 'release') live.release('net1', cmd.owner);
        else if (cmd.op === 'alloc') live.allocate('net1', cmd.owner);
        else if (cmd.op === 'static') {
          const ips = [
            cmd.v4 === undefined ? [] : [addr(4, cmd.v4)],
            cmd.v6 === undefined ? [] : [addr(6, cmd.v6)],
          ].flat();
          live.allocate('net1', cmd.owner, { ips });
        }
      }
      const s = live.subnet('net1')!;
      const recorded = [...s.owners()].map((o) => {
        const a = s.get(o)!;
        return { subnet: 'net1', owner: o, ips: a.ipAddress, mac: a.mac };
      });
      const restored = new Ipam({ random: seededRandom(4) });
      const report = restored.rebuild([spec], recorded.reverse());
      assert.deepEqual(report.allocations, []);
      const r = restored.subnet('net1')!;
      assert.deepEqual(r.status(), s.status());
      for (const { owner: o } of recorded) assert.deepEqual(r.get(o), s.get(o));
    }),
    { numRuns: 150 },
  );
});
