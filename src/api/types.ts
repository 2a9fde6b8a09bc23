/**
 * The contract between the API package and everything that serves or consumes it (the embedded API server,
 * the controller, `kovn validate`): Kubernetes object shapes, resource-type descriptors (names, printer columns,
 * schema), and admission (defaulting + validation) that takes a read-only view of the other objects.
 */
import type { TSchema } from '@sinclair/typebox';

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** The reference a controller puts on what it creates: garbage-collected with `owner`, and its one controller. */
export function controllerReference(
  apiVersion: string,
  kind: string,
  owner: { metadata: { name?: string | undefined; uid?: string | undefined } },
): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  managedFields?: unknown[];
}

/** Any Kubernetes object as stored and served. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  format?: string;
  /** 0 = shown by default; >0 = only with `-o wide`. */
  priority?: number;
}

/** Everything discovery, OpenAPI, the CRD generator and table output need to know about one resource. */
export interface ResourceType {
  /** '' for the core group. */
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: readonly string[];
  categories: readonly string[];
  namespaced: boolean;
  subresources: { status: boolean };
  printerColumns: readonly PrinterColumn[];
  /** OpenAPI v3 schema of the whole object (apiVersion, kind, metadata, spec, status). */
  schema: TSchema;
}

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE';

/** Mirrors Kubernetes' field.ErrorType names, so an issue maps 1:1 onto a Status cause. */
export type FieldIssueType =
  | 'FieldValueInvalid'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueForbidden'
  | 'FieldValueNotSupported'
  | 'FieldValueNotFound';

/**
 * How a refusing issue is answered at the API: 422 Invalid (a verdict on the object's fields) or 403 Forbidden (where
 * Kube-OVN's webhook denies, and verdicts on the operation in the cluster's state: deleting what is in use, a feature
 * not configured). Never 409: kube-apiserver keeps Conflict for resourceVersion clashes and AlreadyExists (ADR 2).
 */
export type RejectionReason = 'Invalid' | 'Forbidden';

/**
 * What an issue does to a write. Absent: it refuses it everywhere. `warning`: the write is accepted everywhere and the
 * issue comes back as a Warning (kubectl prints `Warning: <field>: <message>`). `controller`: what Kube-OVN's webhook
 * accepts and its controller refuses: the API server accepts it with a Warning, the controller does not program it.
 */
export type IssueSeverity = 'warning' | 'controller';

export interface FieldIssue {
  /** Field path as Kubernetes prints it, e.g. `spec.staticRoutes[0].cidr`; `metadata.name` for whole-object rules. */
  field: string;
  type: FieldIssueType;
  /** The reason, in words; names other objects where one is involved. */
  message: string;
  /** Defaults to Invalid. */
  reason?: RejectionReason;
  /** Absent: the issue refuses the write. */
  severity?: IssueSeverity;
  /** The offending value, when there is one (printed as `Invalid value: "x"`). */
  value?: unknown;
}

/** Read-only view of the other objects of the cluster, keyed by kind (kinds are unique across our groups). */
export interface ClusterView {
  get(kind: string, name: string, namespace?: string): KubeObject | undefined;
  list(kind: string, namespace?: string): KubeObject[];
  /**
   * True when the view holds only some of the cluster's objects (offline `kovn validate` over a few files):
   * then the absence of an object proves nothing, and rules that need an object to exist are skipped.
   */
  partial?: boolean;
}

export interface AdmissionRequest<T extends KubeObject = KubeObject> {
  operation: Operation;
  /** The new object (CREATE, UPDATE); absent on DELETE. */
  object?: T;
  /** The stored object (UPDATE, DELETE). */
  oldObject?: T;
  view: ClusterView;
}

/** Admission for one kind: defaulting (what Kube-OVN writes back) and validation. Both pure. */
export interface KindAdmission<T extends KubeObject = KubeObject> {
  /** Returns the object with defaults applied (a new object; the input is not changed). */
  default?(object: T, view: ClusterView): T;
  validate(request: AdmissionRequest<T>): FieldIssue[];
}
