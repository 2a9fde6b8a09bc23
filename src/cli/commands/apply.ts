/**
 * `kovn apply -f FILE|DIR [-f ...]`: kubectl's client-side apply against the API server a kubeconfig names. Each
 * document, in file order: created (with the last-applied annotation) when absent; otherwise patched with the
 * three-way patch against its last-applied annotation (strategic for built-in kinds, merge for custom resources),
 * or left alone when that patch is empty. One `kind.group/name created|configured|unchanged` line per object;
 * failures are reported after all documents were tried, and the command then exits 1.
 */
import { parseArgs } from 'node:util';
import type { KubeObject } from '../../api/types.ts';
import { lastApplied, LAST_APPLIED, modifiedConfiguration } from '../apply/last-applied.ts';
import { isBuiltinGroup, mergeKeysFor } from '../apply/merge-keys.ts';
import { threeWayPatch } from '../apply/three-way.ts';
import type { Connection } from '../kube/connect.ts';
import { isNotFound } from '../../kube/errors.ts';
import { collectionPath, resourceObjectPath } from '../../kube/paths.ts';
import { during, reportErrors } from '../kube/report.ts';
import { groupResource, kindLabel } from '../kube/resources.ts';
import { eachManifestTarget, MANIFEST_OPTIONS, type Target } from './manifest-targets.ts';
import type { CommandIo } from './validate.ts';

export const APPLY_USAGE = 'usage: kovn apply -f FILE|DIR [-f ...] [-n NAMESPACE] [--kubeconfig PATH]';

const FIELD_MANAGER = 'kubectl-client-side-apply';

type Outcome = 'created' | 'configured' | 'unchanged';

export async function applyCommand(args: string[], io: CommandIo, env = process.env): Promise<number> {
  const { values } = parseArgs({ args, options: MANIFEST_OPTIONS });
  const run = await eachManifestTarget(io, values, env, async (conn, target) => {
    const outcome = await applyTarget(conn, target, io);
    io.out(`${kindLabel(target.resource)}/${target.name} ${outcome}`);
  });
  return run ? reportErrors(io, run.errors) : 1;
}

async function applyTarget(conn: Connection, target: Target, io: CommandIo): Promise<Outcome> {
  const { resource, namespace, name } = target;
  const { object: modified } = modifiedConfiguration(target.object);
  const live = await during(
    'retrieving current configuration of',
    conn.client
      .request<KubeObject>({ method: 'GET', path: resourceObjectPath(resource, name, namespace) })
      .catch((error: unknown) => {
        if (isNotFound(error)) return undefined;
        throw error;
      }),
  );
  if (!live) {
    const body = { method: 'POST', path: collectionPath(resource, namespace), body: modified } as const;
    await during('creating', conn.client.request({ ...body, query: { fieldManager: FIELD_MANAGER } }));
    return 'created';
  }
  if (!live.metadata.annotations?.[LAST_APPLIED]) {
    io.err(
      `Warning: resource ${groupResource(resource)}/${name} is missing the ${LAST_APPLIED} annotation which is ` +
        'required by kubectl apply. kubectl apply should only be used on resources created declaratively by ' +
        'either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.',
    );
  }
  const strategic = isBuiltinGroup(resource.group);
  const patch = threeWayPatch(
    lastApplied(live),
    modified,
    live,
    strategic ? { mergeKeys: mergeKeysFor(resource.kind) } : {},
  );
  if (!Object.keys(patch).length) return 'unchanged';
  await during(
    'patching',
    conn.client.request({
      method: 'PATCH',
      path: resourceObjectPath(resource, name, namespace),
      query: { fieldManager: FIELD_MANAGER },
      body: patch,
      patch: strategic ? 'strategic' : 'merge',
    }),
  );
  return 'configured';
}
