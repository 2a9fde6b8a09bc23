/**
 * What the server knows about one resource it serves: the shared ResourceType descriptor plus server-only
 * knowledge (computed printer cells for built-in kinds, extra field selectors, strategic-merge keys, create
 * defaults, OpenAPI definition name, whether the API may write it). Built-in kinds are described in builtin/ (listed by builtin.ts); kubeovn.io
 * kinds come from the API package's registry unchanged.
 */
import type { KindAdmission, KubeObject, PrinterColumn, ResourceType } from '../../api/types.ts';

export interface ServedColumn extends PrinterColumn {
  /** Computes the cell for built-in kinds (the server-side printers of kube-apiserver); otherwise jsonPath is used. */
  compute?: (object: KubeObject, now: number) => unknown;
}

export interface CreateContext {
  /** Other objects of the same kind, e.g. to allocate a Service cluster IP. */
  list(): KubeObject[];
}

export interface ServedResource {
  type: ResourceType;
  /** `group/plural` (`/pods` for core), the storage key prefix. */
  key: string;
  /** A kind compiled into kubectl (so it sends strategic merge patches computed from its Go types). */
  builtin: boolean;
  /** Table columns, Name first (for Events Name is a wide column, as kube-apiserver prints them). */
  columns: readonly ServedColumn[];
  /** Field selector labels beyond metadata.name and metadata.namespace, as dotted paths into the object. */
  fieldSelectors: readonly string[];
  /** Strategic merge patch: dotted path of a list (no indices) -> merge key ('' = list of primitives, merged as a set). */
  mergeKeys: ReadonlyMap<string, string>;
  /** OpenAPI definition name, e.g. `io.k8s.api.core.v1.Pod`, `io.kubeovn.v1.Vpc`. */
  definitionName: string;
  admission: KindAdmission | undefined;
  /** Server-side defaults on create (kube-apiserver's defaulting and registry strategy for built-in kinds). */
  prepareCreate?: (object: KubeObject, context: CreateContext) => void;
  /** Server-side handling of an update of the main resource (e.g. a Service keeps its cluster IP); may throw 422. */
  prepareUpdate?: (object: KubeObject, old: KubeObject) => void;
  /**
   * Set on a kind the API serves read-only (its objects are the server's own, e.g. CustomResourceDefinitions):
   * why a create, update, patch or delete is refused (403 Forbidden). Discovery lists only get, list and watch.
   */
  readOnly?: string;
}

export function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/** `io.kubeovn.v1.Vpc` for a custom group: the group's labels reversed, as the CRD OpenAPI builder names them. */
export function crdDefinitionName(type: ResourceType): string {
  return `${type.group.split('.').reverse().join('.')}.${type.version}.${type.kind}`;
}

export function ageColumn(): ServedColumn {
  return {
    name: 'Age',
    type: 'date',
    jsonPath: '.metadata.creationTimestamp',
    description: 'CreationTimestamp',
  };
}

export function nameColumn(priority = 0): ServedColumn {
  return {
    name: 'Name',
    type: 'string',
    format: 'name',
    jsonPath: '.metadata.name',
    description: 'Name must be unique within a namespace.',
    priority,
  };
}

/** Served form of a custom resource type (kubeovn.io kinds, NetworkAttachmentDefinition). */
export function customResource(type: ResourceType, admission: KindAdmission | undefined): ServedResource {
  const declared: ServedColumn[] = type.printerColumns.map((c) => ({ ...c }));
  const columns = declared.length ? [nameColumn(), ...declared] : [nameColumn(), ageColumn()];
  return {
    type,
    key: `${type.group}/${type.plural}`,
    builtin: false,
    columns,
    fieldSelectors: [],
    mergeKeys: new Map(),
    definitionName: crdDefinitionName(type),
    admission,
  };
}
