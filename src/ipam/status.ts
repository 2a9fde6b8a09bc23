/**
 * Subnet status counters and range strings from the family pools, as Kube-OVN reports them:
 * using = assigned addresses outside excludeIps/gateway; available = usable − excluded − using; range strings
 * of the same sets. Also the exact JSON body for a status merge patch (IPv6 counts exceed 2^53; Kube-OVN writes
 * them as exact JSON integers, and so does `statusPatchBody`).
 */
import type { FamilyPool } from './family-pool.ts';
import { formatRangeString } from './range-text.ts';
import type { SubnetIpCounts, SubnetIpStatus } from './types.ts';

export interface ComputedStatus {
  status: SubnetIpStatus;
  counts: SubnetIpCounts;
}

export function computeStatus(v4: FamilyPool | undefined, v6: FamilyPool | undefined): ComputedStatus {
  const part = (pool: FamilyPool | undefined) => {
    if (!pool) return { available: 0n, using: 0n, availableRange: '', usingRange: '' };
    const available = pool.available();
    const using = pool.usingUnreserved();
    return {
      available: available.size(),
      using: using.size(),
      availableRange: formatRangeString(pool.family, available),
      usingRange: formatRangeString(pool.family, using),
    };
  };
  const a = part(v4);
  const b = part(v6);
  return {
    counts: { v4available: a.available, v4using: a.using, v6available: b.available, v6using: b.using },
    status: {
      v4availableIPs: Number(a.available),
      v4usingIPs: Number(a.using),
      v6availableIPs: Number(b.available),
      v6usingIPs: Number(b.using),
      v4availableIPrange: a.availableRange,
      v4usingIPrange: a.usingRange,
      v6availableIPrange: b.availableRange,
      v6usingIPrange: b.usingRange,
    },
  };
}

/** Node's JSON.rawJSON (V8 ≥ 11.4), not yet in TypeScript's lib. */
const rawJSON = (JSON as unknown as { rawJSON: (text: string) => unknown }).rawJSON;

/** A JSON number that stays exact through JSON.stringify, even beyond 2^53. */
const exactNumber = (n: bigint): unknown =>
  n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : rawJSON(n.toString());

/**
 * `{status: {...}}` for a merge patch of the Subnet status subresource: JSON.stringify of it writes the counters as
 * exact integers, as Kube-OVN's BigInt does.
 */
export function statusPatchBody({ status, counts }: ComputedStatus): { status: Record<string, unknown> } {
  return {
    status: {
      v4availableIPs: exactNumber(counts.v4available),
      v4availableIPrange: status.v4availableIPrange,
      v4usingIPs: exactNumber(counts.v4using),
      v4usingIPrange: status.v4usingIPrange,
      v6availableIPs: exactNumber(counts.v6available),
      v6availableIPrange: status.v6availableIPrange,
      v6usingIPs: exactNumber(counts.v6using),
      v6usingIPrange: status.v6usingIPrange,
    },
  };
}
