/**
 * The chaos run's API client for writes: it records every acknowledged write and retries through the storm's API
 * server kills. A write counts as acknowledged only on a 2xx answer. A connection error (the API server is down or
 * restarting, or the request timed out) or a 503 is retried until a deadline; a 409 AlreadyExists on a create that
 * was retried means the first attempt may have been applied before the connection broke: the object read back is
 * "maybe ours", and is taken as ours when its spec holds everything we sent (its uid is then recorded). Any other
 * answer is an error of the storm itself and fails the write. `missing()` then tells which acknowledged writes the
 * API does not show (an acknowledged delete whose object, by uid, is still there counts too).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../src/api/types.ts';
import { ApiStatusError, UnreachableError, isAlreadyExists, isNotFound } from '../../src/kube/errors.ts';
import { kubeRequest } from '../../src/kube/request.ts';
import { kindCollectionPath, objectPath } from '../../src/kube/resources.ts';

export interface AckedWrite {
  verb: 'create' | 'patch' | 'delete';
  kind: string;
  namespace?: string;
  name: string;
  /**
   * For a create: the uid the API answered (or of the object taken as ours after a 409). For a delete: the uid of
   * the object deleted (a new object under the same name, such as a StatefulSet's re-created pod, is another one).
   */
  uid?: string;
  /** What must hold afterwards: the spec sent (create), the fields patched (patch). */
  expect?: Record<string, unknown>;
  /** A 409 on a retry was taken as this write's own effect. */
  maybeOurs?: boolean;
}

export interface WriteStats {
  acked: number;
  retries: number;
  maybeOurs: number;
  failed: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const retriable = (err: unknown): boolean =>
  err instanceof UnreachableError || (err instanceof ApiStatusError && err.code === 503);

/** Does `have` hold every field of `want` (objects field by field, arrays item by item, scalars equal)? */
export function holds(have: unknown, want: unknown): boolean {
  if (Array.isArray(want))
    return Array.isArray(have) && have.length === want.length && want.every((w, i) => holds(have[i], w));
  if (want && typeof want === 'object') {
    if (!have || typeof have !== 'object' || Array.isArray(have)) return false;
    return Object.entries(want).every(([k, v]) => holds((have as Record<string, unknown>)[k], v));
  }
  return JSON.stringify(have) === JSON.stringify(want);
}

export class RecordingWriter {
  readonly acked: AckedWrite[] = [];
  readonly stats: WriteStats = { acked: 0, retries: 0, maybeOurs: 0, failed: 0 };
  readonly #kc: KubeConfig;
  readonly #deadlineMs: number;

  constructor(kc: KubeConfig, options: { deadlineMs?: number } = {}) {
    this.#kc = kc;
    this.#deadlineMs = options.deadlineMs ?? 180_000;
  }

  /** One request, retried on connection errors and 503 until the deadline; `attempt` counts from 1. */
  async #retrying<T>(what: string, send: (attempt: number) => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.#deadlineMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await send(attempt);
      } catch (err) {
        if (!retriable(err) || Date.now() > deadline) {
          this.stats.failed++;
          throw new Error(`${what}: ${(err as Error).message}`, { cause: err });
        }
        this.stats.retries++;
        await sleep(Math.min(2_000, 100 * attempt));
      }
    }
  }

  async create(obj: KubeObject): Promise<KubeObject> {
    const { kind } = obj;
    const { name = '', namespace } = obj.metadata;
    const spec = obj['spec'] as Record<string, unknown> | undefined;
    const created = await this.#retrying(`create ${kind} ${namespace ?? ''}/${name}`, async (attempt) => {
      try {
        const made = await kubeRequest<KubeObject>(this.#kc, {
          method: 'POST',
          path: kindCollectionPath(kind, namespace),
          body: obj,
        });
        return { made, maybeOurs: false };
      } catch (err) {
        if (attempt === 1 || !isAlreadyExists(err)) throw err;
        const found = await kubeRequest<KubeObject>(this.#kc, {
          method: 'GET',
          path: objectPath(kind, name, namespace),
        });
        if (spec && !holds(found['spec'], spec))
          throw new Error(`${kind} ${name}: 409 after a retry, and the object there is not ours`, {
            cause: err,
          });
        return { made: found, maybeOurs: true };
      }
    });
    if (created.maybeOurs) this.stats.maybeOurs++;
    this.#ack({
      verb: 'create',
      kind,
      name,
      ...(namespace ? { namespace } : {}),
      ...(created.made.metadata.uid ? { uid: created.made.metadata.uid } : {}),
      ...(spec ? { expect: { spec } } : {}),
      ...(created.maybeOurs ? { maybeOurs: true } : {}),
    });
    return created.made;
  }

  /** A merge patch (idempotent, so a retry after a lost answer is harmless). */
  async patch(kind: string, name: string, body: Record<string, unknown>, namespace?: string): Promise<void> {
    await this.#retrying(`patch ${kind} ${name}`, () =>
      kubeRequest(this.#kc, {
        method: 'PATCH',
        path: objectPath(kind, name, namespace),
        body,
        patch: 'merge',
      }),
    );
    this.#ack({ verb: 'patch', kind, name, ...(namespace ? { namespace } : {}), expect: body });
  }

  /** A delete, forced (grace period 0) when asked; an object already gone after a retry counts as deleted. */
  async delete(kind: string, name: string, namespace?: string, force = false): Promise<void> {
    const uid = (await this.#read(kind, name, namespace))?.metadata.uid;
    await this.#retrying(`delete ${kind} ${name}`, async (attempt) => {
      try {
        await kubeRequest(this.#kc, {
          method: 'DELETE',
          path: objectPath(kind, name, namespace),
          ...(force ? { body: { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0 } } : {}),
        });
      } catch (err) {
        if (attempt === 1 || !isNotFound(err)) throw err;
      }
    });
    this.#ack({ verb: 'delete', kind, name, ...(namespace ? { namespace } : {}), ...(uid ? { uid } : {}) });
  }

  /** Waits (through API server restarts) until the object is gone; throws after `deadlineMs`. */
  async waitGone(kind: string, name: string, namespace?: string, deadlineMs = 120_000): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    while (await this.#read(kind, name, namespace)) {
      if (Date.now() > deadline)
        throw new Error(`${kind} ${namespace ?? ''}/${name} still there after ${deadlineMs} ms`);
      await sleep(250);
    }
  }

  /** The object, or undefined when it does not exist (retried through API server restarts). */
  #read(kind: string, name: string, namespace?: string): Promise<KubeObject | undefined> {
    return this.#retrying(`read ${kind}/${namespace ?? ''}/${name}`, async () => {
      try {
        return await kubeRequest<KubeObject>(this.#kc, {
          method: 'GET',
          path: objectPath(kind, name, namespace),
        });
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    });
  }

  #ack(w: AckedWrite): void {
    this.acked.push(w);
    this.stats.acked++;
  }

  /**
   * The acknowledged writes the API does not show, each as a line: a create or patch whose object is gone, has
   * another uid or lacks the fields written; a delete whose object (same uid) is still there. A create
   * followed by an acknowledged delete of the same object is not expected to be there.
   */
  async missing(): Promise<string[]> {
    const out: string[] = [];
    const id = (w: AckedWrite) => `${w.kind}/${w.namespace ?? ''}/${w.name}`;
    const lastVerb = new Map<string, { verb: AckedWrite['verb']; at: number }>();
    this.acked.forEach((w, i) => lastVerb.set(id(w), { verb: w.verb, at: i }));
    const deletedAfter = (w: AckedWrite, i: number) =>
      this.acked.some((o, j) => j > i && o.verb === 'delete' && id(o) === id(w));
    for (const [i, w] of this.acked.entries()) {
      if (w.verb === 'delete') {
        if (lastVerb.get(id(w))?.at !== i) continue;
        const still = await this.#read(w.kind, w.name, w.namespace);
        if (still && still.metadata.uid === w.uid)
          out.push(`delete ${id(w)}: the object is still there (uid ${still.metadata.uid})`);
        continue;
      }
      if (deletedAfter(w, i)) continue;
      const found = await this.#read(w.kind, w.name, w.namespace);
      if (!found) out.push(`${w.verb} ${id(w)}: the object is gone`);
      else if (w.verb === 'create' && w.uid && found.metadata.uid !== w.uid)
        out.push(`create ${id(w)}: uid ${found.metadata.uid} is not the acknowledged ${w.uid}`);
      else if (w.expect && !holds(found, w.expect) && !this.#patchedLater(w, i))
        out.push(`${w.verb} ${id(w)}: the acknowledged fields are not there`);
    }
    return out;
  }

  /** Whether a later acknowledged patch of the same object may have changed what `w` wrote. */
  #patchedLater(w: AckedWrite, index: number): boolean {
    return this.acked.some(
      (o, j) => j > index && o.verb === 'patch' && o.kind === w.kind && o.name === w.name,
    );
  }
}
