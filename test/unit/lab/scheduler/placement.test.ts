import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONTROL_PLANE_ROLE, nodeObject } from '../../../../src/lab/node-objects.ts';
import { fitError, schedule } from '../../../../src/lab/scheduler/placement.ts';
import { labelSelectorMatches, nodeSelectorTermsMatch } from '../../../../src/lab/scheduler/selectors.ts';
import { tolerates, untoleratedTaint } from '../../../../src/lab/scheduler/taints.ts';
import type {
  Node,
  Pod,
  PodAffinityTerm,
  PodSpec,
  Taint,
  Toleration,
} from '../../../../src/lab/scheduler/types.ts';

const CP = 'kube-ovn-control-plane';
const W = 'kube-ovn-worker';
const cpTaint: Taint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

function node(name: string, labels: Record<string, string> = {}, spec: Node['spec'] = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...labels } },
    spec,
  };
}
function pod(name: string, spec: PodSpec = {}, labels: Record<string, string> = {}, namespace = 'ns1'): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: { containers: [], ...spec } as PodSpec,
  };
}
/** The lab's two kind nodes, untainted as after Kube-OVN's `make kind-untaint-control-plane`. */
const now = Date.UTC(2026, 0, 1);
const lab = [
  nodeObject({ name: CP, internalIp: '192.0.2.1', controlPlane: true }, now),
  nodeObject({ name: W, internalIp: '192.0.2.2', controlPlane: false }, now),
];
const none = new Map<string, Pod[]>();

describe('tolerations against taints', () => {
  const cases: Array<[string, Toleration, Taint, boolean]> = [
    ['Exists on the key, any effect', { key: cpTaint.key, operator: 'Exists' }, cpTaint, true],
    [
      'empty key with Exists tolerates everything',
      { operator: 'Exists' },
      { key: 'x', value: 'y', effect: 'NoExecute' },
      true,
    ],
    [
      'Equal needs the same value',
      { key: 'k', operator: 'Equal', value: 'v' },
      { key: 'k', value: 'v', effect: 'NoSchedule' },
      true,
    ],
    [
      'Equal is the default operator',
      { key: 'k', value: 'v' },
      { key: 'k', value: 'w', effect: 'NoSchedule' },
      false,
    ],
    ['another key', { key: 'k2', operator: 'Exists' }, { key: 'k', effect: 'NoSchedule' }, false],
    [
      'another effect',
      { key: 'k', operator: 'Exists', effect: 'NoExecute' },
      { key: 'k', effect: 'NoSchedule' },
      false,
    ],
    [
      'no value equals an empty value',
      { key: 'k', operator: 'Equal' },
      { key: 'k', value: '', effect: 'NoSchedule' },
      true,
    ],
  ];
  for (const [name, toleration, taint, want] of cases)
    it(name, () => assert.equal(tolerates(toleration, taint), want));
  it('PreferNoSchedule never blocks; the first untolerated NoSchedule/NoExecute taint is named', () => {
    const n = node(
      'n',
      {},
      { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }, { key: 'a', effect: 'NoExecute' }, cpTaint] },
    );
    assert.deepEqual(untoleratedTaint(n, []), { key: 'a', effect: 'NoExecute' });
    assert.deepEqual(untoleratedTaint(n, [{ key: 'a', operator: 'Exists' }]), cpTaint);
    assert.equal(untoleratedTaint(n, [{ operator: 'Exists' }]), undefined);
  });
});

describe('label selectors and node selector terms', () => {
  const labels = { app: 'web', tier: 'front', size: '5' };
  const cases: Array<[string, Parameters<typeof labelSelectorMatches>[0], boolean]> = [
    ['empty selector matches everything', {}, true],
    ['null matches nothing', null, false],
    ['matchLabels', { matchLabels: { app: 'web' } }, true],
    ['matchLabels mismatch', { matchLabels: { app: 'db' } }, false],
    ['In', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['back', 'front'] }] }, true],
    [
      'NotIn on a missing key',
      { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] },
      true,
    ],
    ['Exists', { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, true],
    ['DoesNotExist', { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
    [
      'labels AND expressions',
      {
        matchLabels: { app: 'web' },
        matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }],
      },
      false,
    ],
  ];
  for (const [name, selector, want] of cases)
    it(name, () => assert.equal(labelSelectorMatches(selector, labels), want));

  const n = node('w1', { size: '5', zone: 'a' });
  const terms: Array<[string, Parameters<typeof nodeSelectorTermsMatch>[0], boolean]> = [
    ['Gt', [{ matchExpressions: [{ key: 'size', operator: 'Gt', values: ['4'] }] }], true],
    ['Lt', [{ matchExpressions: [{ key: 'size', operator: 'Lt', values: ['5'] }] }], false],
    [
      'Gt on a non-integer label',
      [{ matchExpressions: [{ key: 'zone', operator: 'Gt', values: ['1'] }] }],
      false,
    ],
    [
      'matchFields metadata.name In',
      [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['w1'] }] }],
      true,
    ],
    [
      'matchFields metadata.name NotIn',
      [{ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['w1'] }] }],
      false,
    ],
    [
      'terms are ORed',
      [
        { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] },
        { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] },
      ],
      true,
    ],
    [
      'requirements in a term are ANDed',
      [
        {
          matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }],
          matchFields: [{ key: 'metadata.name', operator: 'In', values: ['w2'] }],
        },
      ],
      false,
    ],
    ['an empty term matches nothing', [{}], false],
    ['no terms match nothing', [], false],
  ];
  for (const [name, t, want] of terms)
    it(`node terms: ${name}`, () => assert.equal(nodeSelectorTermsMatch(t, n), want));
});

describe('placement: node name, selectors, taints, node affinity', () => {
  const nodeAffinity = (
    values: string[],
    operator: 'In' | 'NotIn' = 'In',
  ): NonNullable<PodSpec['affinity']> => ({
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator, values }] }],
      },
    },
  });
  const tainted = [node(CP, {}, { taints: [cpTaint] }), node(W)];
  const cases: Array<[string, Pod, Node[], ReturnType<typeof schedule>]> = [
    ['already bound: stays', pod('p', { nodeName: W }), lab, { node: W, alreadyBound: true }],
    ['no constraint, empty cluster: first by name', pod('p'), lab, { node: CP }],
    [
      'nodeSelector on hostname (the Config VPC gateway)',
      pod('p', { nodeSelector: { 'kubernetes.io/hostname': W } }),
      lab,
      { node: W },
    ],
    [
      'nodeSelector nobody has',
      pod('p', { nodeSelector: { disk: 'ssd' } }),
      lab,
      { unschedulable: "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector." },
    ],
    ['node affinity In', pod('p', { affinity: nodeAffinity([W]) }), lab, { node: W }],
    ['node affinity NotIn', pod('p', { affinity: nodeAffinity([CP], 'NotIn') }), lab, { node: W }],
    [
      'matchFields metadata.name',
      pod('p', {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [CP] }] }],
            },
          },
        },
      }),
      lab,
      { node: CP },
    ],
    ['tainted control plane: the worker', pod('p'), tainted, { node: W }],
    [
      'tainted control plane, selector on it',
      pod('p', { nodeSelector: { 'kubernetes.io/hostname': CP } }),
      tainted,
      {
        unschedulable:
          "0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }.",
      },
    ],
    [
      'tolerating the taint',
      pod('p', {
        nodeSelector: { 'kubernetes.io/hostname': CP },
        tolerations: [{ key: cpTaint.key, operator: 'Exists', effect: 'NoSchedule' }],
      }),
      tainted,
      { node: CP },
    ],
    [
      'taints are checked before affinity (one reason per node)',
      pod('p', { affinity: nodeAffinity(['nowhere']) }),
      tainted,
      {
        unschedulable:
          "0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }.",
      },
    ],
    [
      'cordoned node',
      pod('p'),
      [
        node(CP, {}, { unschedulable: true }),
        node(W, {}, { taints: [{ key: 'dedicated', value: 'gw', effect: 'NoExecute' }] }),
      ],
      {
        unschedulable:
          '0/2 nodes are available: 1 node(s) had untolerated taint {dedicated: gw}, 1 node(s) were unschedulable.',
      },
    ],
    [
      'cordoned node, tolerated',
      pod('p', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists' }] }),
      [node(CP, {}, { unschedulable: true })],
      { node: CP },
    ],
    ['no nodes', pod('p'), [], { unschedulable: 'no nodes available to schedule pods' }],
  ];
  for (const [name, p, nodes, want] of cases)
    it(name, () => assert.deepEqual(schedule(p, nodes, none), want));
});

describe('placement: spreading', () => {
  const on = (counts: Record<string, number>): Map<string, Pod[]> =>
    new Map(
      Object.entries(counts).map(([n, c]) => [
        n,
        Array.from({ length: c }, (_, i) => pod(`${n}-${i}`, { nodeName: n })),
      ]),
    );
  const cases: Array<[string, Record<string, number>, string]> = [
    ['fewest pods first', { [CP]: 3, [W]: 1 }, W],
    ['ties broken by name', { [CP]: 2, [W]: 2 }, CP],
    ['an empty node beats a busy one', { [CP]: 1 }, W],
  ];
  for (const [name, counts, want] of cases)
    it(name, () => assert.deepEqual(schedule(pod('new'), lab, on(counts)), { node: want }));
});

describe('placement: inter-pod affinity on kubernetes.io/hostname', () => {
  const host = 'kubernetes.io/hostname';
  const term = (app: string, extra: Partial<PodAffinityTerm> = {}): PodAffinityTerm => ({
    labelSelector: { matchLabels: { app } },
    topologyKey: host,
    ...extra,
  });
  const affine = (t: PodAffinityTerm): PodSpec => ({
    affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [t] } },
  });
  const anti = (t: PodAffinityTerm): PodSpec => ({
    affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [t] } },
  });
  const web = (nodeName: string, spec: PodSpec = {}, ns = 'ns1'): Pod =>
    pod(`web-${nodeName}`, { ...spec, nodeName }, { app: 'web' }, ns);
  /** Pods on the worker that make spreading prefer the control plane. */
  const busy = (name: string): Pod => pod(name, { nodeName: W });
  const bound = (...pods: Pod[]): Map<string, Pod[]> => {
    const m = new Map<string, Pod[]>();
    for (const p of pods) m.set(p.spec?.nodeName ?? '', [...(m.get(p.spec?.nodeName ?? '') ?? []), p]);
    return m;
  };
  const cases: Array<[string, Pod, Map<string, Pod[]>, ReturnType<typeof schedule>]> = [
    [
      'affinity: next to the matching pod (despite spreading)',
      pod('p', affine(term('web'))),
      bound(web(W)),
      { node: W },
    ],
    [
      'affinity: the first of a group that matches itself goes anywhere',
      pod('p', affine(term('web')), { app: 'web' }),
      none,
      { node: CP },
    ],
    [
      'affinity: nothing matches and the pod does not match itself',
      pod('p', affine(term('web'))),
      none,
      {
        unschedulable: "0/2 nodes are available: 2 node(s) didn't match pod affinity rules.",
      },
    ],
    [
      'affinity: pods of other namespaces do not count by default',
      pod('p', affine(term('web'))),
      bound(web(W, {}, 'ns2')),
      {
        unschedulable: "0/2 nodes are available: 2 node(s) didn't match pod affinity rules.",
      },
    ],
    [
      'affinity: namespaces listed in the term',
      pod('p', affine(term('web', { namespaces: ['ns2'] }))),
      bound(web(W, {}, 'ns2')),
      { node: W },
    ],
    [
      'affinity: an empty namespaceSelector selects all namespaces',
      pod('p', affine(term('web', { namespaceSelector: {} }))),
      bound(web(W, {}, 'ns2')),
      { node: W },
    ],
    ['anti-affinity: away from the matching pod', pod('p', anti(term('web'))), bound(web(CP)), { node: W }],
    [
      'anti-affinity: nowhere left',
      pod('p', anti(term('web'))),
      bound(web(CP), web(W)),
      {
        unschedulable: "0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules.",
      },
    ],
    [
      'existing pods’ anti-affinity keeps the newcomer away',
      pod('p', {}, { app: 'db' }),
      bound(web(CP, anti(term('db'))), busy('x1'), busy('x2')),
      { node: W },
    ],
    [
      'existing anti-affinity of another namespace does not select it',
      pod('p', {}, { app: 'db' }, 'ns2'),
      bound(web(CP, anti(term('db'))), busy('x1'), busy('x2')),
      { node: CP },
    ],
    [
      'a node without the topology key fails affinity',
      pod('p', affine(term('web', { topologyKey: 'zone' }))),
      bound(web(W)),
      {
        unschedulable: "0/2 nodes are available: 2 node(s) didn't match pod affinity rules.",
      },
    ],
  ];
  for (const [name, p, pods, want] of cases) it(name, () => assert.deepEqual(schedule(p, lab, pods), want));
  it('the pod’s own anti-affinity is reported before existing pods’ (kube-scheduler’s order)', () => {
    const gw = (nodeName: string): Pod =>
      pod(`gw-${nodeName}`, { ...anti(term('gw')), nodeName }, { app: 'gw' });
    assert.deepEqual(schedule(pod('gw-3', anti(term('gw')), { app: 'gw' }), lab, bound(gw(CP), gw(W))), {
      unschedulable: "0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules.",
    });
  });
});

describe('the lab nodes', () => {
  it('are kind-like: hostname labels, the control-plane role on the first, no taints', () => {
    assert.equal(lab[0]?.metadata.labels?.[CONTROL_PLANE_ROLE], '');
    assert.equal(lab[1]?.metadata.labels?.[CONTROL_PLANE_ROLE], undefined);
    assert.deepEqual(
      lab.map((n) => n.metadata.labels?.['kubernetes.io/hostname']),
      [CP, W],
    );
    assert.ok(lab.every((n) => !n.spec?.taints?.length));
  });
  it('a control-plane selector works as on Kube-OVN kind clusters', () => {
    const p = pod('p', { nodeSelector: { [CONTROL_PLANE_ROLE]: '' } });
    assert.deepEqual(schedule(p, lab, new Map([[CP, [pod('x', { nodeName: CP })]]])), { node: CP });
  });
  it('carry the `type: kind` label of yamls/kind.yaml.j2, so a `type: kind` selector reaches both', () => {
    assert.ok(lab.every((n) => n.metadata.labels?.['type'] === 'kind'));
    const p = pod('p', { nodeSelector: { type: 'kind', 'kubernetes.io/os': 'linux' } });
    assert.deepEqual(schedule(p, lab, new Map([[CP, [pod('x', { nodeName: CP })]]])), { node: W });
  });
  it('report the underlay address and Ready', () => {
    const status = lab[1]?.['status'] as {
      addresses: { type: string; address: string }[];
      conditions: { type: string; status: string }[];
    };
    assert.deepEqual(status.addresses[0], { type: 'InternalIP', address: '192.0.2.2' });
    assert.deepEqual(
      status.conditions.map((c) => [c.type, c.status]),
      [['Ready', 'True']],
    );
  });
});

describe('FitError text', () => {
  it('sorts the "N reason" strings as kube-scheduler does', () => {
    const reasons = new Map([
      ["node(s) didn't match Pod's node affinity/selector", 1],
      ['node(s) had untolerated taint {a: }', 10],
    ]);
    assert.equal(
      fitError(11, reasons),
      "0/11 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 10 node(s) had untolerated taint {a: }.",
    );
  });
});
