/**
 * The allocator of one subnet (keyed by subnet name): per-owner IPs (one per family) and MAC with Kube-OVN's
 * semantics — lowest free address first, released addresses reused only after the free list is exhausted,
 * idempotent per owner, static IPs (excluded ones allowed, the gateway refused), static and generated MACs,
 * spec updates that keep assignments, and status. Every allocation is validated fully before anything changes.
 */
import { formatIp, type Family } from '../net/ip.ts';
import { FamilyPool } from './family-pool.ts';
import { cryptoRandom, generateMac, type RandomBytes } from './mac.ts';
import { parseRequest, type ParsedRequest, type StaticIp } from './request.ts';
import { computeStatus, statusPatchBody, type ComputedStatus } from './status.ts';
import {
  parseSubnetSpec,
  sameFamilyConfig,
  type ParsedSubnetSpec,
  type SpecIssue,
  type SubnetSpec,
} from './subnet-spec.ts';
import type {
  AllocateFailure,
  AllocateRequest,
  AllocateResult,
  Allocation,
  SubnetIpCounts,
  SubnetIpStatus,
} from './types.ts';

interface OwnerRecord {
  v4?: bigint;
  v6?: bigint;
  mac: string;
}

export interface SubnetOptions {
  /** Randomness for MAC generation (default: crypto). */
  random?: RandomBytes;
}

export type SubnetResult =
  | { ok: true; subnet: SubnetAllocator; issues: SpecIssue[] }
  | { ok: false; reason: 'CIDRInvalid'; message: string };

export type UpdateResult =
  | {
      ok: true;
      issues: SpecIssue[];
      /** Owners left without any address because their only family was removed from the CIDR. */
      dropped: string[];
    }
  | { ok: false; reason: 'CIDRInvalid'; message: string };

export interface RestoreEntry {
  owner: string;
  ips: string | readonly string[];
  mac?: string | undefined;
}

export interface RestoreIssue {
  owner: string;
  failure: AllocateFailure;
}

const FAMILIES: readonly Family[] = [4, 6];
const key = (family: Family): 'v4' | 'v6' => (family === 4 ? 'v4' : 'v6');
const ascending = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

export class SubnetAllocator {
  #spec: ParsedSubnetSpec;
  readonly #pools: Partial<Record<Family, FamilyPool>> = {};
  readonly #owners = new Map<string, OwnerRecord>();
  readonly #ipOwner: Record<Family, Map<bigint, string>> = { 4: new Map(), 6: new Map() };
  readonly #macOwner = new Map<string, string>();
  readonly #random: RandomBytes;

  private constructor(spec: ParsedSubnetSpec, random: RandomBytes) {
    this.#spec = spec;
    this.#random = random;
    for (const family of FAMILIES) {
      const config = spec[key(family)];
      if (config) this.#pools[family] = new FamilyPool(config);
    }
  }

  static create(spec: SubnetSpec, options: SubnetOptions = {}): SubnetResult {
    const parsed = parseSubnetSpec(spec);
    if (!parsed.ok) return parsed;
    return {
      ok: true,
      subnet: new SubnetAllocator(parsed.spec, options.random ?? cryptoRandom),
      issues: parsed.spec.issues,
    };
  }

  get name(): string {
    return this.#spec.name;
  }

  get spec(): ParsedSubnetSpec {
    return this.#spec;
  }

  pool(family: Family): FamilyPool | undefined {
    return this.#pools[family];
  }

  /**
   * Applies a changed spec. A family whose CIDR, gateway and reserved set are unchanged keeps its pool (released list
   * included); a changed family is rebuilt with every assignment kept — addresses now excluded or outside the CIDR
   * stay with their owner and are dropped, not recycled, on release. A family removed from the CIDR is dropped from
   * every owner.
   */
  update(spec: SubnetSpec): UpdateResult {
    if (spec.name !== this.#spec.name)
      throw new Error(`update of subnet ${this.#spec.name} with spec of ${spec.name}`);
    const parsed = parseSubnetSpec(spec);
    if (!parsed.ok) return parsed;
    const dropped: string[] = [];
    for (const family of FAMILIES) {
      const config = parsed.spec[key(family)];
      const pool = this.#pools[family];
      if (!config) {
        if (pool) dropped.push(...this.#dropFamily(family));
      } else if (!pool || !sameFamilyConfig(pool.config, config)) {
        this.#pools[family] = new FamilyPool(config, [...this.#ipOwner[family].keys()].sort(ascending));
      }
    }
    this.#spec = parsed.spec;
    return { ok: true, issues: parsed.spec.issues, dropped };
  }

  allocate(owner: string, request: AllocateRequest = {}): AllocateResult {
    const parsed = parseRequest(request);
    if (!parsed.ok) return parsed;
    const refused = this.#check(owner, parsed);
    if (refused) return refused;
    const existing = this.#owners.get(owner);
    for (const [family, pool] of this.#poolEntries()) {
      if (parsed.ips[family] || existing?.[key(family)] !== undefined || pool.peekDynamic() !== undefined)
        continue;
      return {
        ok: false,
        reason: 'NoAvailableAddress',
        family,
        message: `no available IPv${family} address in subnet ${this.name}`,
      };
    }

    const record: OwnerRecord = existing ? { ...existing } : { mac: '' };
    let changed = !existing;
    for (const [family, pool] of this.#poolEntries()) {
      const old = record[key(family)];
      const wanted = parsed.ips[family]?.value;
      if (wanted === undefined ? old !== undefined : old === wanted) continue;
      let ip: bigint;
      if (wanted === undefined) ip = pool.takeDynamic()!;
      else {
        pool.takeStatic(wanted);
        ip = wanted;
      }
      record[key(family)] = ip;
      this.#ipOwner[family].set(ip, owner);
      if (old !== undefined) {
        this.#ipOwner[family].delete(old);
        pool.giveBack(old);
      }
      changed = true;
    }
    if (parsed.mac !== undefined && parsed.mac !== record.mac) {
      if (record.mac) this.#macOwner.delete(record.mac);
      record.mac = parsed.mac;
      changed = true;
    } else if (!record.mac) {
      record.mac = generateMac(
        this.#random,
        (mac) => this.#macOwner.has(mac) || this.#spec.reservedMacs.has(mac),
      );
      changed = true;
    }
    this.#macOwner.set(record.mac, owner);
    this.#owners.set(owner, record);
    return { ok: true, allocation: this.#toAllocation(owner, record), changed };
  }

  /** Releases everything the owner holds; false if it held nothing. */
  release(owner: string): boolean {
    const record = this.#owners.get(owner);
    if (!record) return false;
    for (const family of FAMILIES) {
      const ip = record[key(family)];
      if (ip === undefined) continue;
      this.#ipOwner[family].delete(ip);
      this.#pools[family]?.giveBack(ip);
    }
    this.#macOwner.delete(record.mac);
    this.#owners.delete(owner);
    return true;
  }

  get(owner: string): Allocation | undefined {
    const record = this.#owners.get(owner);
    return record && this.#toAllocation(owner, record);
  }

  owners(): IterableIterator<string> {
    return this.#owners.keys();
  }

  get ownerCount(): number {
    return this.#owners.size;
  }

  /** Who holds this address in this subnet (undefined for a malformed address). */
  ownerOfIp(ip: string): string | undefined {
    const parsed = parseRequest({ ips: ip });
    if (!parsed.ok) return undefined;
    for (const family of FAMILIES) {
      const wanted = parsed.ips[family];
      if (wanted) return this.#ipOwner[family].get(wanted.value);
    }
    return undefined;
  }

  /** Who holds this MAC in this subnet. */
  ownerOfMac(mac: string): string | undefined {
    const parsed = parseRequest({ mac });
    return parsed.ok && parsed.mac !== undefined ? this.#macOwner.get(parsed.mac) : undefined;
  }

  /**
   * Restores recorded allocations in bulk (controller restart): every recorded address is placed first (one linear
   * pass per list), then missing families and MACs are filled dynamically. Entries that conflict with what is already
   * placed (or are invalid) are skipped and reported.
   */
  restore(entries: readonly RestoreEntry[]): RestoreIssue[] {
    const issues: RestoreIssue[] = [];
    const placed: Record<Family, bigint[]> = { 4: [], 6: [] };
    const toFill: string[] = [];
    const again: RestoreEntry[] = [];
    for (const entry of entries) {
      if (this.#owners.has(entry.owner)) {
        again.push(entry); // an owner already present goes through allocate, once everything is placed
        continue;
      }
      const parsed = parseRequest({ ips: entry.ips, mac: entry.mac });
      const refused = parsed.ok ? this.#check(entry.owner, parsed) : parsed;
      if (refused || !parsed.ok) {
        if (refused) issues.push({ owner: entry.owner, failure: refused });
        continue;
      }
      const record: OwnerRecord = { mac: parsed.mac ?? '' };
      for (const family of FAMILIES) {
        const ip = parsed.ips[family]?.value;
        if (ip === undefined) continue;
        record[key(family)] = ip;
        this.#ipOwner[family].set(ip, entry.owner);
        placed[family].push(ip);
      }
      if (record.mac) this.#macOwner.set(record.mac, entry.owner);
      this.#owners.set(entry.owner, record);
      if (!record.mac || FAMILIES.some((f) => this.#pools[f] && record[key(f)] === undefined))
        toFill.push(entry.owner);
    }
    for (const [family, pool] of this.#poolEntries()) pool.takeStaticBulk(placed[family].sort(ascending));
    for (const entry of again) {
      const result = this.allocate(entry.owner, { ips: entry.ips, mac: entry.mac });
      if (!result.ok) issues.push({ owner: entry.owner, failure: result });
    }
    for (const owner of toFill) {
      const result = this.allocate(owner);
      if (!result.ok) issues.push({ owner, failure: result });
    }
    return issues;
  }

  computeStatus(): ComputedStatus {
    return computeStatus(this.#pools[4], this.#pools[6]);
  }

  /** Kube-OVN status fields; counts beyond 2^53 (IPv6) are rounded here — use `counts()` or `statusPatch()`. */
  status(): SubnetIpStatus {
    return this.computeStatus().status;
  }

  counts(): SubnetIpCounts {
    return this.computeStatus().counts;
  }

  /** `{status: {...}}` whose JSON.stringify writes exact counters, for a status merge patch. */
  statusPatch(): { status: Record<string, unknown> } {
    return statusPatchBody(this.computeStatus());
  }

  /** Validation shared by allocate and restore: static IPs and MAC against the pools and other owners. */
  #check(owner: string, request: ParsedRequest): AllocateFailure | undefined {
    for (const family of FAMILIES) {
      const wanted = request.ips[family];
      if (wanted) {
        const refused = this.#checkStatic(owner, family, wanted);
        if (refused) return refused;
      }
    }
    const mac = request.mac;
    if (mac === undefined) return undefined;
    if (this.#spec.reservedMacs.has(mac)) {
      return {
        ok: false,
        reason: 'MacReserved',
        mac,
        message: `mac ${mac} is reserved in subnet ${this.name}`,
      };
    }
    const holder = this.#macOwner.get(mac);
    if (holder !== undefined && holder !== owner) {
      return {
        ok: false,
        reason: 'MacConflict',
        mac,
        owner: holder,
        message: `mac ${mac} has been allocated to ${holder}`,
      };
    }
    return undefined;
  }

  #checkStatic(owner: string, family: Family, wanted: StaticIp): AllocateFailure | undefined {
    const pool = this.#pools[family];
    const ip = wanted.text;
    if (!pool || !pool.isUsable(wanted.value)) {
      return {
        ok: false,
        reason: 'AddressOutOfRange',
        ip,
        message: `ip ${ip} is out of range of subnet ${this.name}`,
      };
    }
    if (wanted.value === pool.config.gateway) {
      return {
        ok: false,
        reason: 'GatewayConflict',
        ip,
        message: `ip ${ip} is the gateway of subnet ${this.name}`,
      };
    }
    const holder = this.#ipOwner[family].get(wanted.value);
    if (holder !== undefined && holder !== owner) {
      return {
        ok: false,
        reason: 'AddressConflict',
        ip,
        owner: holder,
        message: `ip ${ip} has been allocated to ${holder}`,
      };
    }
    return undefined;
  }

  /** Removes a family from every owner; returns the owners left with nothing (removed too). */
  #dropFamily(family: Family): string[] {
    const dropped: string[] = [];
    for (const owner of this.#ipOwner[family].values()) {
      const record = this.#owners.get(owner);
      if (!record) continue;
      delete record[key(family)];
      if (record.v4 === undefined && record.v6 === undefined) {
        this.#macOwner.delete(record.mac);
        this.#owners.delete(owner);
        dropped.push(owner);
      }
    }
    this.#ipOwner[family].clear();
    delete this.#pools[family];
    return dropped;
  }

  #poolEntries(): [Family, FamilyPool][] {
    return FAMILIES.flatMap((family) => {
      const pool = this.#pools[family];
      return pool ? [[family, pool] as [Family, FamilyPool]] : [];
    });
  }

  #toAllocation(owner: string, record: OwnerRecord): Allocation {
    const allocation: Allocation = { subnet: this.name, owner, ipAddress: '', mac: record.mac };
    if (record.v4 !== undefined) allocation.v4 = formatIp(4, record.v4);
    if (record.v6 !== undefined) allocation.v6 = formatIp(6, record.v6);
    allocation.ipAddress = [allocation.v4, allocation.v6].filter((ip) => ip !== undefined).join(',');
    return allocation;
  }
}
