// RBAC evaluation (src/apiserver/auth/rbac-rules.ts, rbac-index.ts, authorizer.ts), table-driven: role and
// cluster-role bindings, a RoleBinding to a ClusterRole scoped to its namespace, resourceNames, subresources,
// nonResourceURLs, groups, wildcards, ServiceAccount subjects, system:masters, the built-in rules of every
// authenticated user, and a denied case beside each allowed one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../../src/api/types.ts';
import type { Attributes } from '../../../../src/apiserver/auth/attributes.ts';
import { Authorizer, rbacKeys } from '../../../../src/apiserver/auth/authorizer.ts';
import type { RbacObjects } from '../../../../src/apiserver/auth/rbac-index.ts';
import { adminUser, serviceAccountUser, type UserInfo } from '../../../../src/apiserver/auth/user.ts';

const role = (name: string, rules: unknown[], namespace?: string): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: namespace ? 'Role' : 'ClusterRole',
  metadata: { name, ...(namespace ? { namespace } : {}) },
  rules,
});
const binding = (
  name: string,
  roleRef: { kind: string; name: string },
  subjects: unknown[],
  namespace?: string,
): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: namespace ? 'RoleBinding' : 'ClusterRoleBinding',
  metadata: { name, ...(namespace ? { namespace } : {}) },
  roleRef,
  subjects,
});

const objects: RbacObjects = {
  clusterRoles: [
    role('subnet-reader', [
      { verbs: ['get', 'list', 'watch'], apiGroups: ['kubeovn.io'], resources: ['subnets'] },
    ]),
    role('pod-status', [{ verbs: ['update', 'patch'], apiGroups: [''], resources: ['pods/status'] }]),
    role('any-status', [{ verbs: ['get'], apiGroups: ['*'], resources: ['*/status'] }]),
    role('one-config', [
      { verbs: ['get', 'update'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['kovn'] },
    ]),
    role('metrics', [{ verbs: ['get'], nonResourceURLs: ['/metrics', '/debug/*'] }]),
    role('secret-admin', [{ verbs: ['*'], apiGroups: [''], resources: ['secrets'] }]),
    role('everything-apps', [{ verbs: ['list'], apiGroups: ['apps'], resources: ['*'] }]),
    role('token-maker', [{ verbs: ['create'], apiGroups: [''], resources: ['serviceaccounts/token'] }]),
  ],
  roles: [
    role(
      'lease-editor',
      [{ verbs: ['get', 'update'], apiGroups: ['coordination.k8s.io'], resources: ['leases'] }],
      'kube-system',
    ),
  ],
  clusterRoleBindings: [
    binding('ctl-subnets', { kind: 'ClusterRole', name: 'subnet-reader' }, [
      { kind: 'ServiceAccount', name: 'ctl', namespace: 'kube-system' },
    ]),
    binding('nodes-pod-status', { kind: 'ClusterRole', name: 'pod-status' }, [
      { kind: 'Group', name: 'system:serviceaccounts:kovn-node' },
    ]),
    binding('alice-metrics', { kind: 'ClusterRole', name: 'metrics' }, [{ kind: 'User', name: 'alice' }]),
    binding('alice-status', { kind: 'ClusterRole', name: 'any-status' }, [{ kind: 'User', name: 'alice' }]),
    binding('alice-apps', { kind: 'ClusterRole', name: 'everything-apps' }, [
      { kind: 'User', name: 'alice' },
    ]),
    binding('broken', { kind: 'ClusterRole', name: 'gone' }, [{ kind: 'User', name: 'bob' }]),
    // A ClusterRoleBinding cannot grant a Role.
    binding('bad-ref', { kind: 'Role', name: 'lease-editor' }, [{ kind: 'User', name: 'carol' }]),
  ],
  roleBindings: [
    binding(
      'ctl-leases',
      { kind: 'Role', name: 'lease-editor' },
      [{ kind: 'ServiceAccount', name: 'ctl' }],
      'kube-system',
    ),
    binding(
      'ctl-config',
      { kind: 'ClusterRole', name: 'one-config' },
      [{ kind: 'ServiceAccount', name: 'ctl', namespace: 'kube-system' }],
      'kube-system',
    ),
    binding(
      'team-secrets',
      { kind: 'ClusterRole', name: 'secret-admin' },
      [{ kind: 'Group', name: 'team' }],
      'team',
    ),
    binding(
      'ctl-tokens',
      { kind: 'ClusterRole', name: 'token-maker' },
      [{ kind: 'User', name: 'system:serviceaccount:kube-system:ctl' }],
      'kube-system',
    ),
  ],
};

const ctl = serviceAccountUser('kube-system', 'ctl', 'u1');
const node = serviceAccountUser('kovn-node', 'agent', 'u2');
const other = serviceAccountUser('default', 'nobody', 'u3');
const alice: UserInfo = { name: 'alice', uid: '', groups: ['system:authenticated'] };
const teamMember: UserInfo = { name: 'dave', uid: '', groups: ['team', 'system:authenticated'] };
const bob: UserInfo = { name: 'bob', uid: '', groups: ['system:authenticated'] };
const carol: UserInfo = { name: 'carol', uid: '', groups: ['system:authenticated'] };

const r = (
  verb: string,
  group: string,
  resource: string,
  namespace = '',
  name = '',
  subresource = '',
): Attributes => ({
  resourceRequest: true,
  verb,
  group,
  version: 'v1',
  resource,
  subresource,
  name,
  namespace,
});
const path = (verb: string, p: string): Attributes => ({ resourceRequest: false, verb, path: p });

const cases: Array<[what: string, user: UserInfo, attrs: Attributes, allowed: boolean]> = [
  ['cluster binding, SA subject: list subnets', ctl, r('list', 'kubeovn.io', 'subnets'), true],
  ['cluster binding applies in any namespace', ctl, r('get', 'kubeovn.io', 'subnets', 'default', 's'), true],
  ['verb not granted: delete subnets', ctl, r('delete', 'kubeovn.io', 'subnets', '', 's'), false],
  ['group not granted: subnets of another group', ctl, r('list', 'other.io', 'subnets'), false],
  ['resource not granted: vpcs', ctl, r('list', 'kubeovn.io', 'vpcs'), false],
  [
    'resource does not cover its subresource',
    ctl,
    r('get', 'kubeovn.io', 'subnets', '', 's', 'status'),
    false,
  ],
  ['SA without bindings', other, r('list', 'kubeovn.io', 'subnets'), false],
  [
    'Role via RoleBinding, SA namespace defaulted',
    ctl,
    r('update', 'coordination.k8s.io', 'leases', 'kube-system', 'l'),
    true,
  ],
  [
    'RoleBinding only in its namespace',
    ctl,
    r('update', 'coordination.k8s.io', 'leases', 'default', 'l'),
    false,
  ],
  ['RoleBinding not at the cluster scope', ctl, r('list', 'coordination.k8s.io', 'leases'), false],
  ['resourceNames: the named object', ctl, r('get', '', 'configmaps', 'kube-system', 'kovn'), true],
  ['resourceNames: another object', ctl, r('get', '', 'configmaps', 'kube-system', 'other'), false],
  ['resourceNames: a list names nothing', ctl, r('list', '', 'configmaps', 'kube-system'), false],
  ['RoleBinding to a ClusterRole, its namespace', teamMember, r('create', '', 'secrets', 'team'), true],
  [
    'RoleBinding to a ClusterRole, another namespace',
    teamMember,
    r('create', '', 'secrets', 'default'),
    false,
  ],
  ['verbs *: deletecollection', teamMember, r('deletecollection', '', 'secrets', 'team'), true],
  ['subresource rule: pods/status by group', node, r('patch', '', 'pods', 'ns', 'p', 'status'), true],
  ['subresource rule does not cover the pod', node, r('patch', '', 'pods', 'ns', 'p'), false],
  ['*/status covers every status', alice, r('get', 'kubeovn.io', 'vpcs', '', 'v', 'status'), true],
  ['*/status is not the object', alice, r('get', 'kubeovn.io', 'vpcs', '', 'v'), false],
  ['resources *: any apps resource', alice, r('list', 'apps', 'daemonsets', 'kube-system'), true],
  ['resources * in one group only', alice, r('list', '', 'pods', 'kube-system'), false],
  ['serviceaccounts/token', ctl, r('create', '', 'serviceaccounts', 'kube-system', 'x', 'token'), true],
  [
    'serviceaccounts/token elsewhere',
    ctl,
    r('create', '', 'serviceaccounts', 'default', 'x', 'token'),
    false,
  ],
  ['nonResourceURL exact', alice, path('get', '/metrics'), true],
  ['nonResourceURL prefix *', alice, path('get', '/debug/pprof/heap'), true],
  ['nonResourceURL prefix is not a match of the bare path', alice, path('get', '/debug'), false],
  ['nonResourceURL verb', alice, path('post', '/metrics'), false],
  ['nonResourceURL not granted', ctl, path('get', '/metrics'), false],
  ['authenticated: discovery', other, path('get', '/apis/kubeovn.io/v1'), true],
  ['authenticated: openapi', other, path('get', '/openapi/v3/apis/kubeovn.io/v1'), true],
  ['authenticated: version', other, path('get', '/version'), true],
  ['authenticated: not a single health check', other, path('get', '/readyz/store'), false],
  [
    'authenticated: SelfSubjectAccessReview',
    other,
    r('create', 'authorization.k8s.io', 'selfsubjectaccessreviews'),
    true,
  ],
  [
    'authenticated: SelfSubjectRulesReview',
    other,
    r('create', 'authorization.k8s.io', 'selfsubjectrulesreviews'),
    true,
  ],
  [
    'authenticated: not SubjectAccessReview',
    other,
    r('create', 'authorization.k8s.io', 'subjectaccessreviews'),
    false,
  ],
  ['binding to a missing role grants nothing', bob, r('list', 'kubeovn.io', 'subnets'), false],
  [
    'ClusterRoleBinding to a Role grants nothing',
    carol,
    r('get', 'coordination.k8s.io', 'leases', 'kube-system', 'l'),
    false,
  ],
  ['system:masters: anything', adminUser, r('deletecollection', 'kubeovn.io', 'vpcs'), true],
  ['system:masters: any path', adminUser, path('get', '/readyz/store'), true],
];

function authorizer(): Authorizer {
  return new Authorizer(() => objects);
}

describe('RBAC authorization', () => {
  const a = authorizer();
  for (const [what, user, attrs, allowed] of cases) {
    it(`${allowed ? 'allows' : 'denies'}: ${what}`, () => {
      assert.equal(a.authorize(user, attrs).allowed, allowed);
    });
  }

  it('names a missing role in the reason, as kube-apiserver RBAC does', () => {
    assert.deepEqual(a.authorize(bob, r('list', 'kubeovn.io', 'subnets')), {
      allowed: false,
      reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found',
    });
    assert.equal(a.authorize(other, r('list', 'kubeovn.io', 'subnets')).reason, '');
  });

  it('rebuilds its index after a commit that touched an RBAC kind, and only then', () => {
    let loads = 0;
    let current: RbacObjects = { ...objects, clusterRoleBindings: [] };
    const lazy = new Authorizer(() => {
      loads++;
      return current;
    });
    const list = r('list', 'kubeovn.io', 'subnets');
    assert.equal(lazy.authorize(ctl, list).allowed, false);
    current = objects;
    lazy.changed(['/pods', 'kubeovn.io/subnets']);
    assert.equal(lazy.authorize(ctl, list).allowed, false, 'not an RBAC change: the index stands');
    lazy.changed([rbacKeys.clusterRoleBindings]);
    assert.equal(lazy.authorize(ctl, list).allowed, true);
    assert.equal(lazy.authorize(ctl, list).allowed, true);
    assert.equal(loads, 2);
  });

  it('lists the rules of a namespace: cluster bindings, its RoleBindings and the built-in ones', () => {
    const { rules } = a.rulesIn(ctl, 'kube-system');
    const resources = rules.flatMap((rule) => rule.resources ?? []);
    for (const want of [
      'subnets',
      'leases',
      'configmaps',
      'serviceaccounts/token',
      'selfsubjectaccessreviews',
    ])
      assert.ok(resources.includes(want), want);
    const elsewhere = a.rulesIn(ctl, 'default').rules.flatMap((rule) => rule.resources ?? []);
    assert.ok(!elsewhere.includes('leases'));
    assert.deepEqual(a.rulesIn(adminUser, 'default').rules, [
      { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
      { verbs: ['*'], nonResourceURLs: ['*'] },
    ]);
    assert.deepEqual(a.rulesIn(bob, '').errors, ['clusterrole.rbac.authorization.k8s.io "gone" not found']);
  });
});
