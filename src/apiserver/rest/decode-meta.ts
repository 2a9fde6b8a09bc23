/**
 * The type checks Go's JSON decoder makes on a request object's TypeMeta and ObjectMeta before anything reads them
 * (kube-apiserver answers a mistyped field with 400 "<Kind> in version "v1" cannot be handled as a <Kind>: json:
 * cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string"). A `null` ObjectMeta field
 * decodes to Go's zero value, which is omitted: it is removed. Admission then checks the values (name formats,
 * label syntax), knowing their types.
 */
import type { KubeObject } from '../../api/types.ts';

/** What does not decode: the JSON type found, the Go field and the Go type expected. */
interface Mismatch {
  found: string;
  field: string;
  goType: string;
}

/** Checks one JSON value against a Go type; `field` is the Go field path used in the message. */
type Decoder = (value: unknown, field: string) => Mismatch | undefined;

/** The JSON type of a value, as Go's decoder names it in "cannot unmarshal X". */
export function jsonTypeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

const scalar =
  (goType: string, ok: (v: unknown) => boolean): Decoder =>
  (v, field) =>
    ok(v) ? undefined : { found: jsonTypeName(v), field, goType };

const string = scalar('string', (v) => typeof v === 'string');
const int64 = scalar('int64', (v) => Number.isSafeInteger(v));
const time = scalar('v1.Time', (v) => typeof v === 'string');
const bool = scalar('bool', (v) => typeof v === 'boolean');
/** A field Go leaves at its zero value when the JSON says null. */
const nullable =
  (decode: Decoder): Decoder =>
  (v, field) =>
    v === null ? undefined : decode(v, field);

const stringMap: Decoder = (v, field) => {
  if (!isRecord(v)) return { found: jsonTypeName(v), field, goType: 'map[string]string' };
  for (const item of Object.values(v)) {
    const problem = string(item, field);
    if (problem) return problem;
  }
  return undefined;
};

const list =
  (goType: string, item: Decoder): Decoder =>
  (v, field) => {
    if (!Array.isArray(v)) return { found: jsonTypeName(v), field, goType };
    for (const element of v as unknown[]) {
      const problem = item(element, field);
      if (problem) return problem;
    }
    return undefined;
  };

const struct =
  (name: string, fields: Record<string, Decoder>): Decoder =>
  (v, field) => {
    if (!isRecord(v)) return { found: jsonTypeName(v), field, goType: name };
    for (const [key, decode] of Object.entries(fields)) {
      const problem = v[key] === undefined ? undefined : decode(v[key], `${field}.${key}`);
      if (problem) return problem;
    }
    return undefined;
  };

const ownerReference = struct('v1.OwnerReference', {
  apiVersion: string,
  kind: string,
  name: string,
  uid: string,
  controller: nullable(bool),
  blockOwnerDeletion: nullable(bool),
});

/** ObjectMeta's JSON fields and their Go types. */
const metaFields: Record<string, Decoder> = {
  name: string,
  generateName: string,
  namespace: string,
  selfLink: string,
  uid: string,
  resourceVersion: string,
  generation: int64,
  creationTimestamp: time,
  deletionTimestamp: time,
  deletionGracePeriodSeconds: int64,
  labels: stringMap,
  annotations: stringMap,
  ownerReferences: list('[]v1.OwnerReference', ownerReference),
  finalizers: list('[]string', string),
  managedFields: list('[]v1.ManagedFieldsEntry', scalar('v1.ManagedFieldsEntry', isRecord)),
};

const wording = (m: Mismatch): string =>
  `json: cannot unmarshal ${m.found} into Go struct field ${m.field} of type ${m.goType}`;

/** apiVersion or kind that is present but not a string: what Go's decoder says of it, else undefined. */
export function typeMetaProblem(object: Record<string, unknown>): string | undefined {
  for (const field of ['apiVersion', 'kind']) {
    const problem = nullable(string)(object[field] ?? null, `.${field}`);
    if (problem) return wording(problem);
  }
  return undefined;
}

/** Removes null ObjectMeta fields and returns the first mistyped one as Go's decoder words it, else undefined. */
export function objectMetaProblem(object: KubeObject): string | undefined {
  const meta = object.metadata as Record<string, unknown>;
  for (const [field, decode] of Object.entries(metaFields)) {
    const v = meta[field];
    if (v === null) delete meta[field];
    else if (v !== undefined) {
      const problem = decode(v, `ObjectMeta.metadata.${field}`);
      if (problem) return wording(problem);
    }
  }
  return undefined;
}
