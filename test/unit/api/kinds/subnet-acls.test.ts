// Subnet `acls` and `private`/`allowSubnets` admission through the one admit() pipeline: each bad field of an entry
// is a 422 naming `spec.acls[i].<field>` (the match with the OVN match parser's reason), Kube-OVN's own examples
// and defaults are accepted, and a repeated (direction, priority, match) is accepted with a warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admit } from '../../../../src/api/admission.ts';
import type { KubeObject } from '../../../../src/api/types.ts';
import { memoryView } from '../../../support/objects.ts';

const subnet = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'kubeovn.io/v1',
  kind: 'Subnet',
  metadata: { name: 's1' },
  spec: { vpc: 'v1', cidrBlock: '10.0.1.0/24', ...spec },
});
const acl = (over: Record<string, unknown>) => ({
  direction: 'to-lport',
  priority: 1002,
  match: 'ip4.dst == 10.0.1.2 && ip',
  action: 'drop',
  ...over,
});

const cases: {
  name: string;
  spec: Record<string, unknown>;
  /** [field, fragment of the message] of each refusing issue (empty: accepted). */
  expect: [string, string][];
  warn?: [string, string][];
}[] = [
  {
    name: "Kube-OVN's documented example, every action, both directions, the priority bounds",
    spec: {
      private: true,
      allowSubnets: ['10.0.2.0/24'],
      acls: [
        acl({}),
        acl({ direction: 'from-lport', action: 'allow-related', priority: 0 }),
        acl({ action: 'allow', priority: 32767 }),
        acl({ action: 'allow-stateless', match: 'tcp.dst == 22' }),
        acl({ action: 'reject', match: 'inport == "p1" && udp' }),
      ],
    },
    expect: [],
  },
  {
    name: 'priority omitted: 0, as Kube-OVN',
    spec: { acls: [{ direction: 'to-lport', match: 'ip', action: 'drop' }] },
    expect: [],
  },
  {
    name: 'an unparsable match names the entry and says why',
    spec: { acls: [acl({}), acl({ match: 'ip4.dst == ' })] },
    expect: [['spec.acls[1].match', 'not a valid OVN match: ']],
  },
  {
    name: 'an unknown field and an out-of-range value in matches',
    spec: { acls: [acl({ match: 'ip5.dst == 1.2.3.4' }), acl({ match: 'tcp.dst == 70000' })] },
    expect: [
      ['spec.acls[0].match', 'not a valid OVN match'],
      ['spec.acls[1].match', 'not a valid OVN match'],
    ],
  },
  {
    name: 'empty match, missing direction and action',
    spec: { acls: [{ priority: 5, match: '' }] },
    expect: [
      ['spec.acls[0].match', 'a match expression is required'],
      ['spec.acls[0].direction', 'from-lport, to-lport'],
      ['spec.acls[0].action', 'allow, allow-related'],
    ],
  },
  {
    name: 'unknown direction and action',
    spec: { acls: [acl({ direction: 'ingress', action: 'pass' })] },
    expect: [
      ['spec.acls[0].direction', 'supported values: "from-lport", "to-lport"'],
      [
        'spec.acls[0].action',
        'supported values: "allow", "allow-related", "allow-stateless", "drop", "reject"',
      ],
    ],
  },
  {
    name: 'priority outside OVN range',
    spec: { acls: [acl({ priority: 32768 }), acl({ priority: -1, match: 'udp' })] },
    expect: [
      ['spec.acls[0].priority', 'from 0 to 32767'],
      ['spec.acls[1].priority', 'from 0 to 32767'],
    ],
  },
  {
    name: 'the same direction, priority and match twice: accepted, the later one programmed',
    spec: { acls: [acl({}), acl({ action: 'allow' })] },
    expect: [],
    warn: [['spec.acls[1].match', 'same direction, priority and match as spec.acls[0]']],
  },
  {
    name: 'allowSubnets entries are CIDRs',
    spec: { private: true, allowSubnets: ['10.0.2.0/24', '10.0.3.1'] },
    expect: [['spec.allowSubnets[1]', 'not a valid CIDR']],
  },
];

for (const c of cases) {
  void test(`subnet acls admission: ${c.name}`, () => {
    const outcome = admit({ operation: 'CREATE', object: subnet(c.spec), view: memoryView([]) });
    const mine = outcome.warnings.filter((w) => w.field.startsWith('spec.acls'));
    assert.deepEqual(
      mine.map((w) => w.field),
      (c.warn ?? []).map(([f]) => f),
    );
    for (const [field, fragment] of c.warn ?? []) {
      const found = mine.find((w) => w.field === field)!;
      assert.ok(found.message.includes(fragment), `${field}: ${found.message}`);
    }
    if (!c.expect.length) return assert.ok(outcome.allowed, outcome.allowed ? '' : outcome.message);
    assert.ok(!outcome.allowed, 'refused');
    if (outcome.allowed) return;
    assert.deepEqual(
      outcome.issues.map((i) => i.field).sort(),
      c.expect.map(([f]) => f).sort(),
      outcome.message,
    );
    for (const [field, fragment] of c.expect) {
      const issue = outcome.issues.find((i) => i.field === field)!;
      assert.ok(issue.message.includes(fragment), `${field}: ${issue.message}`);
    }
    const aclsOnly = c.expect.every(([f]) => f.startsWith('spec.acls'));
    if (aclsOnly) assert.equal(outcome.reason, 'Invalid', 'acls issues are a 422');
  });
}

void test('subnet acls admission: the rejection message names the field, the value and the parser reason', () => {
  const outcome = admit({
    operation: 'CREATE',
    object: subnet({ acls: [acl({ match: 'ip4.dst == 10.0.1.2 &&' })] }),
    view: memoryView([]),
  });
  assert.ok(!outcome.allowed);
  if (outcome.allowed) return;
  assert.match(
    outcome.message,
    /^Subnet\.kubeovn\.io "s1" is invalid: spec\.acls\[0\]\.match: Invalid value: "ip4\.dst == 10\.0\.1\.2 &&": not a valid OVN match: .+/,
  );
});
