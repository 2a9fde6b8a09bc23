// kovn trace's explanation of a port security drop (ADR 22): which stages count, and the why/fix lines for a pod that
// asked for port security, a pod kovn keeps anti-spoofing on, and a port that is no pod's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainPortSecurityDrop, isPortSecurityStage } from '../../../src/cli/trace/port-security.ts';

void test("OVN's port security stages, and no other", () => {
  const cases: [string, boolean][] = [
    ['ls_in_port_sec_l2', true],
    ['ls_in_port_sec_ip', true],
    ['ls_in_check_port_sec', true],
    ['ls_in_apply_port_sec', true],
    ['ls_out_port_sec_ip', true],
    ['ls_out_apply_port_sec', true],
    ['ls_out_check_port_sec', true],
    ['ls_in_acl', false],
    ['lr_in_policy', false],
    ['ls_out_pre_acl', false],
  ];
  for (const [stage, want] of cases) assert.equal(isPortSecurityStage(stage), want, stage);
});

const port = {
  port: 'r1.rt',
  pod: 'rt/r1',
  portSecurity: ['0a:00:00:00:00:01 10.20.3.11'],
  vpc: 'rt-vpc',
  ips: ['10.20.3.11'],
};

void test('a pod that is no next hop: kovn keeps anti-spoofing on, and says how to route through it', () => {
  const lines = explainPortSecurityDrop({ ...port, asked: undefined }, false, '198.51.100.9');
  assert.deepEqual(lines.slice(0, 2), [
    'why:       port security of pod rt/r1 (switch port r1.rt) allows only 0a:00:00:00:00:01 10.20.3.11; it may not receive for 198.51.100.9',
    '           kovn keeps anti-spoofing on: 10.20.3.11 is no next hop of VPC rt-vpc',
  ]);
  assert.match(
    lines[2]!,
    /^fix: +route through it \(a spec\.staticRoutes or reroute spec\.policyRoutes nextHopIP of rt-vpc equal to 10\.20\.3\.11/,
  );
  assert.match(lines[2]!, /kubectl annotate pod -n rt r1 ovn\.kubernetes\.io\/port_security=false$/);
});

void test('a pod that asked for port security: the fix is to drop the annotation', () => {
  const lines = explainPortSecurityDrop({ ...port, asked: 'true' }, true, '198.51.100.9');
  assert.match(lines[0]!, /it may not send from 198\.51\.100\.9$/);
  assert.equal(lines[1], '           the pod asks for it: ovn.kubernetes.io/port_security: "true"');
  assert.match(
    lines[2]!,
    /remove the annotation \(kubectl annotate pod -n rt r1 ovn\.kubernetes\.io\/port_security-\)/,
  );
});

void test("a port that is no pod's: only the why", () => {
  const lines = explainPortSecurityDrop(
    { port: 'ext', pod: undefined, portSecurity: [], asked: undefined, vpc: undefined, ips: [] },
    false,
    '10.0.0.1',
  );
  assert.deepEqual(lines, [
    'why:       port security of switch port ext allows only nothing; it may not receive for 10.0.0.1',
  ]);
});
