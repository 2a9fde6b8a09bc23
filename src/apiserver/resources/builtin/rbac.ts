/**
 * rbac.authorization.k8s.io/v1 Role, ClusterRole (NAME, CREATED AT), RoleBinding and ClusterRoleBinding (ROLE, AGE,
 * and the wide subject columns), as kube-apiserver prints them; the authorizer (auth/) reads them from the store.
 */
import type { ServedColumn } from '../served.ts';
import * as p from '../printers.ts';
import { nameColumn } from '../served.ts';
import { age, col, type BuiltinSpec } from './spec.ts';

const roleColumns = (): ServedColumn[] => [
  nameColumn(),
  col('Created At', (o) => o.metadata.creationTimestamp ?? '', 0, 'date'),
];

const bindingColumns = (): ServedColumn[] => [
  nameColumn(),
  col(
    'Role',
    (o) =>
      `${(o['roleRef'] as { kind?: string } | undefined)?.kind ?? ''}/${(o['roleRef'] as { name?: string } | undefined)?.name ?? ''}`,
  ),
  age,
  col('Users', (o) => p.bindingSubjects(o, 'User'), 1),
  col('Groups', (o) => p.bindingSubjects(o, 'Group'), 1),
  col('ServiceAccounts', (o) => p.bindingSubjects(o, 'ServiceAccount'), 1),
];

export const role: BuiltinSpec = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'Role',
  plural: 'roles',
  namespaced: true,
  definitionPackage: 'io.k8s.api.rbac',
  columns: roleColumns(),
};

export const roleBinding: BuiltinSpec = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'RoleBinding',
  plural: 'rolebindings',
  namespaced: true,
  definitionPackage: 'io.k8s.api.rbac',
  columns: bindingColumns(),
};

export const clusterRole: BuiltinSpec = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'ClusterRole',
  plural: 'clusterroles',
  namespaced: false,
  definitionPackage: 'io.k8s.api.rbac',
  columns: roleColumns(),
};

export const clusterRoleBinding: BuiltinSpec = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'ClusterRoleBinding',
  plural: 'clusterrolebindings',
  namespaced: false,
  definitionPackage: 'io.k8s.api.rbac',
  columns: bindingColumns(),
};
