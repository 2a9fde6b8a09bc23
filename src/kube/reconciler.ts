/**
 * The shape every per-kind reconciler has (guideline 1: level-triggered, keyed by name). `reconcile(key)` reads the
 * object from `ctx.view` (absent or with a deletionTimestamp means: clean up), reads actual state, and converges.
 * Return `{ requeueAfterMs }` to look again later; throw to retry with backoff; throw `TerminalError` for a problem
 * only a user edit can fix (not retried). `watches` maps other kinds' objects to keys of this kind (an EIP change
 * enqueues the NAT rules that use it), optionally only for updates that change what this kind reads.
 */
import type { Logger } from 'pino';
import type { ClusterView, KubeObject } from '../api/types.ts';
import type { Clock } from '../util/clock.ts';
import type { ObjectRef } from './queue/keys.ts';
import type { HandlerResult } from './queue/worker-pool.ts';

export type ReconcileResult = HandlerResult;

export interface ReconcileContext {
  key: string;
  ref: ObjectRef;
  /** The informer caches; never mutate what it returns. */
  view: ClusterView;
  /** A child logger bound to the key. */
  log: Logger;
  clock: Clock;
  /** Consecutive failures of this key before this attempt (0 on a first try). */
  attempt: number;
  /** Aborted when the manager stops without draining; long operations should give up. */
  signal: AbortSignal;
}

export interface WatchMapping {
  /** The kind whose changes matter to this reconciler. */
  kind: string;
  /** Keys (of the reconciler's kind) to enqueue for a changed object; on update, called for the old and new object. */
  map(obj: KubeObject, view: ClusterView): readonly string[];
  /**
   * On update, whether the change can matter to this reconciler (controller-runtime's update predicate); when it
   * returns false, `map` is not called. Adds and deletes are always mapped. Absent: every update matters.
   */
  changed?(obj: KubeObject, old: KubeObject): boolean;
  /**
   * On update, map only the new object: its keys do not depend on the old version (e.g. "every pending pod"), so
   * mapping both would do the same work twice. Absent: both are mapped.
   */
  newOnly?: boolean;
}

export interface Reconciler {
  kind: string;
  reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileResult>;
  watches?: readonly WatchMapping[];
  /**
   * Which objects of this kind this reconciler works on (controller-runtime's event filter): events of an object it
   * does not select (on update: whose new version it does not select) enqueue nothing, and `resyncAll` skips it.
   * Absent: every object. Watches are not filtered by it.
   */
  selects?(obj: KubeObject): boolean;
  /**
   * On an update of an object of this kind, whether it may need a reconcile (e.g. not the echo of this reconciler's
   * own write); when it returns false, the key is not enqueued. Adds and deletes always are. Absent: every update.
   */
  changed?(obj: KubeObject, old: KubeObject): boolean;
}
