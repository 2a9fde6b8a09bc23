/**
 * Kube-OVN's text forms of address sets: `excludeIps` items (`ip` or `start..end`, inclusive) parsed into
 * per-family range sets clipped to each CIDR's usable range, the sorted/merged `excludeIps` list the controller
 * writes back, and the status range strings (`10.0.1.2-10.0.1.9,10.0.1.12`).
 */
import { formatIp, usableRange, type Cidr, type Family } from '../net/ip.ts';
import { RangeSet } from './range-set.ts';
import { parseExcludeItem as parseItem } from '../net/exclude-ips.ts';

export interface ExcludeIssue {
  item: string;
  /** `invalid`: malformed item (reported, never thrown); `outside`: valid but no part of it is usable in any CIDR. */
  kind: 'invalid' | 'outside';
  message: string;
}

export interface ParsedExcludeIps {
  v4: RangeSet;
  v6: RangeSet;
  issues: ExcludeIssue[];
}

type ItemParse = { ok: true; family: Family; start: bigint; end: bigint } | { ok: false; message: string };

/** One `excludeIps` item, unclipped (the notation itself is parsed in src/net/exclude-ips.ts). */
export function parseExcludeItem(item: string): ItemParse {
  const parsed = parseItem(item);
  if (!parsed.ok) return { ok: false, message: `${item} in excludeIps: ${parsed.reason}` };
  return { ok: true, family: parsed.range.family, start: parsed.range.start, end: parsed.range.end };
}

/**
 * Parses `excludeIps` against the subnet's CIDRs (one per family): each item is clipped to the usable range of the
 * CIDR of its family; overlapping and unsorted items merge. Invalid items are reported and skipped.
 */
export function parseExcludeIps(items: readonly string[], cidrs: readonly Cidr[]): ParsedExcludeIps {
  const ranges: Record<Family, { start: bigint; end: bigint }[]> = { 4: [], 6: [] };
  const issues: ExcludeIssue[] = [];
  for (const item of items) {
    const parsed = parseExcludeItem(item);
    if (!parsed.ok) {
      issues.push({ item, kind: 'invalid', message: parsed.message });
      continue;
    }
    const cidr = cidrs.find((c) => c.family === parsed.family);
    const usable = cidr && usableRange(cidr);
    const start = usable && (parsed.start > usable.first ? parsed.start : usable.first);
    const end = usable && (parsed.end < usable.last ? parsed.end : usable.last);
    if (start === undefined || end === undefined || start > end) {
      issues.push({ item, kind: 'outside', message: `CIDR does not contain the exclude ip ${item}` });
      continue;
    }
    ranges[parsed.family].push({ start, end });
  }
  return { v4: RangeSet.fromRanges(ranges[4]), v6: RangeSet.fromRanges(ranges[6]), issues };
}

/** Kube-OVN status range string: comma list of `a-b` ranges or single addresses; "" when empty. */
export function formatRangeString(family: Family, set: RangeSet): string {
  return set
    .ranges()
    .map((r) =>
      r.start === r.end
        ? formatIp(family, r.start)
        : `${formatIp(family, r.start)}-${formatIp(family, r.end)}`,
    )
    .join(',');
}

/** The set as `excludeIps` items (`a..b` or `a`), sorted and merged, as the controller writes them back. */
export function formatExcludeItems(family: Family, set: RangeSet): string[] {
  return set
    .ranges()
    .map((r) =>
      r.start === r.end
        ? formatIp(family, r.start)
        : `${formatIp(family, r.start)}..${formatIp(family, r.end)}`,
    );
}
