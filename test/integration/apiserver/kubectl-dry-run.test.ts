// `--dry-run=server` with the real kubectl, on the kinds `kovn install` renders (ServiceAccount, RBAC, ConfigMap,
// Deployment, DaemonSet in kube-system, a cluster-scoped kubeovn.io object): apply prints `created (server dry run)`
// and stores nothing (twice in a row too), an invalid object gets the 422 a real apply gets, and create and delete
// in dry run leave the objects as they were.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './helpers.ts';
import { kubectlAvailable, kubectlBin, kubectlFor, ok } from './kubectl-cli.ts';

let t: TestServer;
const kubectl = kubectlFor(() => t);

const manifest = `apiVersion: v1
kind: ServiceAccount
metadata: {name: dry-controller, namespace: kube-system}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: dry-controller}
rules:
  - {apiGroups: [kubeovn.io], resources: [subnets, subnets/status], verbs: [get, list, watch, update, patch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: dry-controller}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: dry-controller}
subjects: [{kind: ServiceAccount, name: dry-controller, namespace: kube-system}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: dry-leader, namespace: kube-system}
rules: [{apiGroups: [coordination.k8s.io], resources: [leases], verbs: [get, create, update]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: dry-leader, namespace: kube-system}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: dry-leader}
subjects: [{kind: ServiceAccount, name: dry-controller, namespace: kube-system}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: dry-config, namespace: kube-system}
data: {mode: primary}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: dry-controller, namespace: kube-system}
spec:
  replicas: 2
  selector: {matchLabels: {app: dry-controller}}
  template:
    metadata: {labels: {app: dry-controller}}
    spec:
      serviceAccountName: dry-controller
      containers: [{name: controller, image: kovn:dev, args: [controller]}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: dry-node, namespace: kube-system}
spec:
  selector: {matchLabels: {app: dry-node}}
  template:
    metadata: {labels: {app: dry-node}}
    spec:
      hostNetwork: true
      tolerations: [{operator: Exists}]
      containers: [{name: node, image: kovn:dev, securityContext: {privileged: true}}]
---
apiVersion: kubeovn.io/v1
kind: Vpc
metadata: {name: dry-vpc}
spec: {}
`;

const kinds = [
  'serviceaccount/dry-controller',
  'clusterrole.rbac.authorization.k8s.io/dry-controller',
  'clusterrolebinding.rbac.authorization.k8s.io/dry-controller',
  'role.rbac.authorization.k8s.io/dry-leader',
  'rolebinding.rbac.authorization.k8s.io/dry-leader',
  'configmap/dry-config',
  'deployment.apps/dry-controller',
  'daemonset.apps/dry-node',
  'vpc.kubeovn.io/dry-vpc',
];

describe('kubectl --dry-run=server', { skip: kubectlAvailable ? false : `${kubectlBin} not found` }, () => {
  let file = '';
  before(async () => {
    t = await startTestServer();
    file = join(t.dir, 'install.yaml');
    writeFileSync(file, manifest);
  });
  after(async () => {
    await t.close();
  });

  const stored = async (): Promise<string> => {
    const names = 'sa,cm,deploy,ds,role,rolebinding';
    const namespaced = ok(await kubectl('get', '-n', 'kube-system', names, '-o', 'name'));
    const cluster = ok(await kubectl('get', 'clusterrole,clusterrolebinding,vpc', '-o', 'name'));
    return `${namespaced}${cluster}`;
  };

  it('applies new objects: created (server dry run), twice, and nothing is stored', async () => {
    const before = await stored();
    for (const _run of [1, 2]) {
      const out = ok(await kubectl('apply', '--dry-run=server', '-f', file));
      assert.deepEqual(
        out.trim().split('\n'),
        kinds.map((k) => `${k} created (server dry run)`),
      );
    }
    assert.equal(await stored(), before);
    for (const k of ['deployment/dry-controller', 'daemonset/dry-node', 'configmap/dry-config']) {
      const missing = await kubectl('get', '-n', 'kube-system', k);
      assert.match(missing.stderr, /NotFound/);
    }
  });

  it('refuses an invalid object in a dry run with the 422 of a real apply', async () => {
    const bad = join(t.dir, 'bad.yaml');
    writeFileSync(
      bad,
      'apiVersion: kubeovn.io/v1\nkind: Vpc\nmetadata: {name: dry-bad}\nspec: {policyRoutes: [{priority: 40000, action: allow, match: ip4}]}\n',
    );
    const real = await kubectl('apply', '-f', bad);
    const dry = await kubectl('apply', '--dry-run=server', '-f', bad);
    assert.notEqual(real.code, 0);
    assert.notEqual(dry.code, 0);
    // kubectl's words for a 422 Invalid Status
    assert.match(
      real.stderr,
      /^The Vpc "dry-bad" is invalid: spec\.policyRoutes\[0\]\.priority: Invalid value: 40000/,
    );
    assert.equal(dry.stderr, real.stderr);
    assert.match((await kubectl('get', 'vpc', 'dry-bad')).stderr, /NotFound/);
  });

  it('creates and deletes in a dry run without touching what is stored', async () => {
    assert.match(
      ok(await kubectl('create', '--dry-run=server', '-f', file)),
      /^deployment\.apps\/dry-controller created \(server dry run\)$/m,
    );
    assert.equal((await kubectl('get', '-n', 'kube-system', 'deploy/dry-controller')).code, 1);
    assert.match(ok(await kubectl('apply', '-f', file)), /^daemonset\.apps\/dry-node created$/m);
    const applied = await stored();
    assert.match(
      ok(await kubectl('apply', '--dry-run=server', '-f', file)),
      /^daemonset\.apps\/dry-node unchanged \(server dry run\)$/m,
    );
    const deleted = ok(await kubectl('delete', '--dry-run=server', '-f', file));
    assert.match(deleted, /^deployment\.apps "dry-controller" deleted \(server dry run\)$/m);
    assert.match(deleted, /^vpc\.kubeovn\.io "dry-vpc" deleted \(server dry run\)$/m);
    assert.equal(await stored(), applied);
    const scaled = ok(
      await kubectl(
        'patch',
        '-n',
        'kube-system',
        'deploy/dry-controller',
        '--dry-run=server',
        '-p',
        '{"spec":{"replicas":5}}',
      ),
    );
    assert.match(scaled, /deployment\.apps\/dry-controller patched/); // kubectl's patch prints no dry-run suffix
    assert.match(
      ok(
        await kubectl('get', '-n', 'kube-system', 'deploy/dry-controller', '-o', 'jsonpath={.spec.replicas}'),
      ),
      /^2$/,
    );
  });
});
