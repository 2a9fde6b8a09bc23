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
import { PATCH_MERGE, PATCH_STRATEGIC } from '../../kube/client.ts';
import { connect, type Connection } from '../kube/connect.ts';
import { isNotFound } from '../../kube/errors.ts';
import { collectionPath, objectPath } from '../kube/paths.ts';
import { during, errorLines, manifestError, type CommandError } from '../kube/report.ts';
import { groupResource, kindLabel } from '../kube/resources.ts';
import { readManifests, resolveTarget, type Target } from './manifest-targets.ts';
import type { CommandIo } from './validate.ts';

export const APPLY_USAGE = 'usage: kovn apply -f FILE|DIR [-f ...] [-n NAMESPACE] [--kubeconfig PATH]';

const FIELD_MANAGER = 'kubectl-client-side-apply';

type Outcome = 'created' | 'configured' | 'unchanged';

export async function applyCommand(args: string[], io: CommandIo, env = process.env): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      filename: { type: 'string', short: 'f', multiple: true },
      namespace: { type: 'string', short: 'n' },
      kubeconfig: { type: 'string' },
    },
  });
  const loaded = readManifests(values.filename ?? []);
  if (!loaded.ok) {
    for (const line of loaded.lines) io.err(line);
    return 1;
  }
  const conn = await connect(values.kubeconfig, env);
  const errors: CommandError[] = [];
  for (const doc of loaded.documents) {
    let target: Target;
    try {
      target = await resolveTarget(conn, doc, values.namespace);
    } catch (error) {
      errors.push({ error });
      continue;
    }
    try {
      const outcome = await applyTarget(conn, target, io);
      io.out(`${kindLabel(target.resource)}/${target.name} ${outcome}`);
    } catch (error) {
      errors.push(manifestError(error, doc.file));
    }
  }
  for (const line of errorLines(errors)) io.err(line);
  return errors.length ? 1 : 0;
}

async function applyTarget(conn: Connection, target: Target, io: CommandIo): Promise<Outcome> {
  const { resource, namespace, name } = target;
  const { object: modified } = modifiedConfiguration(target.object);
  const live = await during(
    'retrieving current configuration of',
    conn.client
      .request<KubeObject>({ method: 'GET', path: objectPath(resource, namespace, name) })
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
      path: objectPath(resource, namespace, name),
      query: { fieldManager: FIELD_MANAGER },
      body: patch,
      contentType: strategic ? PATCH_STRATEGIC : PATCH_MERGE,
    }),
  );
  return 'configured';
}
