/**
 * `kovn delete -f FILE|DIR [-f ...]`: deletes each manifest's object (background propagation, as kubectl), one
 * `kind.group "name" deleted` line per object, then waits until the deleted objects are gone (finalizers done;
 * `--wait=false` skips that). An object that does not exist is an error (exit 1) unless `--ignore-not-found`.
 */
import { parseArgs } from 'node:util';
import type { KubeObject } from '../../api/types.ts';
import { systemClock, type Clock } from '../../util/clock.ts';
import { connect, type Connection } from '../kube/connect.ts';
import { isNotFound } from '../../kube/errors.ts';
import { objectPath } from '../kube/paths.ts';
import { during, errorLines, manifestError, StepError, type CommandError } from '../kube/report.ts';
import { groupResource, kindLabel } from '../kube/resources.ts';
import { readManifests, resolveTarget, type Target } from './manifest-targets.ts';
import type { CommandIo } from './validate.ts';

export const DELETE_USAGE =
  'usage: kovn delete -f FILE|DIR [-f ...] [-n NAMESPACE] [--ignore-not-found] [--wait=false] [--timeout 60s] [--kubeconfig PATH]';

const POLL_MS = 250;

export async function deleteCommand(
  args: string[],
  io: CommandIo,
  env = process.env,
  clock: Clock = systemClock,
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      filename: { type: 'string', short: 'f', multiple: true },
      namespace: { type: 'string', short: 'n' },
      kubeconfig: { type: 'string' },
      'ignore-not-found': { type: 'boolean', default: false },
      wait: { type: 'string', default: 'true' },
      timeout: { type: 'string', default: '60s' },
    },
  });
  const timeoutMs = parseSeconds(values.timeout);
  if (timeoutMs === undefined) {
    io.err(`error: invalid --timeout ${JSON.stringify(values.timeout)} (e.g. 30s, 2m)`);
    return 1;
  }
  const loaded = readManifests(values.filename ?? []);
  if (!loaded.ok) {
    for (const line of loaded.lines) io.err(line);
    return 1;
  }
  const conn = await connect(values.kubeconfig, env);
  const errors: CommandError[] = [];
  const deleted: Array<{ target: Target; uid: string | undefined }> = [];
  for (const doc of loaded.documents) {
    try {
      const target = await resolveTarget(conn, doc, values.namespace);
      const uid = await deleteOne(conn, target, values['ignore-not-found']);
      if (uid === null) continue;
      io.out(`${kindLabel(target.resource)} "${target.name}" deleted`);
      deleted.push({ target, uid });
    } catch (error) {
      errors.push(manifestError(error, doc.file));
    }
  }
  if (values.wait !== 'false') {
    const deadline = clock.now() + timeoutMs;
    for (const { target, uid } of deleted) {
      const gone = await waitGone(conn, target, uid, deadline, clock).catch((error: unknown) => {
        errors.push({ error });
        return true;
      });
      if (!gone) {
        const what = `${groupResource(target.resource)}/${target.name}`;
        errors.push({ error: new Error(`timed out waiting for the deletion of ${what}`) });
      }
    }
  }
  for (const line of errorLines(errors)) io.err(line);
  return errors.length ? 1 : 0;
}

/** Deletes the target; returns the uid it had (for the wait), or null when it was absent and that is fine. */
async function deleteOne(
  conn: Connection,
  target: Target,
  ignoreNotFound: boolean,
): Promise<string | undefined | null> {
  try {
    const answer = await during(
      'deleting',
      conn.client.request<KubeObject | undefined>({
        method: 'DELETE',
        path: objectPath(target.resource, target.namespace, target.name),
        body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' },
      }),
    );
    return answer?.metadata?.uid;
  } catch (error) {
    if (ignoreNotFound && error instanceof StepError && isNotFound(error.error)) return null;
    throw error;
  }
}

/** Polls until the object is gone (or replaced by one with another uid); false on timeout. */
async function waitGone(
  conn: Connection,
  target: Target,
  uid: string | undefined,
  deadline: number,
  clock: Clock,
): Promise<boolean> {
  const path = objectPath(target.resource, target.namespace, target.name);
  for (;;) {
    try {
      const live = await conn.client.request<KubeObject>({ method: 'GET', path });
      if (uid && live.metadata.uid !== uid) return true;
    } catch (error) {
      if (isNotFound(error)) return true;
      throw error;
    }
    if (clock.now() >= deadline) return false;
    await clock.sleep(POLL_MS);
  }
}

/** `30s`, `2m`, `1h`, or a bare number of seconds. */
export function parseSeconds(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text.trim());
  if (!match) return undefined;
  const unit = { s: 1_000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 's' | 'm' | 'h'];
  return Number(match[1]) * unit;
}
