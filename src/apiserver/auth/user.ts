/**
 * Who a request is from, as kube-apiserver's authenticators name users (k8s.io/apiserver user.Info): the lab
 * admin's bearer token is `kovn-admin` in `system:masters`; a ServiceAccount token is
 * `system:serviceaccount:NS:NAME` in `system:serviceaccounts` and `system:serviceaccounts:NS`; every
 * authenticated user is also in `system:authenticated`.
 */

export interface UserInfo {
  name: string;
  /** The ServiceAccount's uid for a ServiceAccount token; '' for the admin. */
  uid: string;
  groups: readonly string[];
}

export const mastersGroup = 'system:masters';
export const authenticatedGroup = 'system:authenticated';
export const serviceAccountsGroup = 'system:serviceaccounts';
const serviceAccountPrefix = 'system:serviceaccount:';

export const adminUser: UserInfo = {
  name: 'kovn-admin',
  uid: '',
  groups: [mastersGroup, authenticatedGroup],
};

/** `system:serviceaccount:NS:NAME`, the user name of a ServiceAccount. */
export function serviceAccountUserName(namespace: string, name: string): string {
  return `${serviceAccountPrefix}${namespace}:${name}`;
}

export function serviceAccountUser(namespace: string, name: string, uid: string): UserInfo {
  return {
    name: serviceAccountUserName(namespace, name),
    uid,
    groups: [serviceAccountsGroup, `${serviceAccountsGroup}:${namespace}`, authenticatedGroup],
  };
}
