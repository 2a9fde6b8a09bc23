/**
 * One family's address pool inside a subnet, with Kube-OVN's ordering: dynamic allocation takes the lowest
 * address of the free list; released addresses wait in a released list that becomes the free list only when the
 * free list is exhausted. Invariant: free, released and (using \ reserved) partition usable \ reserved.
 */
import type { Family } from '../net/ip.ts';
import { RangeSet } from './range-set.ts';
import type { FamilyConfig } from './subnet-spec.ts';

export class FamilyPool {
  readonly config: FamilyConfig;
  /** Never handed out dynamically: excludeIps ∪ gateway. */
  readonly reserved: RangeSet;
  #free: RangeSet;
  #released: RangeSet;
  /** Assigned addresses inside the usable range (statically assigned reserved ones included). */
  #using: RangeSet;

  /** `assigned`: ascending addresses already held by owners (any, those outside the usable range are ignored). */
  constructor(config: FamilyConfig, assigned: readonly bigint[] = []) {
    this.config = config;
    this.reserved = config.reserved;
    this.#using = RangeSet.fromSortedValues(assigned).clip(config.first, config.last);
    this.#free = RangeSet.of(config.first, config.last).subtract(this.reserved).subtract(this.#using);
    this.#released = RangeSet.empty();
  }

  get family(): Family {
    return this.config.family;
  }

  /** Inside first..last: the only addresses this pool accounts for. */
  isUsable(ip: bigint): boolean {
    return ip >= this.config.first && ip <= this.config.last;
  }

  /** The address the next dynamic allocation would return, without taking it. */
  peekDynamic(): bigint | undefined {
    return this.#free.first() ?? this.#released.first();
  }

  /** Takes the lowest free address; once the free list is empty the released list becomes the free list. */
  takeDynamic(): bigint | undefined {
    if (this.#free.isEmpty) {
      this.#free = this.#released;
      this.#released = RangeSet.empty();
    }
    const ip = this.#free.takeFirst();
    if (ip !== undefined) this.#using.add(ip);
    return ip;
  }

  /** Marks a usable address as assigned, wherever it currently is (free, released or reserved). */
  takeStatic(ip: bigint): void {
    if (!this.isUsable(ip)) return;
    if (!this.#free.remove(ip)) this.#released.remove(ip);
    this.#using.add(ip);
  }

  /**
   * Takes many ascending usable addresses at once (rebuild): one linear pass per list instead of one splice each.
   */
  takeStaticBulk(sorted: readonly bigint[]): void {
    const taken = RangeSet.fromSortedValues(sorted).clip(this.config.first, this.config.last);
    if (taken.isEmpty) return;
    this.#free = this.#free.subtract(taken);
    this.#released = this.#released.subtract(taken);
    this.#using = this.#using.union(taken);
  }

  /**
   * Returns an address: it goes to the released list unless it is reserved (now excluded) or outside the usable
   * range (CIDR changed), in which case it is only dropped from the using list.
   */
  giveBack(ip: bigint): void {
    if (!this.#using.remove(ip)) return;
    if (!this.reserved.contains(ip)) this.#released.add(ip);
  }

  /** Available addresses: free ∪ released (= usable \ reserved \ using). */
  available(): RangeSet {
    return this.#free.union(this.#released);
  }

  /** Assigned addresses that count as "using": outside the reserved set, as Kube-OVN reports them. */
  usingUnreserved(): RangeSet {
    return this.#using.subtract(this.reserved);
  }

  /** Free and released lists, for tests and diagnostics. */
  lists(): { free: RangeSet; released: RangeSet; using: RangeSet } {
    return { free: this.#free.clone(), released: this.#released.clone(), using: this.#using.clone() };
  }
}
