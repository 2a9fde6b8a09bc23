// Vpc peering admission (issue 16 point 4): each rule's field path, reason and answer (refused, or accepted with a
// warning), through the same admit() the API server and the reconciler use; the rules that read the peer VPC and the
// subnets judge only the entries a write adds or changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admit } from '../../../../src/api/admission.ts';
import type { KubeObject } from '../../../../src/api/types.ts';
import { kubeovn, memoryView } from '../../../support/objects.ts';

const peering = (remoteVpc: string, localConnectIP: string) => ({ remoteVpc, localConnectIP });
const vpc = (name: string, vpcPeerings: unknown[]): KubeObject => kubeovn('Vpc', name, { vpcPeerings });

/** vpc-2 already declares vpc-1 on 169.254.0.2/30; each VPC has one subnet. */
const cluster = [
  vpc('vpc-2', [peering('vpc-1', '169.254.0.2/30')]),
  vpc('vpc-3', [peering('vpc-1', '169.254.0.2/30,fd00:169::2/126')]),
  kubeovn('Subnet', 'net1', { vpc: 'vpc-1', cidrBlock: '10.0.0.0/16' }),
  kubeovn('Subnet', 'net2', { vpc: 'vpc-2', cidrBlock: '172.31.0.0/16' }),
];

const cases: {
  name: string;
  peerings: unknown[];
  /** Refusing issues: field and a fragment of the message. */
  expect?: [string, string][];
  warn?: [string, string][];
  /** The stored version (an UPDATE); absent: a CREATE. */
  old?: unknown[];
}[] = [
  { name: 'the documented pair agrees', peerings: [peering('vpc-2', '169.254.0.1/30')] },
  { name: 'a peer that does not declare it yet', peerings: [peering('vpc-9', '169.254.9.1/30')] },
  { name: 'dual stack, both sides alike', peerings: [peering('vpc-3', '169.254.0.1/30,fd00:169::1/126')] },
  {
    name: 'not a CIDR',
    peerings: [peering('vpc-2', '169.254.0.1')],
    expect: [['spec.vpcPeerings[0].localConnectIP', 'not a valid CIDR']],
  },
  {
    name: 'two CIDRs of one family',
    peerings: [peering('vpc-2', '169.254.0.1/30,169.254.1.1/30')],
    expect: [['spec.vpcPeerings[0].localConnectIP', 'at most one IPv4 and one IPv6 CIDR']],
  },
  {
    name: 'another network than the peer',
    peerings: [peering('vpc-2', '169.254.0.5/30')],
    expect: [['spec.vpcPeerings[0].localConnectIP', "vpc vpc-2's 169.254.0.2/30 are not in one network"]],
  },
  {
    name: 'another prefix than the peer',
    peerings: [peering('vpc-2', '169.254.0.1/29')],
    expect: [['spec.vpcPeerings[0].localConnectIP', 'not in one network']],
  },
  {
    name: "the peer's own address",
    peerings: [peering('vpc-2', '169.254.0.2/30')],
    expect: [['spec.vpcPeerings[0].localConnectIP', 'the two ends need different addresses']],
  },
  {
    name: 'families differ from the peer',
    peerings: [peering('vpc-3', '169.254.0.1/30')],
    expect: [['spec.vpcPeerings[0].localConnectIP', 'one address of each same family']],
  },
  {
    name: "overlapping the VPC's own subnet",
    peerings: [peering('vpc-9', '10.0.200.1/30')],
    expect: [['spec.vpcPeerings[0].localConnectIP', 'overlaps subnet net1 (10.0.0.0/16) of vpc vpc-1']],
  },
  {
    name: "overlapping the peer's subnet",
    peerings: [peering('vpc-2', '172.31.200.1/30')],
    expect: [
      ['spec.vpcPeerings[0].localConnectIP', 'not in one network'],
      ['spec.vpcPeerings[0].localConnectIP', 'overlaps subnet net2 (172.31.0.0/16) of vpc vpc-2'],
    ],
  },
  {
    name: 'two peerings on overlapping connect CIDRs',
    peerings: [peering('vpc-2', '169.254.0.1/30'), peering('vpc-9', '169.254.0.1/29')],
    expect: [['spec.vpcPeerings[1].localConnectIP', 'overlaps spec.vpcPeerings[0].localConnectIP']],
  },
  {
    name: 'peering with itself',
    peerings: [peering('vpc-1', '169.254.0.1/30')],
    warn: [['spec.vpcPeerings[0].remoteVpc', 'cannot peer with itself']],
  },
  {
    name: 'peering with the default VPC',
    peerings: [peering('ovn-cluster', '169.254.0.1/30')],
    warn: [['spec.vpcPeerings[0].remoteVpc', 'connects custom VPCs only']],
  },
  {
    name: 'the same peer twice',
    peerings: [peering('vpc-2', '169.254.0.1/30'), peering('vpc-2', '169.254.0.1/30')],
    warn: [['spec.vpcPeerings[1].remoteVpc', 'only this later entry is used']],
  },
  {
    // Stored before the peer disagreed: an update that leaves the entry alone is not judged again.
    name: 'an unchanged entry is not judged again',
    peerings: [peering('vpc-2', '169.254.0.5/30')],
    old: [peering('vpc-2', '169.254.0.5/30')],
  },
  {
    name: 'a changed entry is',
    peerings: [peering('vpc-2', '169.254.0.6/30')],
    old: [peering('vpc-2', '169.254.0.5/30')],
    expect: [['spec.vpcPeerings[0].localConnectIP', 'not in one network']],
  },
];

for (const c of cases) {
  void test(`vpc peering admission: ${c.name}`, () => {
    const object = vpc('vpc-1', c.peerings);
    const outcome = admit({
      operation: c.old ? 'UPDATE' : 'CREATE',
      object,
      ...(c.old ? { oldObject: vpc('vpc-1', c.old) } : {}),
      view: memoryView(cluster),
    });
    assert.deepEqual(
      outcome.warnings.map((w) => [w.field, w.message]).filter(([f]) => f!.startsWith('spec.vpcPeerings'))
        .length,
      (c.warn ?? []).length,
      outcome.warnings.map((w) => w.message).join('; '),
    );
    for (const [field, fragment] of c.warn ?? []) {
      assert.ok(
        outcome.warnings.some((w) => w.field === field && w.message.includes(fragment)),
        `${field} ${fragment}: ${outcome.warnings.map((w) => `${w.field}: ${w.message}`).join('; ')}`,
      );
    }
    if (!c.expect) return assert.ok(outcome.allowed, outcome.allowed ? '' : outcome.message);
    assert.ok(!outcome.allowed, 'refused');
    if (outcome.allowed) return;
    assert.equal(outcome.issues.length, c.expect.length, outcome.message);
    assert.equal(outcome.reason, 'Invalid');
    for (const [field, fragment] of c.expect) {
      assert.ok(
        outcome.issues.some((i) => i.field === field && i.message.includes(fragment)),
        `${field} ${fragment}: ${outcome.message}`,
      );
    }
  });
}

void test('a subnet on a connect CIDR of its VPC (either side of the peering) is accepted with a warning', () => {
  const view = memoryView([
    vpc('vpc-1', [peering('vpc-2', '192.168.100.1/30')]),
    vpc('vpc-2', [peering('vpc-1', '192.168.100.2/30')]),
  ]);
  for (const owner of ['vpc-1', 'vpc-2', 'vpc-3']) {
    const subnet = kubeovn('Subnet', `on-${owner}`, { vpc: owner, cidrBlock: '192.168.100.0/24' });
    const outcome = admit({ operation: 'CREATE', object: subnet, view });
    assert.ok(outcome.allowed, outcome.allowed ? '' : outcome.message);
    const mine = outcome.warnings.filter((w) => w.field === 'spec.cidrBlock').map((w) => w.message);
    if (owner === 'vpc-3') assert.deepEqual(mine, [], 'another VPC: no warning');
    else {
      assert.equal(mine.length, 2, mine.join('; '));
      assert.ok(
        mine.some((m) =>
          m.includes("overlaps localConnectIP 192.168.100.1/30 of vpc vpc-1's peering with vpc vpc-2"),
        ),
        mine.join('; '),
      );
    }
  }
});
