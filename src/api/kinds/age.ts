/**
 * Which of two NAT objects came first: `creationTimestamp`, then name, compared by code unit (not by locale), so
 * that the controller's conflict report and the gateway's rule set agree on the first holder of an EIP or an
 * identity whatever order the objects arrive in. Live objects (no deletionTimestamp) oldest first is the order the
 * gateway decides in. Pure.
 */

/** The metadata the order reads. */
export type AgedObject = {
  metadata: { name?: string; creationTimestamp?: string; deletionTimestamp?: string };
};

export const nameOf = (o: AgedObject): string => o.metadata.name ?? '';

/** A comparator: negative when `a` is older than `b`. */
const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const older = (a: AgedObject, b: AgedObject): number =>
  byCodeUnit(a.metadata.creationTimestamp ?? '', b.metadata.creationTimestamp ?? '') ||
  byCodeUnit(nameOf(a), nameOf(b));

/** The objects not being deleted, oldest first (a new array). */
export const liveOldestFirst = <T extends AgedObject>(list: readonly T[]): T[] =>
  list.filter((o) => !o.metadata.deletionTimestamp).sort(older);
