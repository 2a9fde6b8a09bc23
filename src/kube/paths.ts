/**
 * The REST paths of the Kubernetes API, built from a resource value (kind info, a discovered resource, an informer's
 * resource): the group-version base (`/api/v1`, `/apis/apps/v1`), a collection
 * (`[/namespaces/NS]/PLURAL`) and an object (`.../NAME[/SUBRESOURCE]`). Namespaces and names are URL-encoded.
 * The one home of these shapes; lookups by kind name are in resources.ts. Pure.
 */

/** A group-version. `group: ''` is the core group (`/api/v1`). */
export interface GroupVersion {
  group: string;
  version: string;
}

/** Where a kind is served. */
export interface ResourceRef extends GroupVersion {
  plural: string;
  kind: string;
}

/**
 * What a path needs of a resource. A cluster-scoped one (`namespaced: false`) drops a namespace given; when the
 * scope is not known (an informer's `ResourceRef`), a namespace given is used.
 */
export interface PathResource extends GroupVersion {
  plural: string;
  namespaced?: boolean;
}

/** `/api/v1` for the core group, `/apis/GROUP/VERSION` for the others. */
export function groupVersionPath({ group, version }: GroupVersion): string {
  return group ? `/apis/${group}/${version}` : `/api/${version}`;
}

/** `BASE[/namespaces/NS]/PLURAL`; without a namespace, the collection across all namespaces. */
export function collectionPath(resource: PathResource, namespace?: string): string {
  const scoped = namespace !== undefined && resource.namespaced !== false;
  const ns = scoped ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${groupVersionPath(resource)}${ns}/${resource.plural}`;
}

/** `BASE[/namespaces/NS]/PLURAL/NAME[/SUBRESOURCE]` (a subresource is a fixed word: `status`, `binding`). */
export function resourceObjectPath(
  resource: PathResource,
  name: string,
  namespace?: string,
  subresource?: string,
): string {
  const path = `${collectionPath(resource, namespace)}/${encodeURIComponent(name)}`;
  return subresource ? `${path}/${subresource}` : path;
}
