/**
 * The one source of non-cryptographic randomness (retry jitter, generated name suffixes, ephemeral source ports).
 * Code that needs it takes a `Random` in its options, default `systemRandom`, so tests can fix the sequence.
 * Only this module calls `Math.random`. (Bytes for MAC addresses come from src/ipam/mac.ts's `RandomBytes`.)
 */

/** Returns a number in [0, 1), like `Math.random`. */
export type Random = () => number;

export const systemRandom: Random = () => Math.random();

/** An integer in [0, n), drawn from `random`. */
export function randomBelow(random: Random, n: number): number {
  return Math.floor(random() * n);
}
