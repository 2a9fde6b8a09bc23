// The one pipeline's warnings (src/api/admission.ts, ADR 2): a kind's issue that does not refuse comes back beside the
// verdict, on an accepted object and on a refused one; an issue of what Kube-OVN's controller (not its webhook)
// refuses is a warning for the API server and `kovn validate`, and a refusal for the controller.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admit } from '../../../src/api/admission.ts';
import { formatWarning } from '../../../src/api/issues.ts';
import type { KubeObject } from '../../../src/api/types.ts';
import { kubeovn, memoryView } from '../../support/objects.ts';

const vpcs = [kubeovn('Vpc', 'v1', { namespaces: ['ns1'] })];
const policy = (priority: number, extra: Record<string, unknown> = {}) => ({
  priority,
  match: 'ip4.dst == 198.51.100.9',
  action: 'drop',
  ...extra,
});

void test('warnings beside the verdict, accepted or refused, as the API server and kovn validate print them', () => {
  const cases: { name: string; object: KubeObject; allowed: boolean; warnings: string[] }[] = [
    {
      name: 'accepted with a warning',
      object: kubeovn('Vpc', 'v2', { policyRoutes: [policy(30000)] }),
      allowed: true,
      warnings: [
        "spec.policyRoutes[0].priority: 30000 is below the allow policies at 31000 for each subnet of this VPC: traffic to the VPC's own subnets is allowed there and never reaches this policy (29000-31000 is the range Kube-OVN keeps for its own policies)",
      ],
    },
    {
      name: 'refused, and the warning still told',
      object: kubeovn('Vpc', 'v2', { policyRoutes: [policy(30000), policy(1, { action: 'accept' })] }),
      allowed: false,
      warnings: [
        "spec.policyRoutes[0].priority: 30000 is below the allow policies at 31000 for each subnet of this VPC: traffic to the VPC's own subnets is allowed there and never reaches this policy (29000-31000 is the range Kube-OVN keeps for its own policies)",
      ],
    },
    {
      name: 'a type error stops before the kind rules: no warnings',
      object: kubeovn('Vpc', 'v2', { policyRoutes: [policy(30000, { match: 7 })] }),
      allowed: false,
      warnings: [],
    },
    {
      name: 'nothing to say',
      object: kubeovn('Vpc', 'v2', { policyRoutes: [policy(100)] }),
      allowed: true,
      warnings: [],
    },
  ];
  for (const c of cases) {
    const outcome = admit({ operation: 'CREATE', object: c.object, view: memoryView([]) });
    assert.equal(outcome.allowed, c.allowed, c.name);
    assert.deepEqual(outcome.warnings.map(formatWarning), c.warnings, c.name);
    if (!outcome.allowed)
      assert.ok(!outcome.message.includes('30000 is below'), `${c.name}: not in the Status`);
  }
});

void test("what only Kube-OVN's controller refuses: accepted by the API, refused by the controller", () => {
  // A default-VPC subnet taking a namespace of custom VPC v1 (Kube-OVN: validateVpcBySubnet).
  const subnet = kubeovn('Subnet', 'd', { cidrBlock: '10.20.0.0/16', namespaces: ['ns1'] });
  const request = { operation: 'CREATE' as const, object: subnet, view: memoryView(vpcs) };
  const api = admit(request);
  assert.ok(api.allowed);
  assert.deepEqual(
    api.warnings.map((w) => w.field),
    ['spec.namespaces[0]'],
  );
  const controller = admit(request, { controller: true });
  assert.ok(!controller.allowed);
  assert.equal(controller.reason, 'Invalid');
  assert.match(
    controller.message,
    /^Subnet\.kubeovn\.io "d" is invalid: spec\.namespaces\[0\]: Invalid value/,
  );
  assert.deepEqual(controller.warnings, []);
});
