/**
 * The IPAM registry: one SubnetAllocator per subnet name, an owner → subnets index (so releasing an owner
 * everywhere does not scan every subnet), and `rebuild`, which restores the whole state from the allocations a
 * restarting controller reads back (pod annotations, IP objects) in one bulk pass per subnet.
 */
import type { RandomBytes } from './mac.ts';
import { SubnetAllocator, type RestoreEntry, type UpdateResult } from './subnet.ts';
import type { SpecIssue, SubnetSpec } from './subnet-spec.ts';
import type {
  AllocateFailure,
  AllocateRequest,
  AllocateResult,
  Allocation,
  ExistingAllocation,
} from './types.ts';

export interface IpamOptions {
  random?: RandomBytes;
}

export interface RebuildReport {
  /** Subnets whose spec could not be used (invalid CIDR); their allocations are reported in `allocations`. */
  subnets: { subnet: string; reason: 'CIDRInvalid'; message: string }[];
  /** Spec items that were ignored (invalid or outside excludeIps, gateway, reserved MACs). */
  specIssues: { subnet: string; issue: SpecIssue }[];
  /** Allocations that could not be restored. */
  allocations: { subnet: string; owner: string; failure: AllocateFailure }[];
  restored: number;
}

export class Ipam {
  readonly #subnets = new Map<string, SubnetAllocator>();
  readonly #ownerSubnets = new Map<string, Set<string>>();
  readonly #options: IpamOptions;

  constructor(options: IpamOptions = {}) {
    this.#options = options;
  }

  /** Creates the subnet's allocator or applies the changed spec to it. */
  addOrUpdateSubnet(spec: SubnetSpec): UpdateResult {
    const existing = this.#subnets.get(spec.name);
    if (existing) {
      const result = existing.update(spec);
      if (result.ok) for (const owner of result.dropped) this.#unindex(owner, spec.name);
      return result;
    }
    const created = SubnetAllocator.create(spec, this.#subnetOptions());
    if (!created.ok) return created;
    this.#subnets.set(spec.name, created.subnet);
    return { ok: true, issues: created.issues, dropped: [] };
  }

  /** Forgets the subnet and every allocation in it. */
  deleteSubnet(name: string): boolean {
    const subnet = this.#subnets.get(name);
    if (!subnet) return false;
    for (const owner of subnet.owners()) this.#unindex(owner, name);
    return this.#subnets.delete(name);
  }

  subnet(name: string): SubnetAllocator | undefined {
    return this.#subnets.get(name);
  }

  subnetNames(): IterableIterator<string> {
    return this.#subnets.keys();
  }

  allocate(subnetName: string, owner: string, request: AllocateRequest = {}): AllocateResult {
    const subnet = this.#subnets.get(subnetName);
    if (!subnet) {
      return {
        ok: false,
        reason: 'NoSubnet',
        subnet: subnetName,
        message: `subnet ${subnetName} is not in IPAM`,
      };
    }
    const result = subnet.allocate(owner, request);
    if (result.ok) this.#index(owner, subnetName);
    return result;
  }

  release(subnetName: string, owner: string): boolean {
    const released = this.#subnets.get(subnetName)?.release(owner) ?? false;
    if (released) this.#unindex(owner, subnetName);
    return released;
  }

  /** Releases the owner in every subnet; returns the subnets it was released from. */
  releaseOwnerEverywhere(owner: string): string[] {
    const names = [...(this.#ownerSubnets.get(owner) ?? [])];
    for (const name of names) this.release(name, owner);
    return names;
  }

  /** The owner's allocation in one subnet. */
  get(subnetName: string, owner: string): Allocation | undefined {
    return this.#subnets.get(subnetName)?.get(owner);
  }

  /** The owner's allocations in every subnet. */
  lookup(owner: string): Allocation[] {
    return [...(this.#ownerSubnets.get(owner) ?? [])].flatMap((name) => this.get(name, owner) ?? []);
  }

  /**
   * Replaces the whole state: creates every subnet from its spec, then restores the recorded allocations
   * (recorded addresses first, then missing families and MACs). Nothing is thrown; what could not be restored is
   * reported.
   */
  rebuild(subnets: readonly SubnetSpec[], allocations: readonly ExistingAllocation[]): RebuildReport {
    this.#subnets.clear();
    this.#ownerSubnets.clear();
    const report: RebuildReport = { subnets: [], specIssues: [], allocations: [], restored: 0 };
    for (const spec of subnets) {
      const result = this.addOrUpdateSubnet(spec);
      if (!result.ok)
        report.subnets.push({ subnet: spec.name, reason: result.reason, message: result.message });
      else for (const issue of result.issues) report.specIssues.push({ subnet: spec.name, issue });
    }
    const bySubnet = new Map<string, RestoreEntry[]>();
    for (const { subnet, owner, ips, mac } of allocations) {
      let entries = bySubnet.get(subnet);
      if (!entries) bySubnet.set(subnet, (entries = []));
      entries.push({ owner, ips, mac });
    }
    for (const [name, entries] of bySubnet) {
      const subnet = this.#subnets.get(name);
      if (!subnet) {
        const failure = {
          ok: false,
          reason: 'NoSubnet',
          subnet: name,
          message: `subnet ${name} is not in IPAM`,
        } as const;
        for (const { owner } of entries) report.allocations.push({ subnet: name, owner, failure });
        continue;
      }
      for (const { owner, failure } of subnet.restore(entries))
        report.allocations.push({ subnet: name, owner, failure });
      for (const owner of subnet.owners()) this.#index(owner, name);
      report.restored += subnet.ownerCount;
    }
    return report;
  }

  #subnetOptions(): { random?: RandomBytes } {
    return this.#options.random ? { random: this.#options.random } : {};
  }

  #index(owner: string, subnet: string): void {
    let names = this.#ownerSubnets.get(owner);
    if (!names) this.#ownerSubnets.set(owner, (names = new Set()));
    names.add(subnet);
  }

  #unindex(owner: string, subnet: string): void {
    const names = this.#ownerSubnets.get(owner);
    if (!names) return;
    names.delete(subnet);
    if (names.size === 0) this.#ownerSubnets.delete(owner);
  }
}
