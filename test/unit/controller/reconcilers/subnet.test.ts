// The Subnet reconciler's pure parts as data: the message that blocks a deletion while addresses are in use, and
// which pods are looked at again when IPAM drops their addresses (a changed cidrBlock or excludeIps).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../../src/api/types.ts';
import { deletionBlockedMessage, podKeysOfNics } from '../../../../src/controller/reconcilers/subnet.ts';

describe('subnet reconcile helpers', () => {
  it('blocks a deletion while addresses are in use, naming the first three by name', () => {
    const cases: [string, string[], string | undefined][] = [
      ['nothing in use', [], undefined],
      ['one', ['a.ns'], 'subnet net1 has 1 addresses in use (a.ns)'],
      ['three, sorted', ['c.ns', 'a.ns', 'b.ns'], 'subnet net1 has 3 addresses in use (a.ns, b.ns, c.ns)'],
      [
        'more than three',
        ['d.ns', 'c.ns', 'b.ns', 'a.ns'],
        'subnet net1 has 4 addresses in use (a.ns, b.ns, c.ns, ...)',
      ],
    ];
    for (const [name, owners, want] of cases)
      assert.equal(deletionBlockedMessage('net1', owners), want, name);
  });

  it('maps dropped NICs back to their pods, in the order of the pods', () => {
    const pod = (name: string, namespace?: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, ...(namespace ? { namespace } : {}) },
    });
    const pods = [pod('a', 'ns1'), pod('b', 'ns1'), pod('a', 'ns2'), pod('c')];
    const cases: [string, string[], string[]][] = [
      ['none dropped', [], []],
      ['one of two same-named pods', ['a.ns2'], ['Pod/ns2/a']],
      ['several', ['b.ns1', 'a.ns1'], ['Pod/ns1/a', 'Pod/ns1/b']],
      ['a pod without a namespace', ['c.'], ['Pod/c']],
      ['a NIC of no pod (an attachment, a node)', ['node-n1', 'x.ns1'], []],
    ];
    for (const [name, nics, want] of cases) assert.deepEqual(podKeysOfNics(pods, nics), want, name);
  });
});
