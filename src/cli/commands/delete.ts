/**
 * `kovn delete -f FILE|DIR [-f ...]`: deletes each manifest's object (background propagation, as kubectl), one
 * `kind.group "name" deleted` line per object, then waits until the deleted objects are gone (finalizers done;
 * `--wait=false` skips that). An object that does not exist is an error (exit 1) unless `--ignore-not-found`.
 */
import { parseArgs } from 'node:util';
import type { KubeObject } from '../../api/types.ts';
import { systemClock, type Clock } from '../../util/clock.ts';
import type { Connection } from '../kube/connect.ts';
import { isNotFound } from '../../kube/errors.ts';
import { resourceObjectPath } from '../../kube/paths.ts';
import { during, reportErrors, StepError } from '../kube/report.ts';
import { groupResource, kindLabel } from '../kube/resources.ts';
import { eachManifestTarget, MANIFEST_OPTIONS, type Target } from './manifest-targets.ts';
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
      ...MANIFEST_OPTIONS,
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
  const deleted: Array<{ target: Target; uid: string | undefined }> = [];
  const run = await eachManifestTarget(io, values, env, async (conn, target) => {
    const uid = await deleteOne(conn, target, values['ignore-not-found']);
    if (uid === null) return;
    io.out(`${kindLabel(target.resource)} "${target.name}" deleted`);
    deleted.push({ target, uid });
  });
  if (!run) return 1;
  const { conn, errors } = run;
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
  return reportErrors(io, errors);
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
        path: resourceObjectPath(target.resource, target.name, target.namespace),
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
  const path = resourceObjectPath(target.resource, target.name, target.namespace);
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
