/**
 * MAC addresses for IPAM: parsing/normalising static MACs (lower-case, colon-separated, as Go's
 * net.HardwareAddr prints them) and generating random locally-administered unicast MACs from injected
 * randomness so tests and benchmarks are deterministic.
 */
import { randomBytes } from 'node:crypto';

/** Returns `n` random bytes. */
export type RandomBytes = (n: number) => Uint8Array;

export const cryptoRandom: RandomBytes = (n) => randomBytes(n);

/** A small deterministic generator (mulberry32) for tests and benchmarks. */
export function seededRandom(seed: number): RandomBytes {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = next() & 0xff;
    return out;
  };
}

const MAC_RE = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}$/i;

/** `aa:bb:cc:dd:ee:ff` or `AA-BB-…` → `aa:bb:cc:dd:ee:ff`; undefined if not a 6-byte MAC. */
export function normalizeMac(text: string): string | undefined {
  if (!MAC_RE.test(text)) return undefined;
  return text.toLowerCase().replaceAll('-', ':');
}

/** Each byte's two lower-case hex digits. */
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

export function formatMac(bytes: Uint8Array): string {
  if (bytes.length < 6) return Array.from(bytes, (b) => HEX[b]!).join(':');
  const [a, b, c, d, e, f] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!, bytes[4]!, bytes[5]!];
  return `${HEX[a]!}:${HEX[b]!}:${HEX[c]!}:${HEX[d]!}:${HEX[e]!}:${HEX[f]!}`;
}

const MAX_ATTEMPTS = 1000;

/**
 * A random locally-administered unicast MAC (`first & 0xfe | 0x02`) for which `taken` is false.
 * Throws only if the injected randomness keeps repeating taken values (a broken generator).
 */
export function generateMac(random: RandomBytes, taken: (mac: string) => boolean): string {
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    const bytes = random(6).slice(0, 6);
    if (bytes.length < 6) throw new Error('generateMac: random source returned fewer than 6 bytes');
    bytes[0] = (bytes[0]! & 0xfe) | 0x02;
    const mac = formatMac(bytes);
    if (!taken(mac)) return mac;
  }
  throw new Error(
    `generateMac: no unused MAC after ${MAX_ATTEMPTS} attempts; the random source is not random`,
  );
}
