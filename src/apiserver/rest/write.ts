/**
 * Create and update, as kube-apiserver's generic registry does them: type/name/namespace checks, server-set
 * metadata (uid, creationTimestamp, generation, resourceVersion), generateName, optimistic concurrency (409 on a
 * stale resourceVersion), the status subresource split, finalizer rules while deleting, no-op updates that do
 * not bump the revision, then admission and one commit.
 */
import { isDeepStrictEqual } from 'node:util';
import { randomBelow, type Random } from '../../util/random.ts';
import type { KubeObject } from '../../api/types.ts';
import { admit, type FieldValidation } from '../admission/admit.ts';
import { metaTime } from '../../util/time.ts';
import { isObject } from '../patch.ts';
import { apiVersionOf, type ServedResource } from '../resources/served.ts';
import {
  alreadyExists,
  ApiError,
  badRequest,
  forbidden,
  notFound,
  rejection,
  staleResourceVersion,
} from '../status.ts';
import type { Core } from './core.ts';
import { objectMetaProblem, typeMetaProblem } from './decode-meta.ts';
import { guardOwnedWrite } from './owned.ts';

export interface WriteOptions {
  fieldValidation: FieldValidation;
  dryRun: boolean;
}

export interface WriteResult {
  object: KubeObject;
  status: number;
  warnings: string[];
}

export function qualifiedOf(r: ServedResource): { group: string; resource: string; kind: string } {
  return { group: r.type.group, resource: r.type.plural, kind: r.type.kind };
}

const suffixAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

function randomSuffix(random: Random): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += suffixAlphabet[randomBelow(random, suffixAlphabet.length)];
  return s;
}

/**
 * Checks apiVersion/kind against the endpoint and fills them in when absent, and the types of the metadata fields
 * (decode-meta.ts).
 */
export function checkTypeMeta(r: ServedResource, body: unknown): KubeObject {
  if (!isObject(body)) throw badRequest('the request body must be a JSON or YAML object');
  const typeProblem = typeMetaProblem(body);
  if (typeProblem) throw badRequest(`couldn't get version/kind; json parse error: ${typeProblem}`);
  const object = structuredClone(body) as KubeObject;
  const apiVersion = apiVersionOf(r.type);
  if (object.kind !== undefined && object.kind !== r.type.kind) {
    throw badRequest(
      `the kind of the object (${String(object.kind)}) does not match the kind of the endpoint (${r.type.kind})`,
    );
  }
  if (object.apiVersion !== undefined && object.apiVersion !== apiVersion) {
    throw badRequest(
      `the API version in the data (${String(object.apiVersion)}) does not match the expected API version (${apiVersion})`,
    );
  }
  object.apiVersion = apiVersion;
  object.kind = r.type.kind;
  if (object.metadata === undefined) object.metadata = {};
  if (!isObject(object.metadata)) throw badRequest('metadata must be an object');
  const metaProblem = objectMetaProblem(object);
  if (metaProblem) {
    const { kind, version } = r.type;
    throw badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: ${metaProblem}`);
  }
  return object;
}

function checkNamespace(r: ServedResource, object: KubeObject, namespace: string): void {
  if (!r.type.namespaced) {
    delete object.metadata.namespace;
    return;
  }
  if (object.metadata.namespace && object.metadata.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  object.metadata.namespace = namespace;
}

/** A namespaced create needs an existing namespace that is not terminating. */
export function ensureNamespace(core: Core, r: ServedResource, namespace: string, name: string): void {
  if (!r.type.namespaced) return;
  const nsResource = core.catalog.forKind('Namespace');
  if (!nsResource) return;
  const ns = core.get(nsResource, '', namespace);
  if (!ns) throw notFound(qualifiedOf(nsResource), namespace);
  if (ns.metadata.deletionTimestamp) {
    throw forbidden(
      qualifiedOf(r),
      name,
      `unable to create new content in namespace ${namespace} because it is being terminated`,
    );
  }
}

export function create(
  core: Core,
  r: ServedResource,
  namespace: string,
  body: unknown,
  options: WriteOptions,
): WriteResult {
  const object = checkTypeMeta(r, body);
  checkNamespace(r, object, namespace);
  const meta = object.metadata;
  if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${randomSuffix(core.random)}`;
  const name = meta.name ?? '';
  if (name) ensureNamespace(core, r, namespace, name);
  meta.uid = core.newUid();
  meta.creationTimestamp = metaTime(core.clock.now());
  meta.generation = 1;
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.managedFields;
  delete (meta as Record<string, unknown>).selfLink;
  if (!r.builtin && r.type.subresources.status) delete object['status'];
  r.prepareCreate?.(object, { list: () => [...core.store.scan(r.key, undefined, undefined)] });
  guardOwnedWrite(core, r, { verb: 'create', name, object });
  const admitted = admit({
    resource: r,
    operation: 'CREATE',
    object,
    view: core.view(),
    fieldValidation: options.fieldValidation,
  });
  const final = admitted.object ?? object;
  if (core.get(r, namespace, name)) throw alreadyExists(qualifiedOf(r), name);
  if (options.dryRun) return { object: final, status: 201, warnings: admitted.warnings };
  const [event] = core.commit([{ type: 'ADDED', resource: r.key, object: final }]);
  return { object: event?.object ?? final, status: 201, warnings: admitted.warnings };
}

function withoutMetaAndStatus(o: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, ...rest } = o;
  return rest;
}

export interface UpdateOptions extends WriteOptions {
  subresource?: 'status' | undefined;
  /** How the client asked (PUT or PATCH), for the words of a refusal; update when absent. */
  verb?: 'update' | 'patch';
}

/**
 * The object an update writes: for the status subresource, `old` with the candidate's status; otherwise the
 * candidate with the server-set metadata (and, where the status subresource exists, the status) kept from `old`.
 */
function nextForUpdate(
  r: ServedResource,
  old: KubeObject,
  candidate: KubeObject,
  subresource: UpdateOptions['subresource'],
): KubeObject {
  if (subresource === 'status') {
    const next = structuredClone(old);
    if (candidate['status'] !== undefined) next['status'] = candidate['status'];
    else delete next['status'];
    return next;
  }
  const next = candidate;
  const { uid, creationTimestamp, generation, deletionTimestamp, deletionGracePeriodSeconds, namespace } =
    old.metadata;
  next.metadata = { ...candidate.metadata, name: old.metadata.name ?? '' };
  const kept = {
    uid,
    creationTimestamp,
    resourceVersion: old.metadata.resourceVersion,
    generation,
    deletionTimestamp,
    deletionGracePeriodSeconds,
    namespace,
  };
  for (const [k, v] of Object.entries(kept)) {
    if (v === undefined) delete (next.metadata as Record<string, unknown>)[k];
    else (next.metadata as Record<string, unknown>)[k] = v;
  }
  if (r.type.subresources.status) {
    if (old['status'] !== undefined) next['status'] = old['status'];
    else delete next['status'];
  }
  if (r.type.kind === 'Namespace') next['spec'] = old['spec'];
  r.prepareUpdate?.(next, old);
  return next;
}

/** Replaces `old` by `candidate` (already type-checked), as PUT and PATCH both end. */
export function applyUpdate(
  core: Core,
  r: ServedResource,
  old: KubeObject,
  candidate: KubeObject,
  options: UpdateOptions,
): WriteResult {
  const name = old.metadata.name ?? '';
  const rv = candidate.metadata.resourceVersion;
  if (rv !== undefined && rv !== '' && rv !== old.metadata.resourceVersion)
    throw staleResourceVersion(qualifiedOf(r), name);
  let next = nextForUpdate(r, old, candidate, options.subresource);
  const deleting = old.metadata.deletionTimestamp !== undefined;
  if (deleting) {
    const added = (next.metadata.finalizers ?? []).filter(
      (f) => !(old.metadata.finalizers ?? []).includes(f),
    );
    if (added.length) {
      throw rejection(qualifiedOf(r), name, [
        {
          field: 'metadata.finalizers',
          type: 'FieldValueForbidden',
          reason: 'Invalid',
          message: `no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
        },
      ]);
    }
  }
  const admitted = admit({
    resource: r,
    operation: 'UPDATE',
    object: next,
    oldObject: old,
    view: core.view(),
    fieldValidation: options.fieldValidation,
    schemaOnly: options.subresource === 'status' || deleting,
  });
  next = admitted.object ?? next;
  guardOwnedWrite(core, r, { verb: options.verb ?? 'update', name, object: next, old });
  if (
    options.subresource !== 'status' &&
    !isDeepStrictEqual(withoutMetaAndStatus(next), withoutMetaAndStatus(old))
  ) {
    next.metadata.generation = (old.metadata.generation ?? 0) + 1;
  }
  if (isDeepStrictEqual(next, old)) return { object: old, status: 200, warnings: admitted.warnings };
  const done = deleting && !(next.metadata.finalizers ?? []).length && !namespaceFinalizers(next).length;
  if (options.dryRun) return { object: next, status: 200, warnings: admitted.warnings };
  const [event] = core.commit([
    { type: done ? 'DELETED' : 'MODIFIED', resource: r.key, object: next, prev: old },
  ]);
  return { object: event?.object ?? next, status: 200, warnings: admitted.warnings };
}

export function namespaceFinalizers(object: KubeObject): string[] {
  if (object.kind !== 'Namespace') return [];
  const spec = object['spec'];
  return isObject(spec) && Array.isArray(spec.finalizers) ? (spec.finalizers as string[]) : [];
}

export function update(
  core: Core,
  r: ServedResource,
  namespace: string,
  name: string,
  body: unknown,
  options: UpdateOptions,
): WriteResult {
  const candidate = checkTypeMeta(r, body);
  if (candidate.metadata.name !== undefined && candidate.metadata.name !== name) {
    throw badRequest(
      `the name of the object (${candidate.metadata.name}) does not match the name on the URL (${name})`,
    );
  }
  checkNamespace(r, candidate, namespace);
  const old = core.get(r, namespace, name);
  if (!old) throw notFound(qualifiedOf(r), name);
  return applyUpdate(core, r, old, candidate, options);
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}
