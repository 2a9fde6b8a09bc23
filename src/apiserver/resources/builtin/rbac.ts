/** rbac.authorization.k8s.io/v1 ClusterRole and ClusterRoleBinding (ROLE, and the wide subject columns). */
import * as p from '../printers.ts';
import { nameColumn } from '../served.ts';
import { age, col, type BuiltinSpec } from './spec.ts';

export const clusterRole: BuiltinSpec = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'ClusterRole',
  plural: 'clusterroles',
  namespaced: false,
  definitionPackage: 'io.k8s.api.rbac',
  columns: [nameColumn(), col('Created At', (o) => o.metadata.creationTimestamp ?? '', 0, 'date')],
};

export const clusterRoleBinding: BuiltinSpec = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'ClusterRoleBinding',
  plural: 'clusterrolebindings',
  namespaced: false,
  definitionPackage: 'io.k8s.api.rbac',
  columns: [
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
  ],
};
