/**
 * Sorted, merged sets of bigint addresses stored as inclusive ranges (one family per set). Set algebra
 * (union/subtract/intersect/clip/clone) returns new sets; `add`/`remove`/`takeFirst` mutate in place and are
 * meant for the allocator that owns the set. Costs are per range, never per address, so a /16 or an IPv6
 * /64 is one entry.
 */

export interface Range {
  readonly start: bigint;
  readonly end: bigint;
}

export class RangeSet {
  #ranges: Range[];

  private constructor(ranges: Range[]) {
    this.#ranges = ranges;
  }

  static empty(): RangeSet {
    return new RangeSet([]);
  }

  /** One range `start..end` (empty if start > end). */
  static of(start: bigint, end: bigint): RangeSet {
    return new RangeSet(start <= end ? [{ start, end }] : []);
  }

  /** Any ranges, in any order, overlapping or touching: sorted and merged. Reversed ranges are ignored. */
  static fromRanges(ranges: Iterable<Range>): RangeSet {
    const sorted = [...ranges].filter((r) => r.start <= r.end).sort((a, b) => cmp(a.start, b.start));
    const out: Range[] = [];
    for (const r of sorted) {
      const last = out[out.length - 1];
      if (last && r.start <= last.end + 1n) {
        if (r.end > last.end) out[out.length - 1] = { start: last.start, end: r.end };
      } else out.push(r);
    }
    return new RangeSet(out);
  }

  /** Ascending values (duplicates allowed) in one pass: the fast path for rebuilding state. */
  static fromSortedValues(values: readonly bigint[]): RangeSet {
    const out: Range[] = [];
    let start: bigint | undefined;
    let end = 0n;
    for (const v of values) {
      if (start !== undefined && v <= end + 1n) {
        if (v < end) throw new Error('fromSortedValues: values are not ascending');
        end = v;
        continue;
      }
      if (start !== undefined) out.push({ start, end });
      start = v;
      end = v;
    }
    if (start !== undefined) out.push({ start, end });
    return new RangeSet(out);
  }

  get isEmpty(): boolean {
    return this.#ranges.length === 0;
  }

  get rangeCount(): number {
    return this.#ranges.length;
  }

  ranges(): readonly Range[] {
    return this.#ranges;
  }

  /** Number of addresses. */
  size(): bigint {
    let n = 0n;
    for (const r of this.#ranges) n += r.end - r.start + 1n;
    return n;
  }

  first(): bigint | undefined {
    return this.#ranges[0]?.start;
  }

  last(): bigint | undefined {
    return this.#ranges[this.#ranges.length - 1]?.end;
  }

  contains(v: bigint): boolean {
    const i = this.#indexOf(v);
    const r = this.#ranges[i];
    return r !== undefined && r.start <= v;
  }

  /** Adds one address; false if it was already present. */
  add(v: bigint): boolean {
    const rs = this.#ranges;
    const i = this.#indexOf(v); // first range with end >= v
    const next = rs[i];
    if (next && next.start <= v) return false;
    const prev = rs[i - 1];
    const joinsPrev = prev !== undefined && prev.end + 1n === v;
    const joinsNext = next !== undefined && next.start - 1n === v;
    if (joinsPrev && joinsNext) rs.splice(i - 1, 2, { start: prev.start, end: next.end });
    else if (joinsPrev) rs[i - 1] = { start: prev.start, end: v };
    else if (joinsNext) rs[i] = { start: v, end: next.end };
    else rs.splice(i, 0, { start: v, end: v });
    return true;
  }

  /** Removes one address; false if it was absent. */
  remove(v: bigint): boolean {
    const rs = this.#ranges;
    const i = this.#indexOf(v);
    const r = rs[i];
    if (!r || r.start > v) return false;
    if (r.start === v && r.end === v) rs.splice(i, 1);
    else if (r.start === v) rs[i] = { start: v + 1n, end: r.end };
    else if (r.end === v) rs[i] = { start: r.start, end: v - 1n };
    else rs.splice(i, 1, { start: r.start, end: v - 1n }, { start: v + 1n, end: r.end });
    return true;
  }

  /** Removes and returns the lowest address. */
  takeFirst(): bigint | undefined {
    const r = this.#ranges[0];
    if (!r) return undefined;
    if (r.start === r.end) this.#ranges.shift();
    else this.#ranges[0] = { start: r.start + 1n, end: r.end };
    return r.start;
  }

  clone(): RangeSet {
    return new RangeSet(this.#ranges.slice());
  }

  union(other: RangeSet): RangeSet {
    if (other.isEmpty) return this.clone();
    if (this.isEmpty) return other.clone();
    return RangeSet.fromRanges([...this.#ranges, ...other.#ranges]);
  }

  /** Addresses in this set but not in `other` (one linear merge). */
  subtract(other: RangeSet): RangeSet {
    const out: Range[] = [];
    const xs = other.#ranges;
    let j = 0;
    for (const r of this.#ranges) {
      let start = r.start;
      while (j < xs.length && xs[j]!.end < start) j++;
      let k = j;
      while (k < xs.length && xs[k]!.start <= r.end) {
        const x = xs[k]!;
        if (x.start > start) out.push({ start, end: x.start - 1n });
        start = x.end + 1n;
        if (x.end >= r.end) break;
        k++;
      }
      if (start <= r.end) out.push({ start, end: r.end });
    }
    return new RangeSet(out);
  }

  intersect(other: RangeSet): RangeSet {
    return this.subtract(this.subtract(other));
  }

  /** The part inside `first..last`. */
  clip(first: bigint, last: bigint): RangeSet {
    return this.intersect(RangeSet.of(first, last));
  }

  equals(other: RangeSet): boolean {
    const a = this.#ranges;
    const b = other.#ranges;
    return a.length === b.length && a.every((r, i) => r.start === b[i]!.start && r.end === b[i]!.end);
  }

  /** Index of the first range whose end is >= v (ranges.length if none). */
  #indexOf(v: bigint): number {
    const rs = this.#ranges;
    let lo = 0;
    let hi = rs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (rs[mid]!.end < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

const cmp = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);
