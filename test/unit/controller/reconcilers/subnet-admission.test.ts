// Memoized reconcile-time admission of Subnets: always the answer a fresh admit gives; a new outcome exactly when
// something it reads changed (newly counted subnets that do not conflict keep the outcome).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admit } from '../../../../src/api/admission.ts';
import type { Subnet } from '../../../../src/api/kinds/subnet-schema.ts';
import type { KubeObject } from '../../../../src/api/types.ts';
import { DEFAULT_NETWORK } from '../../../../src/api/default-network.ts';
import { InMemoryInformer } from '../../../support/informer-memory.ts';
import { InformerClusterView } from '../../../../src/kube/informer-view.ts';
import { SubnetAdmission } from '../../../../src/controller/reconcilers/subnet-admission.ts';
import { SubnetCatalog } from '../../../../src/controller/reconcilers/subnet-catalog.ts';
import { validationView } from '../../../../src/controller/reconcilers/subnet-view.ts';
import { kubeovn, memoryView as memoryViewOf } from '../../../support/objects.ts';

let version = 0;
const validated = (status: 'True' | 'False') => ({
  conditions: [{ type: 'Validated', status, reason: 'r', message: '' }],
});
function subnet(
  name: string,
  cidrBlock: string,
  extra: { status?: object; created?: string } = {},
): KubeObject {
  return kubeovn(
    'Subnet',
    name,
    { vpc: 'tenant', cidrBlock, protocol: 'IPv4' },
    {
      metadata: {
        name,
        resourceVersion: String(++version),
        creationTimestamp: extra.created ?? '2026-01-01T00:00:00Z',
      },
      ...(extra.status ? { status: extra.status } : {}),
    },
  );
}

type Step = [
  why: string,
  edit: (subnets: InMemoryInformer, vpcs: InMemoryInformer) => void,
  newOutcome: boolean,
];

// `a` is the subnet admitted after each step.
const steps: Step[] = [
  ['first admission', () => {}, true],
  ['nothing changed', () => {}, false],
  [
    'its own status changed (counters, its verdict)',
    (s) => s.set(subnet('a', '10.0.1.0/24', { status: { ...validated('True'), v4usingIPs: 4 } })),
    false,
  ],
  [
    'a newer subnet that does not overlap was accepted: same outcome',
    (s) => s.set(subnet('z', '10.0.9.0/24', { status: validated('True'), created: '2026-02-01T00:00:00Z' })),
    false,
  ],
  [
    'that subnet’s counters changed',
    (s) =>
      s.set(
        subnet('z', '10.0.9.0/24', {
          status: { ...validated('True'), v4usingIPs: 2 },
          created: '2026-02-01T00:00:00Z',
        }),
      ),
    false,
  ],
  [
    'an overlapping newer subnet was accepted (a race): the conflict shows',
    (s) =>
      s.set(subnet('y', '10.0.1.128/25', { status: validated('True'), created: '2026-02-01T00:00:00Z' })),
    true,
  ],
  ['it went away again', (s) => s.delete('y'), true],
  ['its own spec changed', (s) => s.set(subnet('a', '10.0.2.0/24', { status: validated('True') })), true],
  [
    'a VPC status write',
    (_s, v) => v.set({ ...kubeovn('Vpc', 'tenant', { namespaces: ['t1'] }), status: { subnets: ['a'] } }),
    false,
  ],
  ['the VPC changed', (_s, v) => v.set(kubeovn('Vpc', 'tenant', { namespaces: ['t2'] })), true],
];

void test('subnet admission memo: the fresh answer every time, a new outcome only when its inputs changed', async () => {
  const subnets = new InMemoryInformer({ kind: 'Subnet', objects: [subnet('a', '10.0.1.0/24')] });
  const vpcs = new InMemoryInformer({
    kind: 'Vpc',
    objects: [kubeovn('Vpc', 'tenant', { namespaces: ['t1'] })],
  });
  const view = new InformerClusterView([subnets, vpcs]);
  await subnets.start();
  await vpcs.start();
  const memo = new SubnetAdmission(new SubnetCatalog(view, DEFAULT_NETWORK));
  let previous: ReturnType<SubnetAdmission['admit']> | undefined;
  const allowed: boolean[] = [];
  for (const [why, edit, newOutcome] of steps) {
    edit(subnets, vpcs);
    const a = view.get('Subnet', 'a') as Subnet;
    const outcome = memo.admit(a);
    const fresh = admit({ operation: 'CREATE', object: a, view: validationView(view, a) });
    assert.equal(outcome.allowed, fresh.allowed, why);
    if (!outcome.allowed && !fresh.allowed) assert.equal(outcome.message, fresh.message, why);
    assert.equal(outcome !== previous, newOutcome, `${why}: a new outcome`);
    previous = outcome;
    allowed.push(outcome.allowed);
  }
  assert.deepEqual(
    allowed,
    [true, true, true, true, true, false, true, true, true, true],
    'the race case is refused',
  );
});

// Guard for the memo's shortcut: admission refuses a subnet because of another one only when their CIDRs overlap. If
// a shared rule starts to relate non-overlapping subnets (one default subnet per VPC, shared gateways...), this fails.
void test('admission of a subnet does not depend on other subnets whose CIDRs do not overlap it', () => {
  const a = kubeovn(
    'Subnet',
    'a',
    { cidrBlock: '10.0.1.0/24', namespaces: ['n1'], default: true, gatewayType: 'centralized' },
    { metadata: { name: 'a', creationTimestamp: '2026-01-01T00:00:00Z' } },
  );
  const others: [string, Record<string, unknown>][] = [
    ['same VPC and namespaces', { cidrBlock: '10.0.2.0/24', namespaces: ['n1'] }],
    [
      'also default, same gateway type and VLAN',
      { cidrBlock: '10.0.3.0/24', default: true, gatewayType: 'centralized' },
    ],
    ['the same gateway address written out', { cidrBlock: '10.0.4.0/24', gateway: '10.0.1.1' }],
    ['the same exclude ranges', { cidrBlock: '10.0.5.0/24', excludeIps: ['10.0.1.1..10.0.1.10'] }],
    ['another provider', { cidrBlock: '10.0.6.0/24', provider: 'net1.ns1.ovn' }],
    ['an unparsable block', { cidrBlock: 'not-a-cidr' }],
    ['IPv6 only', { cidrBlock: 'fd00::/120', protocol: 'IPv6' }],
  ];
  const vpcs = [kubeovn('Vpc', 'ovn-cluster', {})];
  const outcome = (subnets: KubeObject[]) => {
    const view = memoryViewOf([a, ...subnets, ...vpcs]);
    const o = admit({ operation: 'CREATE', object: a, view });
    return o.allowed ? 'allowed' : o.message;
  };
  const alone = outcome([]);
  for (const [why, spec] of others) {
    const b = kubeovn('Subnet', 'b', spec, {
      metadata: { name: 'b', creationTimestamp: '2025-01-01T00:00:00Z' },
      status: { conditions: [{ type: 'Validated', status: 'True', reason: 'r', message: '' }] },
    });
    assert.equal(outcome([b]), alone, why);
  }
  const overlapping = kubeovn('Subnet', 'b', { cidrBlock: '10.0.1.128/25' });
  assert.notEqual(outcome([overlapping]), alone, 'an overlapping subnet does refuse it');
});
