/**
 * Authorization as kube-apiserver's `--authorization-mode=RBAC` answers it: `system:masters` may do everything
 * (its privileged-group authorizer); every authenticated user may read discovery, OpenAPI, version and health and
 * create SelfSubjectAccessReviews, SelfSubjectRulesReviews and SelfSubjectReviews (the bootstrap ClusterRoles
 * system:discovery, system:public-info-viewer and system:basic-user, built in here rather than stored); everything
 * else is what the stored RBAC objects grant (rbac-index.ts). The index is rebuilt on the first request after a
 * commit that touched an RBAC object, so a request costs the bindings of its own user and groups.
 */
import type { KubeObject } from '../../api/types.ts';
import type { Attributes } from './attributes.ts';
import { RbacIndex, type RbacObjects, type ScopedRules } from './rbac-index.ts';
import { ruleAllows, type PolicyRule } from './rbac-rules.ts';
import { authenticatedGroup, mastersGroup, type UserInfo } from './user.ts';

export interface Decision {
  allowed: boolean;
  /** Why not, when the RBAC objects are broken (a binding to a missing role), as `RBAC: ...`; else ''. */
  reason: string;
}

/** What every authenticated user is granted (kube-apiserver's bootstrap policy). */
export const authenticatedRules: readonly PolicyRule[] = [
  {
    verbs: ['create'],
    apiGroups: ['authorization.k8s.io'],
    resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
  },
  { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
  {
    verbs: ['get'],
    nonResourceURLs: [
      '/api',
      '/api/*',
      '/apis',
      '/apis/*',
      '/healthz',
      '/livez',
      '/openapi',
      '/openapi/*',
      '/readyz',
      '/version',
      '/version/',
    ],
  },
];

/** What `system:masters` is shown to hold (the rules of kube-apiserver's cluster-admin). */
export const everything: readonly PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

/** The RBAC kinds' store keys (`group/plural`). */
export const rbacKeys = {
  roles: 'rbac.authorization.k8s.io/roles',
  clusterRoles: 'rbac.authorization.k8s.io/clusterroles',
  roleBindings: 'rbac.authorization.k8s.io/rolebindings',
  clusterRoleBindings: 'rbac.authorization.k8s.io/clusterrolebindings',
} as const;

const watchedKeys = new Set<string>(Object.values(rbacKeys));

export class Authorizer {
  readonly #load: () => RbacObjects;
  #index: RbacIndex | undefined;

  /** `load` reads the four kinds' objects as they are now. */
  constructor(load: () => RbacObjects) {
    this.#load = load;
  }

  /** Called with the resources a commit touched: an RBAC change drops the index. */
  changed(resources: Iterable<string>): void {
    for (const r of resources) if (watchedKeys.has(r)) this.#index = undefined;
  }

  #rules(user: UserInfo, namespace: string): ScopedRules {
    this.#index ??= new RbacIndex(this.#load());
    const scoped = this.#index.rulesFor(user, namespace);
    if (user.groups.includes(authenticatedGroup)) scoped.rules.unshift(...authenticatedRules);
    return scoped;
  }

  authorize(user: UserInfo, attrs: Attributes): Decision {
    if (user.groups.includes(mastersGroup)) return { allowed: true, reason: '' };
    const { rules, errors } = this.#rules(user, attrs.resourceRequest ? attrs.namespace : '');
    if (rules.some((rule) => ruleAllows(rule, attrs))) return { allowed: true, reason: '' };
    // utilerrors.NewAggregate's wording: one error as itself, several in brackets.
    const why = errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`;
    return { allowed: false, reason: errors.length ? `RBAC: ${why}` : '' };
  }

  /** The rules a user holds in `namespace` (a SelfSubjectRulesReview). */
  rulesIn(user: UserInfo, namespace: string): ScopedRules {
    if (user.groups.includes(mastersGroup)) return { rules: [...everything], errors: [] };
    return this.#rules(user, namespace);
  }
}

/** The loader of the four kinds from a `list(storeKey)` of stored objects. */
export function rbacLoader(list: (key: string) => KubeObject[]): () => RbacObjects {
  return () => ({
    roles: list(rbacKeys.roles),
    clusterRoles: list(rbacKeys.clusterRoles),
    roleBindings: list(rbacKeys.roleBindings),
    clusterRoleBindings: list(rbacKeys.clusterRoleBindings),
  });
}
