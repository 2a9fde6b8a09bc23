/**
 * OpenAPI schemas of the served kinds: the TypeBox schema turned into plain OpenAPI (unions of literals become
 * enums, string|integer becomes x-kubernetes-int-or-string, patternProperties become additionalProperties),
 * `metadata` pointing at ObjectMeta, `x-kubernetes-group-version-kind` on each kind and list (what kubectl
 * explain and client-side validation look up), plus the meta.k8s.io definitions they refer to.
 */
import type { ServedResource } from '../resources/served.ts';

type Json = Record<string, unknown>;
export type RefFn = (name: string) => string;

export const metaPackage = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const objectMetaName = `${metaPackage}.ObjectMeta`;
export const listMetaName = `${metaPackage}.ListMeta`;

function isJson(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function literalType(v: unknown): string {
  return typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;
}

/** Plain OpenAPI v3 (structural) from a TypeBox / JSON Schema object. */
export function toOpenApi(schema: unknown): Json {
  if (!isJson(schema)) return {};
  const out: Json = {};
  for (const [k, v] of Object.entries(schema)) {
    if (
      k === '$id' ||
      k === '$schema' ||
      k === 'anyOf' ||
      k === 'oneOf' ||
      k === 'const' ||
      k === 'patternProperties'
    )
      continue;
    if (k === 'additionalProperties' && v === false) continue;
    if (k === 'properties' && isJson(v))
      out.properties = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, toOpenApi(s)]));
    else if ((k === 'items' || k === 'additionalProperties') && isJson(v)) out[k] = toOpenApi(v);
    else if (k === 'allOf' && Array.isArray(v)) out.allOf = v.map(toOpenApi);
    else out[k] = v;
  }
  if ('const' in schema) {
    out.enum = [schema.const];
    out.type ??= literalType(schema.const);
  }
  const union = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(union)) {
    const branches = union.filter(isJson);
    const nonNull = branches.filter((b) => b.type !== 'null');
    if (nonNull.length < branches.length) out.nullable = true;
    if (nonNull.length && nonNull.every((b) => 'const' in b || Array.isArray(b.enum))) {
      const values = nonNull.flatMap((b) => ('const' in b ? [b.const] : (b.enum as unknown[])));
      out.enum = values;
      out.type ??= literalType(values[0]);
    } else if (
      nonNull.length === 2 &&
      nonNull.some((b) => b.type === 'string') &&
      nonNull.some((b) => b.type === 'integer')
    ) {
      out['x-kubernetes-int-or-string'] = true;
    } else if (nonNull.length === 1) {
      Object.assign(out, toOpenApi(nonNull[0]), out.nullable ? { nullable: true } : {});
    } else if (nonNull.length) {
      out.anyOf = nonNull.map(toOpenApi);
    }
  }
  const patterns = schema.patternProperties;
  if (isJson(patterns)) {
    const first = Object.values(patterns)[0];
    if (first !== undefined) out.additionalProperties = toOpenApi(first);
    out.type ??= 'object';
  }
  return out;
}

export function gvk(r: ServedResource, kind = r.type.kind): Json {
  return { group: r.type.group, kind, version: r.type.version };
}

/** The schema of a kind, with metadata as a reference to ObjectMeta. */
export function kindSchema(r: ServedResource, ref: RefFn, v3: boolean): Json {
  const schema = toOpenApi(r.type.schema);
  const properties = isJson(schema.properties) ? { ...schema.properties } : {};
  properties.apiVersion = {
    type: 'string',
    description:
      'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.',
  };
  properties.kind = {
    type: 'string',
    description:
      'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase.',
  };
  const metaDescription =
    "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
  properties.metadata = v3
    ? { allOf: [{ $ref: ref(objectMetaName) }], default: {}, description: metaDescription }
    : { $ref: ref(objectMetaName), description: metaDescription };
  const result: Json = { ...schema, type: 'object', properties };
  if (Array.isArray(result.required))
    result.required = (result.required as string[]).filter(
      (k) => k !== 'metadata' && k !== 'apiVersion' && k !== 'kind',
    );
  if (Array.isArray(result.required) && !(result.required as string[]).length) delete result.required;
  result['x-kubernetes-group-version-kind'] = [gvk(r)];
  return result;
}

export function listSchema(r: ServedResource, ref: RefFn): Json {
  return {
    type: 'object',
    description: `${r.type.listKind} is a list of ${r.type.kind}`,
    required: ['items'],
    properties: {
      apiVersion: {
        type: 'string',
        description: 'APIVersion defines the versioned schema of this representation of an object.',
      },
      items: {
        type: 'array',
        description: `List of ${r.type.plural}.`,
        items: { $ref: ref(r.definitionName) },
      },
      kind: {
        type: 'string',
        description: 'Kind is a string value representing the REST resource this object represents.',
      },
      metadata: { $ref: ref(listMetaName), description: 'Standard list metadata.' },
    },
    'x-kubernetes-group-version-kind': [gvk(r, r.type.listKind)],
  };
}

const str = (description: string): Json => ({ type: 'string', description });
const time = (description: string): Json => ({ type: 'string', format: 'date-time', description });
const strMap = (description: string): Json => ({
  type: 'object',
  additionalProperties: { type: 'string', default: '' },
  description,
});

/** ObjectMeta, ListMeta, OwnerReference, ManagedFieldsEntry, Status, DeleteOptions, Patch. */
export function metaDefinitions(ref: RefFn): Record<string, Json> {
  return {
    [objectMetaName]: {
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
    },
    [listMetaName]: {
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
    },
    [`${metaPackage}.OwnerReference`]: {
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
    },
    [`${metaPackage}.ManagedFieldsEntry`]: {
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
    },
    [`${metaPackage}.Status`]: {
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
    },
    [`${metaPackage}.DeleteOptions`]: {
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
    },
    [`${metaPackage}.Patch`]: {
      type: 'object',
      description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.',
    },
  };
}
