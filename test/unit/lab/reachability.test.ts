// The reachability plan and verdicts, table by table: own gateway and own VPC reachable, other VPCs not, and an
// address shared across VPCs reported as ambiguous rather than passed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  planProbes,
  renderTable,
  summarize,
  verdict,
  type PodEndpoint,
  type ProbeResult,
} from '../../../src/lab/reachability.ts';

const pod = (namespace: string, name: string, vpc: string, ip: string): PodEndpoint => ({
  namespace,
  name,
  ip,
  vpc,
  subnet: `${vpc}-net`,
  gateway: '10.0.1.1',
});

const a1 = pod('ns1', 'a1', 'vpc-a', '10.0.1.2');
const a2 = pod('ns1', 'a2', 'vpc-a', '10.0.1.3');
const b1 = pod('ns2', 'b1', 'vpc-b', '10.0.1.2');
const b3 = pod('ns2', 'b3', 'vpc-b', '10.0.1.4');

void test('planProbes: expectations per pair', () => {
  const probes = planProbes([b3, a2, b1, a1]);
  const table = probes.map(
    (p) => `${p.from.name}->${p.to}:${p.expect}${p.shadowedBy ? `@${p.shadowedBy}` : ''}`,
  );
  assert.deepEqual(table, [
    'a1->gateway:reachable',
    'a1->ns1/a2:reachable',
    'a1->ns2/b1:ambiguous@ns1/a1',
    'a1->ns2/b3:unreachable',
    'a2->gateway:reachable',
    'a2->ns1/a1:reachable',
    'a2->ns2/b1:ambiguous@ns1/a1',
    'a2->ns2/b3:unreachable',
    'b1->gateway:reachable',
    'b1->ns1/a1:ambiguous@ns2/b1',
    'b1->ns1/a2:unreachable',
    'b1->ns2/b3:reachable',
    'b3->gateway:reachable',
    'b3->ns1/a1:ambiguous@ns2/b1',
    'b3->ns1/a2:unreachable',
    'b3->ns2/b1:reachable',
  ]);
});

void test('planProbes: a target with a port is probed over http, which decides a shared address', () => {
  const b1web = { ...b1, port: 80 };
  const probes = planProbes([a1, a2, b1web]);
  const toB1 = probes.filter((p) => p.to === 'ns2/b1');
  assert.deepEqual(
    toB1.map((p) => [p.from.name, p.method, p.port, p.expect, p.shadowedBy]),
    [
      ['a1', 'http', 80, 'unreachable', undefined],
      ['a2', 'http', 80, 'unreachable', undefined],
    ],
  );
  assert.ok(probes.filter((p) => p.to === 'gateway').every((p) => p.method === 'ping'));
  assert.ok(probes.filter((p) => p.to === 'ns1/a1').every((p) => p.method === 'ping'));
});

void test('verdict: each expectation against each outcome', () => {
  const base = planProbes([a1, b3])[0]!;
  const cases: [ProbeResult['expect'], boolean, string][] = [
    ['reachable', true, 'ok'],
    ['reachable', false, 'FAIL'],
    ['unreachable', false, 'ok'],
    ['unreachable', true, 'FAIL'],
    ['ambiguous', true, 'n/a'],
    ['ambiguous', false, 'n/a'],
  ];
  for (const [expect, reached, want] of cases) {
    assert.equal(verdict({ ...base, expect, reached }), want, `${expect}/${reached}`);
  }
});

void test('renderTable and summarize', () => {
  const results = planProbes([a1, b3]).map((p) => ({ ...p, reached: p.expect === 'reachable' }));
  const text = renderTable(results);
  const lines = text.split('\n');
  assert.match(lines[0]!, /^FROM\s+VPC\s+TO\s+ADDRESS\s+PROBE\s+SAME VPC\s+RESULT\s+EXPECTED\s+VERDICT$/);
  assert.equal(lines.length, 1 + results.length);
  assert.match(
    lines[1]!,
    /^ns1\/a1\s+vpc-a\s+gateway\s+10\.0\.1\.1\s+ping\s+yes\s+reached\s+reachable\s+ok$/,
  );
  assert.match(
    lines[2]!,
    /^ns1\/a1\s+vpc-a\s+ns2\/b3\s+10\.0\.1\.4\s+ping\s+no\s+no answer\s+unreachable\s+ok$/,
  );
  const shadowed = renderTable([
    { ...results[1]!, method: 'http', port: 80, reached: false, answeredBy: 'ns1/a2' },
  ]).split('\n')[1]!;
  assert.match(shadowed, /http:80\s+no\s+answered by ns1\/a2\s+unreachable\s+ok$/);
  assert.deepEqual(summarize(results), { ok: 4, failed: 0, skipped: 0 });
  assert.deepEqual(summarize([{ ...results[1]!, reached: true }]), { ok: 0, failed: 1, skipped: 0 });
});
