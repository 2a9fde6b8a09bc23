// What the topology page draws for a trace (src/cli/trace/ui-tracer.ts), from ovn-trace output captured on this
// machine's OVN (fixtures/trace: pods r1 10.20.3.11 and r2 10.20.3.12 in namespace rt, subnets rt-a, rt-b, rt-r):
// the element ids along the path, each router's decision lines, and the verdict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { VpcSpec } from '../../../src/api/kinds/vpc.ts';
import { parseTrace } from '../../../src/cli/trace/parse.ts';
import { renderRouter } from '../../../src/cli/trace/render.ts';
import { summarizeTrace } from '../../../src/cli/trace/summary.ts';
import { traceResult } from '../../../src/cli/trace/ui-tracer.ts';

const fixture = (name: string) => readFileSync(new URL(`fixtures/trace/${name}`, import.meta.url), 'utf8');
const spec = JSON.parse(fixture('vpc-spec.json')) as VpcSpec;

function explained(file: string) {
  const summary = summarizeTrace(parseTrace(fixture(file)), (p) => (p === 'rt-vpc-rt-b' ? 'rtb' : ''));
  const routers = summary.routers.map((hop) => ({ router: hop.router, lines: renderRouter(hop, spec) }));
  return { lines: [], summary, routers };
}

const source = { namespace: 'rt', pod: 'a1' };

test('delivered to the destination pod: the path ends on it; the router lines name the spec entry', () => {
  const r = traceResult(explained('reroute-policy.txt'), ['x'], source, { namespace: 'rt', pod: 'r2' });
  assert.deepEqual(r.hops, ['pod/rt/a1', 'subnet/rt-a', 'router/rt-vpc', 'subnet/rt-r', 'pod/rt/r2']);
  assert.deepEqual(r.verdict, { kind: 'delivered', text: 'delivered to r2.rt' });
  assert.equal(r.decisions.length, 1);
  assert.equal(r.decisions[0]!.target, 'router/rt-vpc');
  assert.match(r.decisions[0]!.lines.join('\n'), /reroute via 10\.20\.3\.12.*<- spec\.policyRoutes\[0\]/);
  assert.deepEqual(r.lines, ['x']);
});

test('the destination pod is added only when the packet is delivered to it', () => {
  // Asked for r1, rerouted to r2: the path ends on the switch, not on a pod that was not the destination.
  const rerouted = traceResult(explained('reroute-policy.txt'), [], source, { namespace: 'rt', pod: 'r1' });
  const toR1 = traceResult(explained('ecmp-route.txt'), [], source, { namespace: 'rt', pod: 'r1' });
  const toAddress = traceResult(explained('ecmp-route.txt'), [], source, undefined);
  assert.equal(rerouted.hops.at(-1), 'subnet/rt-r');
  assert.equal(toR1.hops.at(-1), 'pod/rt/r1');
  assert.equal(toAddress.hops.at(-1), 'subnet/rt-r');
});

test('dropped by a policy: the path stops at the router, the verdict says where', () => {
  const r = traceResult(explained('drop-policy.txt'), [], source, undefined);
  assert.equal(r.hops.at(-1), 'router/rt-vpc');
  assert.equal(r.verdict.kind, 'dropped');
  assert.match(r.verdict.text, /^dropped in lr_in_policy/);
});
