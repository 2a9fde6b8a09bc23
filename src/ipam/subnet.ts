/**
 * The allocator of one subnet (keyed by subnet name): per-owner IPs (one per family) and MAC with Kube-OVN's
 * semantics — lowest free address first, released addresses reused only after the free list is exhausted,
 * idempotent per owner, static IPs (excluded ones allowed, the gateway refused), static and generated MACs,
 * spec updates that keep assignments, and status. Every allocation is validated fully before anything changes.
 */
import type { Family } from '../net/ip.ts';
import { FamilyPool } from './family-pool.ts';
import { cryptoRandom, generateMac, type RandomBytes } from './mac.ts';
import {
  ascending,
  FAMILIES,
  familyKey as key,
  OwnerBook,
  toAllocation,
  type OwnerRecord,
} from './owner-book.ts';
import { checkRequest, parseRequest, type CheckContext, type ParsedRequest } from './request.ts';
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

/** A copy the caller cannot change afterwards. */
const copySpec = (spec: SubnetSpec): SubnetSpec => ({
  ...spec,
  ...(spec.excludeIps ? { excludeIps: [...spec.excludeIps] } : {}),
  ...(spec.reservedMacs ? { reservedMacs: [...spec.reservedMacs] } : {}),
});

/** Whether two specs are the same input (parsing is deterministic, so they parse alike). */
function sameSpec(a: SubnetSpec, b: SubnetSpec): boolean {
  const sameList = (x: readonly string[] = [], y: readonly string[] = []) =>
    x.length === y.length && x.every((v, i) => v === y[i]);
  return (
    a.name === b.name &&
    a.cidrBlock === b.cidrBlock &&
    a.gateway === b.gateway &&
    sameList(a.excludeIps, b.excludeIps) &&
    sameList(a.reservedMacs, b.reservedMacs)
  );
}

export class SubnetAllocator {
  #spec: ParsedSubnetSpec;
  /** The spec last created or updated from, as given: an update with the same one changes nothing. */
  #input: SubnetSpec;
  readonly #pools: Partial<Record<Family, FamilyPool>> = {};
  readonly #book = new OwnerBook();
  readonly #random: RandomBytes;

  private constructor(input: SubnetSpec, spec: ParsedSubnetSpec, random: RandomBytes) {
    this.#input = input;
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
    const subnet = new SubnetAllocator(copySpec(spec), parsed.spec, options.random ?? cryptoRandom);
    return { ok: true, subnet, issues: parsed.spec.issues };
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
      throw new Error(`update of subnet ${this.name} with spec of ${spec.name}`);
    // A Subnet is reconciled again after every change of its counters, with the same spec.
    if (sameSpec(spec, this.#input)) return { ok: true, issues: this.#spec.issues, dropped: [] };
    const parsed = parseSubnetSpec(spec);
    if (!parsed.ok) return parsed;
    const dropped: string[] = [];
    for (const family of FAMILIES) {
      const config = parsed.spec[key(family)];
      const pool = this.#pools[family];
      if (!config) {
        if (pool) dropped.push(...this.#book.dropFamily(family));
        delete this.#pools[family];
      } else if (!pool || !sameFamilyConfig(pool.config, config)) {
        this.#pools[family] = new FamilyPool(config, this.#book.assigned(family));
      }
    }
    this.#spec = parsed.spec;
    this.#input = copySpec(spec);
    return { ok: true, issues: parsed.spec.issues, dropped };
  }

  /**
   * Gives the owner one address per family of the subnet and a MAC: what it already holds, the static values asked
   * for, and the lowest free addresses for the rest. Validated fully before anything changes.
   */
  allocate(owner: string, request: AllocateRequest = {}): AllocateResult {
    const parsed = parseRequest(request);
    if (!parsed.ok) return parsed;
    const refused = checkRequest(this.#context(), owner, parsed);
    if (refused) return refused;
    const existing = this.#book.get(owner);
    for (const [family, pool] of this.#poolEntries()) {
      if (parsed.ips[family] || existing?.[key(family)] !== undefined || pool.peekDynamic() !== undefined)
        continue;
      const message = `no available IPv${family} address in subnet ${this.name}`;
      return { ok: false, reason: 'NoAvailableAddress', family, message };
    }
    const record: OwnerRecord = existing ? { ...existing } : { mac: '' };
    const changed = this.#assign(record, parsed) || !existing;
    this.#book.set(owner, record);
    return { ok: true, allocation: toAllocation(this.name, owner, record), changed };
  }

  /** Releases everything the owner holds; false if it held nothing. */
  release(owner: string): boolean {
    const record = this.#book.delete(owner);
    if (!record) return false;
    for (const family of FAMILIES) {
      const ip = record[key(family)];
      if (ip !== undefined) this.#pools[family]?.giveBack(ip);
    }
    return true;
  }

  get(owner: string): Allocation | undefined {
    const record = this.#book.get(owner);
    return record && toAllocation(this.name, owner, record);
  }

  owners(): IterableIterator<string> {
    return this.#book.owners();
  }

  get ownerCount(): number {
    return this.#book.size;
  }

  /** Who holds this address in this subnet (undefined for a malformed address). */
  ownerOfIp(ip: string): string | undefined {
    const parsed = parseRequest({ ips: ip });
    if (!parsed.ok) return undefined;
    const family = FAMILIES.find((f) => parsed.ips[f]);
    return family && this.#book.holderOfIp(family, parsed.ips[family]!.value);
  }

  /** Who holds this MAC in this subnet. */
  ownerOfMac(mac: string): string | undefined {
    const parsed = parseRequest({ mac });
    return parsed.ok && parsed.mac !== undefined ? this.#book.holderOfMac(parsed.mac) : undefined;
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
    const ctx = this.#context();
    for (const entry of entries) {
      if (this.#book.has(entry.owner)) {
        again.push(entry); // an owner already present goes through allocate, once everything is placed
        continue;
      }
      const parsed = parseRequest({ ips: entry.ips, mac: entry.mac });
      const refused = parsed.ok ? checkRequest(ctx, entry.owner, parsed) : parsed;
      if (refused || !parsed.ok) {
        if (refused) issues.push({ owner: entry.owner, failure: refused });
        continue;
      }
      const record: OwnerRecord = { mac: parsed.mac ?? '' };
      for (const family of FAMILIES) {
        const ip = parsed.ips[family]?.value;
        if (ip === undefined) continue;
        record[key(family)] = ip;
        placed[family].push(ip);
      }
      this.#book.set(entry.owner, record);
      if (!record.mac || FAMILIES.some((f) => this.#pools[f] && record[key(f)] === undefined)) {
        toFill.push(entry.owner);
      }
    }
    for (const [family, pool] of this.#poolEntries()) pool.takeStaticBulk(placed[family].sort(ascending));
    const fill = (owner: string, request: AllocateRequest): void => {
      const result = this.allocate(owner, request);
      if (!result.ok) issues.push({ owner, failure: result });
    };
    for (const { owner, ips, mac } of again) fill(owner, { ips, mac });
    for (const owner of toFill) fill(owner, {});
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

  /** Moves a validated request into the record and the pools; true if anything changed. */
  #assign(record: OwnerRecord, request: ParsedRequest): boolean {
    let changed = false;
    for (const [family, pool] of this.#poolEntries()) {
      const old = record[key(family)];
      const wanted = request.ips[family]?.value;
      if (wanted === undefined ? old !== undefined : old === wanted) continue;
      let ip = wanted;
      if (ip === undefined) ip = pool.takeDynamic();
      else pool.takeStatic(ip);
      if (ip === undefined)
        throw new Error(`IPv${family} pool of ${this.name} empty right after peekDynamic`);
      record[key(family)] = ip;
      if (old !== undefined) pool.giveBack(old);
      changed = true;
    }
    if (request.mac !== undefined && request.mac !== record.mac) {
      record.mac = request.mac;
      changed = true;
    } else if (!record.mac) {
      const taken = (mac: string): boolean =>
        this.#book.holderOfMac(mac) !== undefined || this.#spec.reservedMacs.has(mac);
      record.mac = generateMac(this.#random, taken);
      changed = true;
    }
    return changed;
  }

  #context(): CheckContext {
    return { subnet: this.name, pools: this.#pools, book: this.#book, reservedMacs: this.#spec.reservedMacs };
  }

  #poolEntries(): [Family, FamilyPool][] {
    return FAMILIES.flatMap((family) => {
      const pool = this.#pools[family];
      return pool ? [[family, pool] as [Family, FamilyPool]] : [];
    });
  }
}
