/**
 * Who holds what inside one subnet: each owner's record (one address per family and a MAC) with reverse indexes
 * address → owner (per family: IPv4 and IPv6 values may be numerically equal) and MAC → owner, kept in step.
 */
import { formatIp, type Family } from '../net/ip.ts';
import type { Allocation } from './types.ts';

export interface OwnerRecord {
  v4?: bigint;
  v6?: bigint;
  /** "" only transiently, before a MAC is chosen. */
  mac: string;
}

export const FAMILIES: readonly Family[] = [4, 6];
export const familyKey = (family: Family): 'v4' | 'v6' => (family === 4 ? 'v4' : 'v6');
export const ascending = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

export class OwnerBook {
  readonly #records = new Map<string, OwnerRecord>();
  readonly #ipOwner: Record<Family, Map<bigint, string>> = { 4: new Map(), 6: new Map() };
  readonly #macOwner = new Map<string, string>();

  get(owner: string): Readonly<OwnerRecord> | undefined {
    return this.#records.get(owner);
  }

  has(owner: string): boolean {
    return this.#records.has(owner);
  }

  owners(): IterableIterator<string> {
    return this.#records.keys();
  }

  get size(): number {
    return this.#records.size;
  }

  holderOfIp(family: Family, ip: bigint): string | undefined {
    return this.#ipOwner[family].get(ip);
  }

  holderOfMac(mac: string): string | undefined {
    return this.#macOwner.get(mac);
  }

  /** Stores the owner's record, moving the reverse indexes from its previous record. */
  set(owner: string, record: OwnerRecord): void {
    const old = this.#records.get(owner);
    for (const family of FAMILIES) {
      const before = old?.[familyKey(family)];
      const after = record[familyKey(family)];
      if (before === after) continue;
      if (before !== undefined) this.#ipOwner[family].delete(before);
      if (after !== undefined) this.#ipOwner[family].set(after, owner);
    }
    if (old?.mac && old.mac !== record.mac) this.#macOwner.delete(old.mac);
    if (record.mac) this.#macOwner.set(record.mac, owner);
    this.#records.set(owner, { ...record });
  }

  /** Forgets the owner; returns what it held. */
  delete(owner: string): OwnerRecord | undefined {
    const record = this.#records.get(owner);
    if (!record) return undefined;
    for (const family of FAMILIES) {
      const ip = record[familyKey(family)];
      if (ip !== undefined) this.#ipOwner[family].delete(ip);
    }
    this.#macOwner.delete(record.mac);
    this.#records.delete(owner);
    return record;
  }

  /** Every address held in the family, ascending. */
  assigned(family: Family): bigint[] {
    return [...this.#ipOwner[family].keys()].sort(ascending);
  }

  /** Removes the family from every owner; owners left with nothing are forgotten and returned. */
  dropFamily(family: Family): string[] {
    const dropped: string[] = [];
    for (const owner of this.#ipOwner[family].values()) {
      const record = this.#records.get(owner);
      if (!record) continue;
      delete record[familyKey(family)];
      if (record.v4 === undefined && record.v6 === undefined) {
        this.#macOwner.delete(record.mac);
        this.#records.delete(owner);
        dropped.push(owner);
      }
    }
    this.#ipOwner[family].clear();
    return dropped;
  }
}

export function toAllocation(subnet: string, owner: string, record: Readonly<OwnerRecord>): Allocation {
  const allocation: Allocation = { subnet, owner, ipAddress: '', mac: record.mac };
  if (record.v4 !== undefined) allocation.v4 = formatIp(4, record.v4);
  if (record.v6 !== undefined) allocation.v6 = formatIp(6, record.v6);
  allocation.ipAddress = [allocation.v4, allocation.v6].filter((ip) => ip !== undefined).join(',');
  return allocation;
}
