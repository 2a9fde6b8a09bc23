/**
 * The meta.k8s.io/v1 definitions the served kinds' schemas refer to, under kube-apiserver's names
 * (io.k8s.apimachinery.pkg.apis.meta.v1.*): ObjectMeta with its OwnerReference and ManagedFieldsEntry, ListMeta,
 * Status, DeleteOptions and Patch, one function each. `ref` makes a reference in the form of the document they go
 * in (v2 definitions or v3 components).
 */

type Json = Record<string, unknown>;
export type RefFn = (name: string) => string;

export const metaPackage = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const objectMetaName = `${metaPackage}.ObjectMeta`;
export const listMetaName = `${metaPackage}.ListMeta`;

const str = (description: string): Json => ({ type: 'string', description });
const time = (description: string): Json => ({ type: 'string', format: 'date-time', description });
const strMap = (description: string): Json => ({
  type: 'object',
  additionalProperties: { type: 'string', default: '' },
  description,
});

function objectMeta(ref: RefFn): Json {
  return {
    type: 'object',
    description:
      'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
    properties: {
      annotations: strMap(
        'Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata.',
      ),
      creationTimestamp: time(
        'CreationTimestamp is a timestamp representing the server time when this object was created.',
      ),
      deletionGracePeriodSeconds: {
        type: 'integer',
        format: 'int64',
        description:
          'Number of seconds allowed for this object to gracefully terminate before it will be removed from the system.',
      },
      deletionTimestamp: time(
        'DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted.',
      ),
      finalizers: {
        type: 'array',
        items: { type: 'string', default: '' },
        description: 'Must be empty before the object is deleted from the registry.',
        'x-kubernetes-patch-strategy': 'merge',
      },
      generateName: str(
        'GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided.',
      ),
      generation: {
        type: 'integer',
        format: 'int64',
        description: 'A sequence number representing a specific generation of the desired state.',
      },
      labels: strMap(
        'Map of string keys and values that can be used to organize and categorize (scope and select) objects.',
      ),
      managedFields: {
        type: 'array',
        items: { $ref: ref(`${metaPackage}.ManagedFieldsEntry`) },
        description:
          'ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow.',
      },
      name: str('Name must be unique within a namespace.'),
      namespace: str('Namespace defines the space within which each name must be unique.'),
      ownerReferences: {
        type: 'array',
        items: { $ref: ref(`${metaPackage}.OwnerReference`) },
        description: 'List of objects depended by this object.',
        'x-kubernetes-patch-merge-key': 'uid',
        'x-kubernetes-patch-strategy': 'merge',
      },
      resourceVersion: str('An opaque value that represents the internal version of this object.'),
      selfLink: str(
        'Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.',
      ),
      uid: str('UID is the unique in time and space value for this object.'),
    },
  };
}

function listMeta(): Json {
  return {
    type: 'object',
    description:
      'ListMeta describes metadata that synthetic resources must have, including lists and various status objects.',
    properties: {
      continue: str('continue may be set if the user set a limit on the number of items returned.'),
      remainingItemCount: {
        type: 'integer',
        format: 'int64',
        description:
          'The number of subsequent items in the list which are not included in this list response.',
      },
      resourceVersion: str("String that identifies the server's internal version of this object."),
      selfLink: str(
        'Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.',
      ),
    },
  };
}

function ownerReference(): Json {
  return {
    type: 'object',
    description: 'OwnerReference contains enough information to let you identify an owning object.',
    required: ['apiVersion', 'kind', 'name', 'uid'],
    properties: {
      apiVersion: str('API version of the referent.'),
      blockOwnerDeletion: {
        type: 'boolean',
        description:
          'If true, AND if the owner has the "foregroundDeletion" finalizer, then the owner cannot be deleted from the key-value store until this reference is removed.',
      },
      controller: {
        type: 'boolean',
        description: 'If true, this reference points to the managing controller.',
      },
      kind: str('Kind of the referent.'),
      name: str('Name of the referent.'),
      uid: str('UID of the referent.'),
    },
    'x-kubernetes-map-type': 'atomic',
  };
}

function managedFieldsEntry(): Json {
  return {
    type: 'object',
    description:
      'ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource that the fieldset applies to.',
    properties: {
      apiVersion: str('APIVersion defines the version of this resource that this field set applies to.'),
      fieldsType: str('FieldsType is the discriminator for the different fields format and version.'),
      fieldsV1: {
        type: 'object',
        description: 'FieldsV1 holds the first JSON version format as described in the "FieldsV1" type.',
      },
      manager: str('Manager is an identifier of the workflow managing these fields.'),
      operation: str(
        'Operation is the type of operation which lead to this ManagedFieldsEntry being created.',
      ),
      subresource: str('Subresource is the name of the subresource used to update that object.'),
      time: time('Time is the timestamp of when the ManagedFields entry was added.'),
    },
  };
}

function status(ref: RefFn): Json {
  return {
    type: 'object',
    description: "Status is a return value for calls that don't return other objects.",
    properties: {
      apiVersion: str('APIVersion'),
      code: {
        type: 'integer',
        format: 'int32',
        description: 'Suggested HTTP return code for this status.',
      },
      details: { type: 'object', description: 'Extended data associated with the reason.' },
      kind: str('Kind'),
      message: str('A human-readable description of the status of this operation.'),
      metadata: { $ref: ref(listMetaName) },
      reason: str('A machine-readable description of why this operation is in the "Failure" status.'),
      status: str('Status of the operation.'),
    },
  };
}

function deleteOptions(): Json {
  return {
    type: 'object',
    description: 'DeleteOptions may be provided when deleting an API object.',
    properties: {
      apiVersion: str('APIVersion'),
      dryRun: {
        type: 'array',
        items: { type: 'string' },
        description: 'When present, indicates that modifications should not be persisted.',
      },
      gracePeriodSeconds: {
        type: 'integer',
        format: 'int64',
        description: 'The duration in seconds before the object should be deleted.',
      },
      kind: str('Kind'),
      orphanDependents: { type: 'boolean', description: 'Deprecated: please use the PropagationPolicy.' },
      preconditions: {
        type: 'object',
        properties: {
          resourceVersion: str('Specifies the target ResourceVersion'),
          uid: str('Specifies the target UID.'),
        },
        description: 'Must be fulfilled before a deletion is carried out.',
      },
      propagationPolicy: str(
        "Whether and how garbage collection will be performed. Acceptable values are: 'Orphan', 'Background', 'Foreground'.",
      ),
    },
  };
}

function patch(): Json {
  return {
    type: 'object',
    description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.',
  };
}

/** ObjectMeta, ListMeta, OwnerReference, ManagedFieldsEntry, Status, DeleteOptions, Patch, by definition name. */
export function metaDefinitions(ref: RefFn): Record<string, Json> {
  return {
    [objectMetaName]: objectMeta(ref),
    [listMetaName]: listMeta(),
    [`${metaPackage}.OwnerReference`]: ownerReference(),
    [`${metaPackage}.ManagedFieldsEntry`]: managedFieldsEntry(),
    [`${metaPackage}.Status`]: status(ref),
    [`${metaPackage}.DeleteOptions`]: deleteOptions(),
    [`${metaPackage}.Patch`]: patch(),
  };
}
