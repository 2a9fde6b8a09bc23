// NetworkPolicy admission as kube-apiserver answers it: the defaults it writes (policyTypes, a port's protocol) and,
// table-driven, the spec rules with the field path each refusal names; through the shared pipeline, a refusal is an
// Invalid (422) rejection worded as kube-apiserver words it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admit } from '../../../../src/api/admission.ts';
import { defaultNetworkPolicy, policyTypesOf } from '../../../../src/api/kinds/network-policy.ts';
import { validateNetworkPolicy } from '../../../../src/api/kinds/network-policy-validate.ts';
import { formatSelector } from '../../../../src/api/label-selector.ts';
import type { ClusterView, KubeObject } from '../../../../src/api/types.ts';

const policy = (spec: unknown): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'np1', namespace: 'ns1' },
  spec,
});
const ingressPort = (port: unknown) => ({ podSelector: {}, ingress: [{ ports: [port] }] });
const fromPeer = (peer: unknown) => ({ podSelector: {}, ingress: [{ from: [peer] }] });

/** `field: type: message` of each issue. */
const issues = (spec: unknown): string[] =>
  validateNetworkPolicy(defaultNetworkPolicy(policy(spec))).map((i) => `${i.field}: ${i.type}: ${i.message}`);

const cases: { name: string; spec: unknown; expect: string[] }[] = [
  { name: 'an empty podSelector (every pod) is valid', spec: { podSelector: {} }, expect: [] },
  {
    name: 'a full policy is valid',
    spec: {
      podSelector: { matchLabels: { app: 'api' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          from: [
            { podSelector: { matchLabels: { app: 'web' } } },
            { namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'In', values: ['a'] }] } },
            { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } },
          ],
          ports: [{ port: 80 }, { protocol: 'UDP', port: 'dns' }, { port: 8000, endPort: 8080 }],
        },
      ],
      egress: [{ to: [{ podSelector: {}, namespaceSelector: {} }], ports: [{ protocol: 'SCTP' }] }],
    },
    expect: [],
  },
  {
    name: 'podSelector is required',
    spec: { ingress: [] },
    expect: ['spec.podSelector: FieldValueRequired: Required value'],
  },
  {
    name: 'podSelector must be an object',
    spec: { podSelector: 'app=web' },
    expect: ['spec.podSelector: FieldValueInvalid: must be a label selector object'],
  },
  {
    name: 'a selector operator must be known and In needs values',
    spec: {
      podSelector: {
        matchExpressions: [
          { key: 'a', operator: 'Has' },
          { key: 'b', operator: 'In' },
        ],
      },
    },
    expect: [
      'spec.podSelector.matchExpressions[0].operator: FieldValueNotSupported: supported values: "In", "NotIn", "Exists", "DoesNotExist"',
      "spec.podSelector.matchExpressions[1].values: FieldValueRequired: must be specified when `operator` is 'In' or 'NotIn'",
    ],
  },
  {
    name: 'policyTypes values are Ingress and Egress',
    spec: { podSelector: {}, policyTypes: ['Ingress', 'ingress'] },
    expect: ['spec.policyTypes[1]: FieldValueNotSupported: supported values: "Ingress", "Egress"'],
  },
  {
    name: 'a protocol is TCP, UDP or SCTP',
    spec: ingressPort({ protocol: 'ICMP', port: 80 }),
    expect: [
      'spec.ingress[0].ports[0].protocol: FieldValueNotSupported: supported values: "SCTP", "TCP", "UDP"',
    ],
  },
  {
    name: 'a numeric port is 1-65535',
    spec: ingressPort({ port: 70000 }),
    expect: ['spec.ingress[0].ports[0].port: FieldValueInvalid: must be between 1 and 65535, inclusive'],
  },
  {
    name: 'a named port is an IANA service name',
    spec: ingressPort({ port: 'Not_A_Name' }),
    expect: [
      'spec.ingress[0].ports[0].port: FieldValueInvalid: must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    ],
  },
  {
    name: 'endPort needs a port',
    spec: ingressPort({ endPort: 90 }),
    expect: ['spec.ingress[0].ports[0].port: FieldValueRequired: must specify when `endPort` is specified'],
  },
  {
    name: 'endPort needs a numeric port',
    spec: ingressPort({ port: 'http', endPort: 90 }),
    expect: [
      'spec.ingress[0].ports[0].endPort: FieldValueForbidden: may not be specified when `port` is non-numeric',
    ],
  },
  {
    name: 'endPort is not below port',
    spec: ingressPort({ port: 90, endPort: 80 }),
    expect: ['spec.ingress[0].ports[0].endPort: FieldValueInvalid: must be greater than or equal to `port`'],
  },
  {
    name: 'a peer names something',
    spec: fromPeer({}),
    expect: ['spec.ingress[0].from[0]: FieldValueRequired: must specify a peer'],
  },
  {
    name: 'a peer with an ipBlock has no selector',
    spec: fromPeer({ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }),
    expect: ['spec.ingress[0].from[0]: FieldValueForbidden: may not specify both ipBlock and another peer'],
  },
  {
    name: 'ipBlock.cidr is required and a CIDR',
    spec: { podSelector: {}, egress: [{ to: [{ ipBlock: {} }, { ipBlock: { cidr: '10.0.0.0' } }] }] },
    expect: [
      'spec.egress[0].to[0].ipBlock.cidr: FieldValueRequired: Required value',
      'spec.egress[0].to[1].ipBlock.cidr: FieldValueInvalid: must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    ],
  },
  {
    name: 'each except is a strict subset of cidr',
    spec: fromPeer({
      ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.1.0/24', '10.0.0.0/16', '192.168.0.0/24'] },
    }),
    expect: [
      'spec.ingress[0].from[0].ipBlock.except[1]: FieldValueInvalid: must be a strict subset of `cidr`',
      'spec.ingress[0].from[0].ipBlock.except[2]: FieldValueInvalid: must be a strict subset of `cidr`',
    ],
  },
];

for (const c of cases) {
  void test(`validate: ${c.name}`, () => assert.deepEqual(issues(c.spec), c.expect));
}

void test('defaults: policyTypes as kube-apiserver writes them, and TCP for a port without protocol', () => {
  const ingressOnly = defaultNetworkPolicy(policy({ podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] }));
  assert.deepEqual(ingressOnly['spec'], {
    podSelector: {},
    ingress: [{ ports: [{ port: 80, protocol: 'TCP' }] }],
    policyTypes: ['Ingress'],
  });
  const withEgress = defaultNetworkPolicy(policy({ podSelector: {}, egress: [{}] }));
  assert.deepEqual((withEgress['spec'] as { policyTypes: string[] }).policyTypes, ['Ingress', 'Egress']);
  const named = defaultNetworkPolicy(policy({ podSelector: {}, egress: [{}], policyTypes: ['Egress'] }));
  assert.deepEqual((named['spec'] as { policyTypes: string[] }).policyTypes, ['Egress']);
  assert.deepEqual(policyTypesOf({ podSelector: {} }), ['Ingress']);
});

void test('the shared pipeline refuses with a 422 naming the field, as kube-apiserver', () => {
  const view: ClusterView = { get: () => undefined, list: () => [] };
  const outcome = admit({
    operation: 'CREATE',
    object: policy(ingressPort({ port: 90, endPort: 80 })),
    view,
  });
  assert.equal(outcome.allowed, false);
  if (outcome.allowed) return;
  assert.equal(outcome.reason, 'Invalid');
  assert.equal(
    outcome.message,
    'NetworkPolicy.networking.k8s.io "np1" is invalid: spec.ingress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to `port`',
  );
});

void test('POD-SELECTOR as kubectl prints it', () => {
  assert.equal(formatSelector({}), '<none>');
  assert.equal(
    formatSelector({
      matchLabels: { app: 'api' },
      matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['b', 'a'] }],
    }),
    'app=api,tier notin (a,b)',
  );
});
