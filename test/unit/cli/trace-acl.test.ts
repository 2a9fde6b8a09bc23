// kovn trace on ACL drops, from ovn-trace output captured on this machine's OVN 23.03 (fixtures/trace/acl-*.txt: a
// switch net1 10.0.1.0/24 with pod 10.0.1.2; private with allowSubnets 10.0.5.0/24, the packet from 10.0.9.9; and a
// from-lport `acls` drop of ip4.dst == 10.0.9.9, the packet from the pod): the verdict is a drop even where the
// stateful drop's action is a comment ovn-trace omits, and the why/fix lines name the ACL and its Subnet field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Subnet } from '../../../src/api/kinds/subnet-schema.ts';
import { aclOfFlow, endsPacket, explainAclDrop, isAclStage } from '../../../src/cli/trace/acl.ts';
import { parseTrace } from '../../../src/cli/trace/parse.ts';
import { renderSummary } from '../../../src/cli/trace/render.ts';
import { summarizeTrace } from '../../../src/cli/trace/summary.ts';

const fixture = (name: string) => readFileSync(new URL(`fixtures/trace/${name}`, import.meta.url), 'utf8');
const net1 = (spec: Subnet['spec']): Subnet => ({
  apiVersion: 'kubeovn.io/v1',
  kind: 'Subnet',
  metadata: { name: 'net1' },
  spec: { vpc: 'test-vpc-1', cidrBlock: '10.0.1.0/24', ...spec },
});

void test('ACL stages, and drops whose action ovn-trace does not print', () => {
  const stages: [string, boolean][] = [
    ['ls_in_acl', true],
    ['ls_out_acl', true],
    ['ls_in_acl_eval', true],
    ['ls_in_acl_after_lb', true],
    ['ls_out_acl_hint', false],
    ['ls_in_pre_acl', false],
    ['lr_in_policy', false],
  ];
  for (const [stage, want] of stages) assert.equal(isAclStage(stage), want, stage);
  const actions: [string[], boolean][] = [
    [['ct_commit { ct_mark.blocked = 1; };', 'log(name="net1", verdict=drop, severity=warning);'], true],
    [[], true],
    [['reg0[1] = 1;', 'next;'], false],
    [['ct_next;'], false],
  ];
  for (const [list, want] of actions) assert.equal(endsPacket(list), want, list.join(' '));
});

void test("the ACL behind a flow: priority less northd's 1000, the stateful wrapper removed", () => {
  assert.deepEqual(aclOfFlow('ls_out_acl', 'reg0[10] == 1 && (ip)', 2000), {
    direction: 'to-lport',
    priority: 1000,
    match: 'ip',
  });
  assert.deepEqual(aclOfFlow('ls_in_acl', 'ip4.dst == 10.0.9.9', 2200), {
    direction: 'from-lport',
    priority: 1200,
    match: 'ip4.dst == 10.0.9.9',
  });
});

void test('a private subnet drop: a drop verdict, the ACL and spec.private named, allowSubnets as the fix', () => {
  const summary = summarizeTrace(parseTrace(fixture('acl-private-drop.txt')));
  assert.equal(summary.verdict.kind, 'drop');
  if (summary.verdict.kind !== 'drop') return;
  assert.deepEqual(
    [summary.verdict.stage, summary.verdict.priority, summary.verdict.datapath],
    ['ls_out_acl', 2000, 'net1'],
  );
  assert.match(renderSummary(summary, () => undefined).at(-1)!, /^verdict: +dropped in ls_out_acl \(/);
  const v = summary.verdict;
  const lines = explainAclDrop(
    aclOfFlow(v.stage, v.match, v.priority),
    'net1',
    net1({ private: true, allowSubnets: ['10.0.5.0/24'] }),
    { source: '10.0.9.9', dest: '10.0.1.2' },
  );
  assert.deepEqual(lines, [
    'why:       dropped by ACL to-lport priority 1000 "ip" on switch net1 <- spec.private of Subnet net1',
    '           a private subnet is reached only from its own CIDR, the node network and spec.allowSubnets (10.0.5.0/24)',
    'fix:       add a CIDR holding 10.0.9.9 to spec.allowSubnets of Subnet net1, or set spec.private: false',
  ]);
});

void test('a private pod sending out: the fix names the destination', () => {
  const lines = explainAclDrop(
    { direction: 'to-lport', priority: 1000, match: 'ip' },
    'net1',
    net1({ private: true }),
    { source: '10.0.1.2', dest: '10.0.7.3' },
  );
  assert.match(lines[1]!, /spec\.allowSubnets \(none\)$/);
  assert.match(lines[2]!, /add a CIDR holding 10\.0\.7\.3 to spec\.allowSubnets/);
});

void test('an acls entry drop: the entry named (the later of two alike), and an ACL no Subnet wrote', () => {
  const summary = summarizeTrace(parseTrace(fixture('acl-subnet-drop.txt')));
  assert.equal(summary.verdict.kind, 'drop');
  if (summary.verdict.kind !== 'drop') return;
  const v = summary.verdict;
  const hit = aclOfFlow(v.stage, v.match, v.priority);
  const entry = { direction: 'from-lport', priority: 1200, match: 'ip4.dst == 10.0.9.9', action: 'drop' };
  const subnet = net1({ acls: [{ ...entry, action: 'reject' }, { ...entry, priority: 7 }, entry] });
  const packet = { source: '10.0.1.2', dest: '10.0.9.9' };
  assert.deepEqual(explainAclDrop(hit, 'net1', subnet, packet), [
    'why:       dropped by ACL from-lport priority 1200 "ip4.dst == 10.0.9.9" on switch net1 <- spec.acls[2] of Subnet net1',
    'fix:       change or remove spec.acls[2] of Subnet net1',
  ]);
  assert.deepEqual(explainAclDrop(hit, 'net1', net1({}), packet), [
    'why:       dropped by ACL from-lport priority 1200 "ip4.dst == 10.0.9.9" on switch net1 (not from a Subnet spec)',
  ]);
});
