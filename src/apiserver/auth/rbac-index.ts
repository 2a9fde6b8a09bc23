/**
 * The stored RBAC objects (Role, ClusterRole, RoleBinding, ClusterRoleBinding) arranged for authorization: roles by
 * name, bindings by subject key (rbac-rules.ts), so a request visits only the bindings of its user and groups,
 * never every binding. Built whole from a snapshot of the four kinds (the authorizer rebuilds it after a commit
 * that touched one of them). A binding applies to every request (ClusterRoleBinding) or to resource requests in its
 * namespace (RoleBinding, whose roleRef may be a Role there or a ClusterRole); a missing role is reported as
 * kube-apiserver's RBAC authorizer does (`clusterrole.rbac.authorization.k8s.io "x" not found`).
 */
import type { KubeObject } from '../../api/types.ts';
import { subjectKey, userKeys, type PolicyRule, type Subject } from './rbac-rules.ts';
import type { UserInfo } from './user.ts';

export interface RbacObjects {
  roles: readonly KubeObject[];
  clusterRoles: readonly KubeObject[];
  roleBindings: readonly KubeObject[];
  clusterRoleBindings: readonly KubeObject[];
}

interface BindingEntry {
  /** '' for a ClusterRoleBinding. */
  namespace: string;
  roleKind: string;
  roleName: string;
}

/** The rules that apply to a user in one scope, and the bindings whose role is missing. */
export interface ScopedRules {
  rules: PolicyRule[];
  errors: string[];
}

function rulesOf(role: KubeObject): PolicyRule[] {
  const rules = role['rules'];
  return Array.isArray(rules) ? (rules as PolicyRule[]).filter((r) => Array.isArray(r.verbs)) : [];
}

function subjectsOf(binding: KubeObject): Subject[] {
  const subjects = binding['subjects'];
  return Array.isArray(subjects) ? (subjects as Subject[]) : [];
}

export class RbacIndex {
  readonly #clusterRoles = new Map<string, PolicyRule[]>();
  /** `NS/NAME` */
  readonly #roles = new Map<string, PolicyRule[]>();
  readonly #bySubject = new Map<string, BindingEntry[]>();

  constructor(objects: RbacObjects) {
    for (const r of objects.clusterRoles) this.#clusterRoles.set(r.metadata.name ?? '', rulesOf(r));
    for (const r of objects.roles)
      this.#roles.set(`${r.metadata.namespace ?? ''}/${r.metadata.name ?? ''}`, rulesOf(r));
    for (const b of objects.clusterRoleBindings) this.#addBinding(b, '');
    for (const b of objects.roleBindings) this.#addBinding(b, b.metadata.namespace ?? '');
  }

  #addBinding(binding: KubeObject, namespace: string): void {
    const ref = (binding['roleRef'] ?? {}) as { kind?: string; name?: string };
    const roleKind = ref.kind ?? '';
    // A ClusterRoleBinding can grant only a ClusterRole.
    if (namespace === '' && roleKind !== 'ClusterRole') return;
    const entry: BindingEntry = { namespace, roleKind, roleName: ref.name ?? '' };
    const keys = new Set(subjectsOf(binding).map((s) => subjectKey(s, namespace)));
    for (const key of keys) {
      if (key === undefined) continue;
      const list = this.#bySubject.get(key) ?? [];
      list.push(entry);
      this.#bySubject.set(key, list);
    }
  }

  #rolesFor(entry: BindingEntry): PolicyRule[] | string {
    if (entry.roleKind === 'ClusterRole')
      return (
        this.#clusterRoles.get(entry.roleName) ??
        `clusterrole.rbac.authorization.k8s.io "${entry.roleName}" not found`
      );
    if (entry.roleKind === 'Role')
      return (
        this.#roles.get(`${entry.namespace}/${entry.roleName}`) ??
        `role.rbac.authorization.k8s.io "${entry.roleName}" not found`
      );
    return `unknown role kind "${entry.roleKind}"`;
  }

  /**
   * The rules granted to `user` for a request in `namespace` ('' = cluster scope or a non-resource path: only
   * ClusterRoleBindings apply there).
   */
  rulesFor(user: UserInfo, namespace: string): ScopedRules {
    const out: ScopedRules = { rules: [], errors: [] };
    const seen = new Set<BindingEntry>();
    for (const key of userKeys(user)) {
      for (const entry of this.#bySubject.get(key) ?? []) {
        if (seen.has(entry) || (entry.namespace !== '' && entry.namespace !== namespace)) continue;
        seen.add(entry);
        const rules = this.#rolesFor(entry);
        if (typeof rules === 'string') out.errors.push(rules);
        else out.rules.push(...rules);
      }
    }
    return out;
  }
}
