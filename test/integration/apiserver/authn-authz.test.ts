// Authentication and authorization as kube-apiserver's, with the real kubectl: `kubectl create token` for a
// ServiceAccount, that token listing subnets through a ClusterRole and ClusterRoleBinding and refused a Secret with
// kube-apiserver's 403 text; a ServiceAccount without bindings refused; a bogus, an expired (the server's clock is
// moved) and a re-created ServiceAccount's old token refused with 401; `kubectl auth can-i` (yes/no, exit codes,
// --list) and `kubectl auth whoami`; RoleBindings scoped to their namespace; and the admin keeping every right.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { systemClock, type Clock } from '../../../src/util/clock.ts';
import { startTestServer, type TestServer } from './helpers.ts';
import { kubectlAvailable, kubectlBin, kubectlFor, ok, type KubectlResult } from './kubectl-cli.ts';

/** The wall clock moved by `skew` ms: the server's view of time, to let a token expire without waiting. */
let skew = 0;
const skewedClock: Clock = {
  now: () => systemClock.now() + skew,
  setTimeout: (fn, ms) => systemClock.setTimeout(fn, ms),
  clearTimeout: (id) => systemClock.clearTimeout(id),
  sleep: (ms, signal) => systemClock.sleep(ms, signal),
};

let t: TestServer;
const kubectl = kubectlFor(() => t);
const as = (token: string, ...args: string[]): Promise<KubectlResult> => kubectl('--token', token, ...args);
const unauthorized = /error: You must be logged in to the server \(Unauthorized\)/;

function apply(name: string, yaml: string): Promise<KubectlResult> {
  const file = join(t.dir, `${name}.yaml`);
  writeFileSync(file, yaml);
  return kubectl('apply', '-f', file);
}

async function token(sa: string, namespace: string, ...more: string[]): Promise<string> {
  return ok(await kubectl('create', 'token', sa, '-n', namespace, ...more)).trim();
}

describe(
  'authentication and RBAC with kubectl',
  { skip: kubectlAvailable ? false : `${kubectlBin} not found` },
  () => {
    let controller = '';
    before(async () => {
      t = await startTestServer({ clock: skewedClock });
      ok(await kubectl('create', 'serviceaccount', 'kovn-controller', '-n', 'kube-system'));
      ok(
        await apply(
          'controller-rbac',
          `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: kovn-controller}
rules:
- {apiGroups: [kubeovn.io], resources: [subnets], verbs: [get, list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: kovn-controller}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: kovn-controller}
subjects:
- {kind: ServiceAccount, name: kovn-controller, namespace: kube-system}
`,
        ),
      );
      controller = await token('kovn-controller', 'kube-system');
    });
    after(async () => {
      await t.close();
    });

    it('issues a signed token with kubectl create token', async () => {
      const [, payload = ''] = controller.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
        string,
        unknown
      >;
      assert.equal(claims['sub'], 'system:serviceaccount:kube-system:kovn-controller');
      assert.equal((claims['exp'] as number) - (claims['iat'] as number), 3600);
      const missing = await kubectl('create', 'token', 'nobody', '-n', 'kube-system');
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /serviceaccounts "nobody" not found/);
      const short = await kubectl('create', 'token', 'kovn-controller', '-n', 'kube-system', '--duration=1m');
      assert.equal(short.code, 1);
      assert.match(short.stderr, /may not specify a duration less than 10 minutes/);
    });

    it('lets the token list subnets and refuses it a Secret with a 403', async () => {
      ok(await as(controller, 'get', 'subnets'));
      const secret = await as(controller, 'create', 'secret', 'generic', 'x', '--from-literal=a=b');
      assert.equal(secret.code, 1);
      assert.match(
        secret.stderr,
        /secrets is forbidden: User "system:serviceaccount:kube-system:kovn-controller" cannot create resource "secrets" in API group "" in the namespace "default"/,
      );
      const vpcs = await as(controller, 'get', 'vpcs');
      assert.match(
        vpcs.stderr,
        /Error from server \(Forbidden\): vpcs\.kubeovn\.io is forbidden: User "system:serviceaccount:kube-system:kovn-controller" cannot list resource "vpcs" in API group "kubeovn\.io" at the cluster scope/,
      );
    });

    it('refuses a ServiceAccount without bindings with 403, and a bogus token with 401', async () => {
      ok(await kubectl('create', 'serviceaccount', 'idle', '-n', 'default'));
      const idle = await as(await token('idle', 'default'), 'get', 'subnets');
      assert.equal(idle.code, 1);
      assert.match(
        idle.stderr,
        /Error from server \(Forbidden\): subnets\.kubeovn\.io is forbidden: User "system:serviceaccount:default:idle" cannot list resource "subnets" in API group "kubeovn\.io" at the cluster scope/,
      );
      const bogus = await as('not-a-token', 'get', 'subnets');
      assert.equal(bogus.code, 1);
      assert.match(bogus.stderr, unauthorized);
      const raw = await t.request('GET', '/apis/kubeovn.io/v1/subnets', { token: 'not-a-token' });
      assert.equal(raw.status, 401);
      assert.deepEqual(raw.body, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      });
    });

    it('answers kubectl auth can-i with yes and no, and --list', async () => {
      const yes = await as(controller, 'auth', 'can-i', 'list', 'subnets');
      assert.deepEqual([yes.code, yes.stdout.trim()], [0, 'yes']);
      const no = await as(controller, 'auth', 'can-i', 'create', 'secrets', '-n', 'default');
      assert.deepEqual([no.code, no.stdout.trim()], [1, 'no']);
      const path = await as(controller, 'auth', 'can-i', 'get', '/apis/kubeovn.io');
      assert.deepEqual([path.code, path.stdout.trim()], [0, 'yes']);
      assert.equal((await as(controller, 'auth', 'can-i', 'get', '/readyz/store')).stdout.trim(), 'no');
      const discovery = ok(await as(controller, 'api-resources', '--api-group=authorization.k8s.io'));
      assert.match(
        discovery,
        /^selfsubjectaccessreviews +authorization\.k8s\.io\/v1 +false +SelfSubjectAccessReview$/m,
      );
      assert.match(
        discovery,
        /^selfsubjectrulesreviews +authorization\.k8s\.io\/v1 +false +SelfSubjectRulesReview$/m,
      );
      const list = ok(await as(controller, 'auth', 'can-i', '--list', '-n', 'kube-system'));
      assert.match(list, /^subnets\.kubeovn\.io +\[\] +\[\] +\[get list watch\]$/m);
      assert.match(list, /^selfsubjectaccessreviews\.authorization\.k8s\.io +\[\] +\[\] +\[create\]$/m);
      assert.match(list, /^ +\[\/api\/\*\] +\[\] +\[get\]$/m);
      assert.match(ok(await kubectl('auth', 'can-i', '--list')), /^\*\.\* +\[\] +\[\] +\[\*\]$/m);
      const whoami = ok(await as(controller, 'auth', 'whoami'));
      assert.match(whoami, /Username +system:serviceaccount:kube-system:kovn-controller/);
      assert.match(
        whoami,
        /Groups +\[system:serviceaccounts system:serviceaccounts:kube-system system:authenticated\]/,
      );
      assert.match(
        ok(await kubectl('auth', 'whoami')),
        /Username +kovn-admin\n.*Groups +\[system:masters system:authenticated\]/s,
      );
    });

    it('scopes a RoleBinding, to a Role or a ClusterRole, to its namespace', async () => {
      ok(await kubectl('create', 'namespace', 'team'));
      ok(await kubectl('create', 'serviceaccount', 'dev', '-n', 'team'));
      ok(await kubectl('create', 'clusterrole', 'secret-reader', '--verb=get,list', '--resource=secrets'));
      ok(
        await kubectl(
          'create',
          'rolebinding',
          'dev-secrets',
          '-n',
          'team',
          '--clusterrole=secret-reader',
          '--serviceaccount=team:dev',
        ),
      );
      ok(
        await kubectl(
          'create',
          'role',
          'cm-one',
          '-n',
          'team',
          '--verb=get',
          '--resource=configmaps',
          '--resource-name=settings',
        ),
      );
      ok(
        await kubectl(
          'create',
          'rolebinding',
          'dev-cm',
          '-n',
          'team',
          '--role=cm-one',
          '--serviceaccount=team:dev',
        ),
      );
      const dev = await token('dev', 'team');
      ok(await as(dev, 'get', 'secrets', '-n', 'team'));
      assert.equal((await as(dev, 'get', 'secrets', '-n', 'default')).code, 1);
      assert.equal(
        (await as(dev, 'auth', 'can-i', 'get', 'configmaps/settings', '-n', 'team')).stdout.trim(),
        'yes',
      );
      assert.equal(
        (await as(dev, 'auth', 'can-i', 'get', 'configmaps/other', '-n', 'team')).stdout.trim(),
        'no',
      );
      const table = ok(await kubectl('get', 'rolebindings', '-n', 'team', '-o', 'wide'));
      assert.match(table, /^NAME +ROLE +AGE +USERS +GROUPS +SERVICEACCOUNTS$/m);
      assert.match(table, /^dev-secrets +ClusterRole\/secret-reader +\S+ +team\/dev$/m);
    });

    it('lets the admin read the CRDs and keep every right', async () => {
      assert.match(ok(await kubectl('get', 'crd', 'vpcs.kubeovn.io')), /^vpcs\.kubeovn\.io +\d{4}-/m);
      ok(await kubectl('create', 'secret', 'generic', 'x', '--from-literal=a=b'));
      assert.match(ok(await kubectl('get', 'secret', 'x')), /^NAME +TYPE +DATA +AGE\nx +Opaque +1 +/);
      const ds = await t.request('POST', '/apis/apps/v1/namespaces/kube-system/daemonsets', {
        body: {
          metadata: { name: 'kovn-node' },
          spec: { template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' } } } },
        },
      });
      assert.equal(ds.status, 201);
      assert.match(
        ok(await kubectl('get', 'ds', '-n', 'kube-system')),
        /^NAME +DESIRED +CURRENT +READY +UP-TO-DATE +AVAILABLE +NODE SELECTOR +AGE\nkovn-node +0 +0 +0 +0 +0 +kubernetes\.io\/os=linux +/,
      );
      assert.equal((await kubectl('auth', 'can-i', 'delete', 'nodes')).stdout.trim(), 'yes');
    });

    it('refuses a token once its ServiceAccount is deleted and re-created', async () => {
      ok(await kubectl('create', 'serviceaccount', 'phoenix', '-n', 'default'));
      ok(
        await kubectl(
          'create',
          'clusterrolebinding',
          'phoenix',
          '--clusterrole=kovn-controller',
          '--serviceaccount=default:phoenix',
        ),
      );
      const old = await token('phoenix', 'default');
      ok(await as(old, 'get', 'subnets'));
      ok(await kubectl('delete', 'serviceaccount', 'phoenix', '-n', 'default'));
      assert.match((await as(old, 'get', 'subnets')).stderr, unauthorized);
      ok(await kubectl('create', 'serviceaccount', 'phoenix', '-n', 'default'));
      assert.match((await as(old, 'get', 'subnets')).stderr, unauthorized);
      ok(await as(await token('phoenix', 'default'), 'get', 'subnets'));
    });

    it('refuses a token after it expired', async () => {
      const brief = await token('kovn-controller', 'kube-system', '--duration=10m');
      ok(await as(brief, 'get', 'subnets'));
      skew = 11 * 60 * 1000 + 1000;
      try {
        assert.match((await as(brief, 'get', 'subnets')).stderr, unauthorized);
        ok(await as(controller, 'get', 'subnets'));
      } finally {
        skew = 0;
      }
    });

    it('keeps tokens valid across a restart (the signing key is kept)', async () => {
      await t.restart({ clock: skewedClock });
      ok(await as(controller, 'get', 'subnets'));
    });
  },
);
