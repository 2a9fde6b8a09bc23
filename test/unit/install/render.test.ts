// `kovn install` (src/install): every rendered document of every mode validates against the published Kubernetes
// schemas (kubernetes-models, Kubernetes' own OpenAPI), the CRDs are deploy/crds's, the RBAC is least-privilege by
// its own rules (no wildcard, no Secrets, no pods/exec), the workloads have what the issue asks of them, and bad
// options are refused naming the flag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1';
import { DaemonSet, Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import {
  ClusterRole,
  ClusterRoleBinding,
  Role,
  RoleBinding,
} from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { Service, ServiceAccount } from 'kubernetes-models/v1';
import type { KubeObject } from '../../../src/api/types.ts';
import { InstallOptionError, parseInstallOptions } from '../../../src/install/options.ts';
import { installObjects, renderInstall } from '../../../src/install/render.ts';

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  CustomResourceDefinition,
  DaemonSet,
  Deployment,
  StatefulSet,
  ClusterRole,
  ClusterRoleBinding,
  Role,
  RoleBinding,
  Service,
  ServiceAccount,
};

const VARIANTS = [
  [],
  ['--mode', 'secondary'],
  ['--ovn-central-replicas', '3'],
  ['--ovn-nb-addr', 'ssl:10.0.0.5:6641,ssl:10.0.0.6:6641', '--namespace', 'kovn-system'],
  ['--mode', 'secondary', '--ovn-nb-addr', 'tcp:10.0.0.5:6641', '--ovn-sb-addr', 'tcp:10.0.0.5:16642'],
];

for (const args of VARIANTS) {
  test(`kovn install ${args.join(' ') || '(defaults)'}: every document is schema-valid`, () => {
    const text = renderInstall(parseInstallOptions(args));
    const docs = parseAllDocuments(text).map((d) => d.toJS() as KubeObject);
    assert.ok(docs.length > 20);
    for (const doc of docs) {
      const Model = MODELS[doc.kind];
      assert.ok(Model, `a schema for ${doc.kind}`);
      assert.doesNotThrow(() => new Model(doc as never).validate(), `${doc.kind} ${doc.metadata.name ?? ''}`);
    }
  });
}

test('the schema check can fail: a container without an image name string is refused', () => {
  const deployment = installObjects(parseInstallOptions([])).find((o) => o.kind === 'Deployment')!;
  const broken = structuredClone(deployment) as unknown as {
    spec: { template: { spec: { containers: { image: unknown }[] } } };
  };
  broken.spec.template.spec.containers[0]!.image = 7;
  assert.throws(() => new Deployment(broken as never).validate(), /image must be string/);
});

test('the CRDs are those of deploy/crds', () => {
  const crds = installObjects(parseInstallOptions([])).filter((o) => o.kind === 'CustomResourceDefinition');
  const files = readdirSync(new URL('../../../deploy/crds/', import.meta.url)).map((f) =>
    f.replace(/\.yaml$/, ''),
  );
  assert.deepEqual(crds.map((c) => c.metadata.name).sort(), files.sort());
});

test('RBAC: one ServiceAccount per component; no wildcard, no Secrets, no pods/exec anywhere', () => {
  const objects = installObjects(parseInstallOptions([]));
  assert.deepEqual(
    objects.filter((o) => o.kind === 'ServiceAccount').map((o) => o.metadata.name),
    ['kovn-controller', 'kovn-node', 'vpc-nat-gw', 'vpc-dns'],
  );
  for (const role of objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role')) {
    for (const rule of role['rules'] as { apiGroups: string[]; resources: string[]; verbs: string[] }[]) {
      const name = role.metadata.name ?? '';
      for (const v of [...rule.apiGroups, ...rule.resources, ...rule.verbs]) assert.notEqual(v, '*', name);
      assert.ok(!rule.resources.includes('secrets'), `${name} reads no Secrets`);
      assert.ok(!rule.resources.includes('pods/exec'), `${name} execs nothing`);
    }
  }
  const node = objects.find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'system:kovn-node')!;
  const verbs = (node['rules'] as { verbs: string[] }[]).flatMap((r) => r.verbs);
  assert.deepEqual([...new Set(verbs)].sort(), ['get', 'list', 'watch'], 'the node agent only reads');
});

test('workloads: a 2-replica controller with /healthz probes; a host-network DaemonSet tolerating every taint', () => {
  const objects = installObjects(parseInstallOptions([]));
  const controller = objects.find((o) => o.kind === 'Deployment') as unknown as {
    spec: {
      replicas: number;
      template: { spec: { containers: { livenessProbe: { httpGet: { path: string } } }[] } };
    };
  };
  assert.equal(controller.spec.replicas, 2);
  assert.equal(controller.spec.template.spec.containers[0]!.livenessProbe.httpGet.path, '/healthz');
  const node = objects.find((o) => o.kind === 'DaemonSet') as unknown as {
    spec: {
      template: { spec: { hostNetwork: boolean; tolerations: unknown[]; containers: { name: string }[] } };
    };
  };
  assert.equal(node.spec.template.spec.hostNetwork, true);
  assert.deepEqual(node.spec.template.spec.tolerations, [{ operator: 'Exists' }]);
  assert.deepEqual(
    node.spec.template.spec.containers.map((c) => c.name),
    ['kovn-node', 'openvswitch', 'ovn-controller'],
  );
});

test('with an existing OVN: no ovn-central, no OVS containers, the given NB and the SB beside it', () => {
  const objects = installObjects(parseInstallOptions(['--ovn-nb-addr', 'tcp:10.0.0.5:6641']));
  assert.equal(
    objects.some((o) => o.metadata.name === 'ovn-central'),
    false,
  );
  const text = JSON.stringify(objects);
  assert.match(text, /"OVN_NB_ADDR","value":"tcp:10\.0\.0\.5:6641"/);
  const node = objects.find((o) => o.kind === 'DaemonSet') as unknown as {
    spec: { template: { spec: { containers: unknown[] } } };
  };
  assert.equal(node.spec.template.spec.containers.length, 1);
});

test('3 ovn-central replicas: the controller is given every Raft member', () => {
  const text = JSON.stringify(installObjects(parseInstallOptions(['--ovn-central-replicas', '3'])));
  assert.match(
    text,
    /tcp:ovn-central-0\.ovn-central\.kube-system\.svc\.cluster\.local:6641,tcp:ovn-central-1\.[^,]+,tcp:ovn-central-2\./,
  );
});

const refused: [string[], RegExp][] = [
  [['--mode', 'overlay'], /^--mode "overlay": want primary or secondary$/],
  [['--ovn-nb-addr', 'http://x'], /^--ovn-nb-addr "http:\/\/x": want tcp:HOST:PORT or ssl:HOST:PORT$/],
  [['--ovn-sb-addr', 'tcp:1.2.3.4:6642'], /^--ovn-sb-addr: needs --ovn-nb-addr/],
  [['--ovn-central-replicas', '2'], /^--ovn-central-replicas "2": want 1 or 3$/],
  [['--namespace', 'Kube_System'], /^--namespace "Kube_System": not a namespace name$/],
  [['--bogus'], /Unknown option '--bogus'/],
];
for (const [args, message] of refused) {
  test(`refused: ${args.join(' ')}`, () => {
    assert.throws(
      () => parseInstallOptions(args),
      (e: unknown) => e instanceof InstallOptionError && message.test(e.message),
    );
  });
}

test('secondary mode: the controller runs with --non-primary-cni-mode=true; primary mode without it', () => {
  const controllerArgs = (mode: string) => {
    const deployment = installObjects(parseInstallOptions(['--mode', mode])).find(
      (o) => o.kind === 'Deployment' && o.metadata.name === 'kovn-controller',
    ) as { spec: { template: { spec: { containers: { args?: string[] }[] } } } } | undefined;
    return deployment?.spec.template.spec.containers[0]?.args ?? [];
  };
  assert.ok(controllerArgs('secondary').includes('--non-primary-cni-mode=true'));
  assert.ok(!controllerArgs('primary').some((a) => a.startsWith('--non-primary-cni-mode')));
});
