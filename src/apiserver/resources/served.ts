/**
 * What the server knows about one resource it serves: the shared ResourceType descriptor plus server-only
 * knowledge (computed printer cells for built-in kinds, extra field selectors, strategic-merge keys, create
 * defaults, OpenAPI definition name, which writes the API takes of a kind the server owns). Built-in kinds are described in builtin/ (listed by builtin.ts); kubeovn.io
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
  /** Set on a kind whose objects are the server's own (CustomResourceDefinitions): which writes the API takes. */
  serverOwned?: ServerOwned;
}

/** What the server serves (the Catalog, seen without its indexes). */
export interface ServedResources {
  readonly resources: readonly ServedResource[];
}

export type WriteVerb = 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/** One write to a server-owned kind, as the guard sees it: the object it would store and the one it replaces. */
export interface OwnedWrite {
  verb: WriteVerb;
  name: string;
  /** What the write would store (create, update, patch); absent for a delete. */
  object?: KubeObject;
  /** The stored object (update, patch, delete); absent for a create and a deletecollection. */
  old?: KubeObject;
}

/**
 * The writes the API takes on a server-owned kind: the verbs discovery lists, and the guard every write of one of
 * its objects passes (dry runs and the server's own start-time sync included), which says why a write is refused
 * (a 403 Forbidden, worded as kube-apiserver's authorizer refuses a verb) or undefined to let it go on.
 */
export interface ServerOwned {
  verbs: readonly string[];
  refusal(write: OwnedWrite, served: ServedResources): string | undefined;
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
