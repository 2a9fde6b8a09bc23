/** REST paths of a resource's collections and objects (`/apis/kubeovn.io/v1/vpcs/x`, `/api/v1/namespaces/ns1/pods`). Pure. */
import type { ApiResource } from './resources.ts';

export function collectionPath(
  r: Pick<ApiResource, 'group' | 'version' | 'plural' | 'namespaced'>,
  namespace?: string,
): string {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const ns = r.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${r.plural}`;
}

export function objectPath(
  r: Pick<ApiResource, 'group' | 'version' | 'plural' | 'namespaced'>,
  namespace: string | undefined,
  name: string,
): string {
  return `${collectionPath(r, namespace)}/${encodeURIComponent(name)}`;
}
