/**
 * Kube-OVN's `excludeIps` notation: each item is a single address or an inclusive range `start..end` of one family.
 * Parsing reports bad items instead of throwing; `normalizeExcludeIps` merges overlapping items (adjacent ones stay
 * apart) and sorts the written items as strings, the form Kube-OVN's `formatExcludeIPs` writes back into the Subnet
 * spec (pkg/controller/subnet.go: `filterRepeatIPRange`, then `sort.Strings`, so `10.0.1.100` sorts before
 * `10.0.1.20`: a list read back from Kube-OVN is kept as it is).
 */
import { formatIp, parseIp, type Family } from './ip.ts';

export interface IpRange {
  family: Family;
  start: bigint;
  end: bigint;
}

export type ParsedItem = { ok: true; range: IpRange } | { ok: false; reason: string };

export function parseExcludeItem(item: string): ParsedItem {
  if (item !== item.toLowerCase()) return { ok: false, reason: 'must be lower case' };
  const parts = item.split('..');
  if (parts.length > 2)
    return { ok: false, reason: 'is not a valid ip range (use a single IP or start..end)' };
  const start = parseIp(parts[0] ?? '');
  const end = parts.length === 2 ? parseIp(parts[1] ?? '') : start;
  if (!start || !end) {
    const bad = !start ? parts[0] : parts[1];
    return { ok: false, reason: `${JSON.stringify(bad)} is not a valid IP address` };
  }
  if (start.family !== end.family)
    return { ok: false, reason: 'both ends of a range must be of the same IP family' };
  if (start.value > end.value) return { ok: false, reason: 'the start of the range is after its end' };
  return { ok: true, range: { family: start.family, start: start.value, end: end.value } };
}

/** Sorts (IPv4 first) and merges overlapping ranges. */
export function mergeRanges(ranges: readonly IpRange[]): IpRange[] {
  const sorted = [...ranges].sort((a, b) =>
    a.family !== b.family ? a.family - b.family : a.start < b.start ? -1 : a.start > b.start ? 1 : 0,
  );
  const out: IpRange[] = [];
  for (const range of sorted) {
    const last = out.at(-1);
    if (last && last.family === range.family && range.start <= last.end) {
      if (range.end > last.end) last.end = range.end;
    } else {
      out.push({ ...range });
    }
  }
  return out;
}

export const formatRange = (r: IpRange): string =>
  r.start === r.end
    ? formatIp(r.family, r.start)
    : `${formatIp(r.family, r.start)}..${formatIp(r.family, r.end)}`;

export const rangeCovers = (ranges: readonly IpRange[], family: Family, value: bigint): boolean =>
  ranges.some((r) => r.family === family && r.start <= value && value <= r.end);

/** Go's `sort.Strings` order (byte order; the items are ASCII). */
const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The excludeIps list as Kube-OVN writes it back: the given addresses (`mustInclude`, e.g. the gateways) added
 * when no item covers them, overlaps merged, sorted as strings. Unparseable items are kept verbatim, last
 * (validation reports them).
 */
export function normalizeExcludeIps(
  items: readonly string[],
  mustInclude: readonly { family: Family; value: bigint }[],
): string[] {
  const ranges: IpRange[] = [];
  const bad: string[] = [];
  for (const item of items) {
    const parsed = parseExcludeItem(item);
    if (parsed.ok) ranges.push(parsed.range);
    else bad.push(item);
  }
  for (const ip of mustInclude) {
    if (!rangeCovers(ranges, ip.family, ip.value))
      ranges.push({ family: ip.family, start: ip.value, end: ip.value });
  }
  return [...mergeRanges(ranges).map(formatRange).sort(byteOrder), ...bad];
}
