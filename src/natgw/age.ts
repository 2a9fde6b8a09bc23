/**
 * The order a gateway decides in: live objects (no deletionTimestamp), oldest first (`creationTimestamp`, then
 * name), so that the first holder of an EIP or an identity keeps it whatever order the objects arrive in. Pure.
 */

/** The metadata the order reads. */
export type AgedObject = {
  metadata: { name?: string; creationTimestamp?: string; deletionTimestamp?: string };
};

export const nameOf = (o: AgedObject): string => o.metadata.name ?? '';

/** A comparator: negative when `a` is older than `b`. */
export const older = (a: AgedObject, b: AgedObject): number =>
  (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') ||
  nameOf(a).localeCompare(nameOf(b));

/** The objects not being deleted, oldest first (a new array). */
export const liveOldestFirst = <T extends AgedObject>(list: readonly T[]): T[] =>
  list.filter((o) => !o.metadata.deletionTimestamp).sort(older);
