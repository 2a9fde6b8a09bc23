/**
 * Deletion: preconditions, admission (DELETE), finalizers (the object stays with a deletionTimestamp until the
 * last finalizer is removed), propagation policies (Foreground and Orphan become the `foregroundDeletion` and
 * `orphan` finalizers that the garbage collector works off; Background deletes now and lets the collector remove
 * dependents), namespaces (Terminating until their content is gone), and deletecollection.
 */
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../api/types.ts';
import { admit } from '../admission/admit.ts';
import { metaTime } from '../../util/time.ts';
import { isObject } from '../patch.ts';
import type { ServedResource } from '../resources/served.ts';
import { badRequest, conflict, notFound } from '../status.ts';
import type { Core } from './core.ts';
import { isDryRun } from './dry-run.ts';
import { guardOwnedWrite } from './owned.ts';
import { jsonTypeName } from './decode-meta.ts';
import { qualifiedOf, type WriteResult } from './write.ts';

export type Propagation = 'Background' | 'Foreground' | 'Orphan';

export interface DeleteOptions {
  propagationPolicy?: Propagation | undefined;
  preconditions?: { uid?: string; resourceVersion?: string } | undefined;
  dryRun: boolean;
}

/** The dryRun of DeleteOptions: the body's when it sets one (a list of strings), else the query's. */
function dryRunOf(body: Record<string, unknown>, query: URLSearchParams): boolean {
  const given = body.dryRun;
  if (given === undefined || given === null) return isDryRun(query.getAll('dryRun'), 'DeleteOptions');
  const field = 'Go struct field DeleteOptions.dryRun';
  if (!Array.isArray(given))
    throw badRequest(`json: cannot unmarshal ${jsonTypeName(given)} into ${field} of type []string`);
  const odd: unknown = given.find((v) => typeof v !== 'string');
  if (odd !== undefined)
    throw badRequest(`json: cannot unmarshal ${jsonTypeName(odd)} into ${field} of type string`);
  return isDryRun(given as string[], 'DeleteOptions');
}

/** DeleteOptions from a request body (may be empty) and query parameters; the body wins. */
export function deleteOptionsFrom(body: unknown, query: URLSearchParams): DeleteOptions {
  const b = isObject(body) ? body : {};
  const given: unknown = b.propagationPolicy ?? query.get('propagationPolicy') ?? undefined;
  if (given !== undefined && typeof given !== 'string') {
    throw badRequest(
      `json: cannot unmarshal ${jsonTypeName(given)} into Go struct field DeleteOptions.propagationPolicy of type v1.DeletionPropagation`,
    );
  }
  let policy = given;
  const orphan =
    b.orphanDependents ??
    (query.has('orphanDependents') ? query.get('orphanDependents') === 'true' : undefined);
  if (policy === undefined && orphan !== undefined) policy = orphan === true ? 'Orphan' : 'Background';
  if (policy !== undefined && policy !== 'Background' && policy !== 'Foreground' && policy !== 'Orphan') {
    throw badRequest(
      `propagationPolicy: Unsupported value: "${policy}": supported values: "Background", "Foreground", "Orphan"`,
    );
  }
  const pre = isObject(b.preconditions)
    ? (b.preconditions as { uid?: string; resourceVersion?: string })
    : undefined;
  return { propagationPolicy: policy, preconditions: pre, dryRun: dryRunOf(b, query) };
}

export function deleteObject(
  core: Core,
  r: ServedResource,
  namespace: string,
  name: string,
  options: DeleteOptions,
): WriteResult {
  const old = core.get(r, namespace, name);
  if (!old) throw notFound(qualifiedOf(r), name);
  guardOwnedWrite(core, r, { verb: 'delete', name, old });
  const pre = options.preconditions;
  if (pre?.uid && pre.uid !== old.metadata.uid) {
    throw conflict(
      qualifiedOf(r),
      name,
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid ?? ''}`,
    );
  }
  if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
    throw conflict(
      qualifiedOf(r),
      name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion ?? ''}`,
    );
  }
  const alreadyDeleting = old.metadata.deletionTimestamp !== undefined;
  if (!alreadyDeleting)
    admit({ resource: r, operation: 'DELETE', oldObject: old, view: core.view(), fieldValidation: 'Ignore' });

  const next: KubeObject = structuredClone(old);
  const finalizers = [...(old.metadata.finalizers ?? [])];
  const policy = options.propagationPolicy;
  if (policy === 'Foreground' && !finalizers.includes('foregroundDeletion'))
    finalizers.push('foregroundDeletion');
  if (policy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');
  if (r.type.kind === 'Namespace') {
    next['status'] = { ...(isObject(old['status']) ? old['status'] : {}), phase: 'Terminating' };
  }
  const nsFinalizers =
    r.type.kind === 'Namespace' && isObject(next['spec']) && Array.isArray(next['spec'].finalizers)
      ? next['spec'].finalizers
      : [];
  if (!finalizers.length && !nsFinalizers.length) {
    if (options.dryRun) return { object: old, status: 200, warnings: [] };
    const [event] = core.commit([{ type: 'DELETED', resource: r.key, object: next, prev: old }]);
    return { object: event?.object ?? next, status: 200, warnings: [] };
  }
  if (!alreadyDeleting) {
    next.metadata.deletionTimestamp = metaTime(core.clock.now());
    next.metadata.deletionGracePeriodSeconds = 0;
  }
  if (finalizers.length) next.metadata.finalizers = finalizers;
  if (isDeepStrictEqual(next, old)) return { object: old, status: 200, warnings: [] };
  if (options.dryRun) return { object: next, status: 200, warnings: [] };
  const [event] = core.commit([{ type: 'MODIFIED', resource: r.key, object: next, prev: old }]);
  return { object: event?.object ?? next, status: 200, warnings: [] };
}
