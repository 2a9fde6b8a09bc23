// kovn trace's explanation of a NetworkPolicy drop: which ACLs are a policy's (their match starts with the port group
// term), the policy named from the port group's owner tag, and the fix, for ingress and egress.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  explainPolicyDrop,
  policyOfOwner,
  policyPortGroupOf,
} from '../../../src/cli/trace/network-policy.ts';

const cases = [
  { match: 'outport == @allow.web.np && ip', expect: { portGroup: 'allow.web.np', type: 'ingress' } },
  { match: 'inport == @np1st.ns1 && ip', expect: { portGroup: 'np1st.ns1', type: 'egress' } },
  { match: 'ip', expect: undefined },
  { match: 'ip4.src == 10.0.0.0/8 && outport == @pg', expect: undefined },
];
for (const c of cases) {
  void test(`policy port group of "${c.match}"`, () =>
    assert.deepEqual(policyPortGroupOf({ direction: 'to-lport', priority: 2000, match: c.match }), c.expect));
}

void test('the policy is named from the owner tag, else by its port group', () => {
  assert.equal(policyOfOwner('np/np/allow-web'), 'np/allow-web');
  assert.equal(policyOfOwner('subnet/net1'), undefined);
  const hit = { direction: 'to-lport', priority: 2000, match: 'outport == @allow.web.np && ip' } as const;
  assert.deepEqual(explainPolicyDrop(hit, 'np-s', 'allow.web.np', 'np/allow-web'), [
    'why:       dropped by ACL to-lport priority 2000 "outport == @allow.web.np && ip" on port group allow.web.np (switch np-s) <- NetworkPolicy np/allow-web: it selects the pod and no ingress rule of a policy selecting it allows this traffic',
    'fix:       add an ingress rule allowing it (peer and port) to a NetworkPolicy that selects the pod, or delete NetworkPolicy np/allow-web',
  ]);
  const egress = { direction: 'from-lport', priority: 2000, match: 'inport == @p.ns && ip' } as const;
  assert.match(
    explainPolicyDrop(egress, 'ls', 'p.ns', undefined)[1]!,
    /add an egress rule .* delete the NetworkPolicy of port group p\.ns$/,
  );
});
