/**
 * Kubernetes' serialisations of a point in time, and the only place that turns epoch milliseconds into them:
 * metav1.Time (RFC 3339 to the second: creationTimestamp, deletionTimestamp, conditions, container states),
 * metav1.MicroTime (six fractional digits: a Lease's acquire and renew times), RFC 3339 to the millisecond (what
 * kovn writes on its Events and Subnet/Vpc conditions), and a `Date` for libraries that take one (certificate
 * validity). The instant always comes from the caller, read from its `Clock` (clock.ts): nothing here reads the
 * wall clock.
 */

/** metav1.Time: RFC 3339 in UTC, the fraction dropped (`2026-01-02T03:04:05Z`). */
export function metaTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** metav1.MicroTime: RFC 3339 in UTC with six fractional digits (`2026-01-02T03:04:05.678000Z`). */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}

/** RFC 3339 in UTC to the millisecond (`2026-01-02T03:04:05.678Z`), as `Date.prototype.toISOString` writes it. */
export function milliTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** The `Date` at `ms` since the epoch, for an API that takes a Date. */
export function dateAt(ms: number): Date {
  return new Date(ms);
}
