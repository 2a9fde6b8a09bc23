// The lab's controller and node agents are the processes `kovn install` renders (src/lab/rendered-launch.ts): the
// rendered env and args show up in the launch with their downward-API fields and `$(VAR)`s resolved for the lab's
// pod, each LAB_OVERRIDES row is applied and nothing else changes, the ServiceAccount comes from the pod template,
// and every drift of the rendering the lab cannot resolve (a new fieldRef, a Secret reference, a path under a mount
// that no row maps, a flag a row expected gone) throws naming what it could not resolve.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { KubeObject } from '../../../src/api/types.ts';
import { CONTROLLER, NODE } from '../../../src/install/rbac.ts';
import { AGENT_SOCKET, CONTROLLER_PORT } from '../../../src/install/workloads.ts';
import { containerEnv, expandVars, type Container } from '../../../src/lab/container-env.ts';
import {
  LAB_OVERRIDES,
  labControllerWorkload,
  labLaunch,
  labNodeWorkload,
  workloadComponent,
  type LabSite,
} from '../../../src/lab/rendered-launch.ts';
import { ROOT } from '../../support/lab-e2e.ts';

const METRICS = ['--metrics-addr=127.0.0.1:0', '--metrics-url-file=/lab/metrics/x.url'];
const CONTROLLER_SITE: LabSite = {
  kubeconfig: '/lab/c.kubeconfig',
  metricsFlags: METRICS,
  nbRemote: 'unix:/lab/nb.sock',
};
const NODE_SITE: LabSite = {
  kubeconfig: '/lab/n.kubeconfig',
  metricsFlags: METRICS,
  enableTproxy: false,
  node: {
    name: 'w1',
    address: '172.18.0.3',
    netns: 'lab-n-w1',
    ovsRundir: '/lab/w1/ovs',
    cniSocket: '/lab/w1/cni.sock',
  },
};

const containerOf = (w: KubeObject): Container & Record<string, unknown> =>
  (w as unknown as { spec: { template: { spec: { containers: (Container & Record<string, unknown>)[] } } } })
    .spec.template.spec.containers[0]!;
const podSpecOf = (w: KubeObject): Record<string, unknown> =>
  (w as unknown as { spec: { template: { spec: Record<string, unknown> } } }).spec.template.spec;

void test('the controller runs the rendered command, args and env, with the lab overrides only', () => {
  const rendered = containerOf(labControllerWorkload());
  const launch = labLaunch(labControllerWorkload(), CONTROLLER_SITE);
  assert.equal(launch.command, process.execPath);
  assert.deepEqual(launch.args, [
    join(ROOT, 'src/cli/main.ts'),
    'controller',
    '--ovn-nb-addr=unix:/lab/nb.sock',
    '--lease-namespace=kube-system',
    '--identity=kovn-controller-lab',
    ...METRICS,
    '--kubeconfig=/lab/c.kubeconfig',
  ]);
  assert.deepEqual(launch.env, {
    OVN_NB_ADDR: 'unix:/lab/nb.sock',
    POD_NAME: 'kovn-controller-lab',
    POD_NAMESPACE: 'kube-system',
  });
  assert.deepEqual(
    Object.keys(launch.env),
    (rendered.env ?? []).map((e) => e.name),
  );
  assert.ok(!launch.args.includes(`--metrics-addr=0.0.0.0:${CONTROLLER_PORT}`));
});

void test('a node agent runs the rendered agent with its node resolved and node-local paths mapped', () => {
  const launch = labLaunch(labNodeWorkload(), NODE_SITE);
  assert.equal(launch.command, process.execPath);
  assert.deepEqual(launch.args, [
    join(ROOT, 'src/node/agent/main.ts'),
    '--node=w1',
    '--ovs-rundir=/lab/w1/ovs',
    '--socket=/lab/w1/cni.sock',
    ...METRICS,
    '--enable-tproxy=false',
    '--kubeconfig=/lab/n.kubeconfig',
    '--netns=lab-n-w1',
  ]);
  assert.deepEqual(launch.env, { KUBE_NODE_NAME: 'w1', POD_IP: '172.18.0.3' });
  assert.ok(!launch.args.some((a) => a.includes(AGENT_SOCKET)));
});

void test('in secondary mode every rendered arg still runs, and the lab sets the TProxy flag the rendering omits', () => {
  const controller = containerOf(labControllerWorkload('secondary'));
  const launch = labLaunch(labControllerWorkload('secondary'), CONTROLLER_SITE);
  const overridden = ['--metrics-addr', '--ovn-nb-addr'];
  for (const arg of controller.args ?? [])
    if (!overridden.some((f) => arg.startsWith(f)))
      assert.ok(launch.args.includes(arg.replace('$(POD_NAME)', 'kovn-controller-lab')), arg);
  assert.ok(
    !(containerOf(labNodeWorkload('secondary')).args ?? []).some((a) => a.startsWith('--enable-tproxy')),
  );
  const agent = labLaunch(labNodeWorkload('secondary'), { ...NODE_SITE, enableTproxy: true });
  assert.deepEqual(
    agent.args.filter((a) => a.startsWith('--enable-tproxy')),
    ['--enable-tproxy=true'],
  );
});

void test('the ServiceAccount comes from the pod template; every override row says why', () => {
  assert.equal(workloadComponent(labControllerWorkload()), CONTROLLER);
  assert.equal(workloadComponent(labNodeWorkload()), NODE);
  const stranger = labNodeWorkload();
  podSpecOf(stranger)['serviceAccountName'] = 'default';
  assert.throws(() => workloadComponent(stranger), /ServiceAccount default is none of the rendered ones/);
  for (const row of LAB_OVERRIDES) assert.ok(row.reason.length > 20, JSON.stringify(row));
});

type Drift = [
  what: string,
  workload: () => KubeObject,
  change: (c: Container & Record<string, unknown>, w: KubeObject) => void,
  error: RegExp,
];
const DRIFTS: Drift[] = [
  [
    'an unknown fieldRef',
    labControllerWorkload,
    (c) => c.env?.push({ name: 'UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } }),
    /fieldRef metadata\.uid: the lab does not know how to resolve it/,
  ],
  [
    'a Secret reference',
    labControllerWorkload,
    (c) => c.env?.push({ name: 'T', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }),
    /env T: valueFrom\.secretKeyRef is not resolved/,
  ],
  ['envFrom', labNodeWorkload, (c) => (c.envFrom = [{ configMapRef: { name: 'x' } }]), /envFrom/],
  [
    'spec.nodeName in the controller, which runs on no lab node',
    labControllerWorkload,
    (c) => c.env?.push({ name: 'N', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }),
    /no node \(for spec\.nodeName\)/,
  ],
  [
    'status.podIP without hostNetwork',
    labNodeWorkload,
    (_c, w) => (podSpecOf(w)['hostNetwork'] = false),
    /status\.podIP: the lab runs the process on no pod network/,
  ],
  [
    'an undefined $(VAR)',
    labControllerWorkload,
    (c) => c.args?.push('--x=$(NOPE)'),
    /\$\(NOPE\): no such env var/,
  ],
  [
    'a path under a mount no row maps',
    labNodeWorkload,
    (c) => c.args?.push('--ovn-rundir=/run/ovn'),
    /--ovn-rundir=\/run\/ovn: a path under the mount \/run\/ovn \(volume run-ovn\)/,
  ],
  [
    'a mounted path in an env literal',
    labNodeWorkload,
    (c) => c.env?.push({ name: 'DB', value: 'unix:/run/openvswitch/db.sock' }),
    /a path under the mount \/run\/openvswitch/,
  ],
  [
    'a replaced flag gone from the rendering',
    labNodeWorkload,
    (c) => (c.args = (c.args ?? []).filter((a) => !a.startsWith('--socket'))),
    /override of --socket \(replace\): the rendering lacks it/,
  ],
  [
    'an added flag now rendered',
    labControllerWorkload,
    (c) => c.args?.push('--kubeconfig=/etc/kubeconfig'),
    /override of --kubeconfig \(add\): the rendering has it/,
  ],
  [
    'a replaced env var gone',
    labControllerWorkload,
    (c) => (c.env = (c.env ?? []).filter((e) => e.name !== 'OVN_NB_ADDR')),
    /override of env OVN_NB_ADDR \(replace\): the rendering lacks it/,
  ],
  [
    'another program',
    labControllerWorkload,
    (c) => (c.command = ['/usr/bin/kube-ovn-controller']),
    /command \/usr\/bin\/kube-ovn-controller: not a program the lab knows how to run/,
  ],
];

void test('a drift of the rendering the lab cannot resolve throws, naming it', () => {
  for (const [what, workload, change, error] of DRIFTS) {
    const w = workload();
    change(containerOf(w), w);
    const site = w.kind === 'DaemonSet' ? NODE_SITE : CONTROLLER_SITE;
    assert.throws(() => labLaunch(w, site), error, what);
    assert.throws(() => labLaunch(w, site), new RegExp(`^Error: ${w.kind} ${w.metadata.name}: `), what);
  }
});

void test('container env: literals, dependent $(VAR)s, $$ escapes, fieldRefs from the caller', () => {
  const cases: [NonNullable<Container['env']>, Record<string, string>][] = [
    [[{ name: 'A', value: 'x' }], { A: 'x' }],
    [
      [
        { name: 'A', value: 'x' },
        { name: 'B', value: '$(A)-y' },
      ],
      { A: 'x', B: 'x-y' },
    ],
    [[{ name: 'A', value: '$$(A)' }], { A: '$(A)' }],
    [[{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }], { N: 'field:spec.nodeName' }],
  ];
  for (const [env, want] of cases)
    assert.deepEqual(
      containerEnv({ name: 'c', env }, (p) => `field:${p}`),
      want,
      JSON.stringify(env),
    );
  assert.throws(
    () => containerEnv({ name: 'c', env: [{ name: 'B', value: '$(A)' }] }, String),
    /\$\(A\): no such env var/,
  );
  assert.equal(expandVars('--a=$(X) $$(X)', { X: '1' }), '--a=1 $(X)');
});
