/**
 * The subnets and custom VPCs as the reconcilers read them, defaulted once and memoized: `defaultSubnet` (a clone plus
 * IP parsing) runs once per spec change, not once per subnet per pod reconcile, and each namespace's subnet list
 * (`select-subnet.ts`) is computed once per change of what it depends on. Freshness comes from the informers' change
 * counters (`version`), checked on every read, so a watch handler running before or after the catalog hears of a
 * change reads the same answer the view gives. A changed object whose spec and deletion mark are unchanged (a status
 * write) keeps the memo: what is memoized depends only on names, specs, deletion marks and the custom VPCs'
 * namespaces and default subnets. The objects returned carry only `metadata.name` and the defaulted `spec`, frozen.
 */
import { defaultSubnet } from '../../api/kinds/subnet-defaults.ts';
import { blockCidrs } from '../../net/cidr-block.ts';
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { Vpc } from '../../api/kinds/vpc.ts';
import type { ClusterView, KubeObject } from '../../api/types.ts';
import type { Cidr } from '../../net/ip.ts';
import type { DefaultNetworkOptions } from '../../api/default-network.ts';
import { customVpcs, pinnedSubnet, selectNamespaceSubnets } from './select-subnet.ts';
import { sameJson } from '../../kube/writer.ts';

/** A view that can tell whether a kind changed since it was last read (`InformerClusterView` is one). */
export interface VersionedView extends ClusterView {
  version(kind: string): number;
}

interface Entry {
  raw: Subnet;
  /** name + defaulted spec, frozen */
  spec: Subnet;
  deleting: boolean;
  /** The CIDRs of the raw spec's block, parsed on first use (undefined: not parsable). */
  cidrs?: readonly Cidr[] | undefined;
}

interface NamespaceChoice {
  subnets: readonly Subnet[];
  names: readonly string[];
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** The defaulted spec of a subnet under its name, without the rest of its metadata and without status. */
export function subnetSpecView(raw: Subnet): Subnet {
  const name = raw.metadata.name ?? '';
  const defaulted = defaultSubnet({
    apiVersion: raw.apiVersion,
    kind: raw.kind,
    metadata: { name },
    ...(raw.spec === undefined ? {} : { spec: raw.spec }),
  });
  return deepFreeze(defaulted);
}

/** What of a custom VPC decides which namespaces it claims and where they fall back to. */
const vpcSignature = (vpcs: readonly Vpc[]): string =>
  JSON.stringify(
    vpcs.map((v) => [
      v.metadata.name,
      v.spec?.namespaces ?? [],
      v.spec?.defaultSubnet ?? '',
      v.status?.defaultLogicalSwitch ?? '',
    ]),
  );

export class SubnetCatalog {
  /** The view the catalog reads (also what memos derived from it must read). */
  readonly view: VersionedView;
  readonly #network: DefaultNetworkOptions;
  #subnetVersion = -1;
  #vpcVersion = -1;
  readonly #entries = new Map<string, Entry>();
  #vpcs: Vpc[] = [];
  #vpcKey = '';
  #generation = 0;
  #live: Subnet[] | undefined;
  #liveByName: Map<string, Subnet> | undefined;
  #defaults: Set<string> | undefined;
  readonly #namespaces = new Map<string, NamespaceChoice>();

  constructor(view: VersionedView, network: DefaultNetworkOptions) {
    this.view = view;
    this.#network = network;
  }

  /** Changes whenever any answer of the catalog may have changed. */
  get generation(): number {
    this.#refresh();
    return this.#generation;
  }

  /** The subnets not being deleted, defaulted, sorted by name. */
  live(): readonly Subnet[] {
    this.#refresh();
    this.#live ??= [...this.#entries.values()]
      .filter((e) => !e.deleting)
      .map((e) => e.spec)
      .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
    return this.#live;
  }

  /** A subnet not being deleted, defaulted. */
  get(name: string): Subnet | undefined {
    this.#refresh();
    this.#liveByName ??= new Map(this.live().map((s) => [s.metadata.name ?? '', s]));
    return this.#liveByName.get(name);
  }

  /**
   * The defaulted spec of any cached subnet (deleting ones too). Its identity is stable while the subnet's spec and
   * deletion mark are, and changes when either does, so it can key memos of what is derived from them.
   */
  specOf(name: string): Subnet | undefined {
    this.#refresh();
    return this.#entries.get(name)?.spec;
  }

  /**
   * Whether the subnet can be chosen for a namespace its spec does not list: it is the default subnet, or a custom
   * VPC's default subnet (which also comes first for the namespaces the VPC claims). Otherwise a subnet serves only
   * the namespaces in its `spec.namespaces`.
   */
  servesUnlisted(name: string): boolean {
    this.#refresh(false);
    this.#defaults ??= new Set([
      this.#network.defaultLs,
      ...this.#vpcs.flatMap((v) => [v.spec?.defaultSubnet ?? '', v.status?.defaultLogicalSwitch ?? '']),
    ]);
    return this.#defaults.has(name);
  }

  /** The CIDRs of the subnet's `spec.cidrBlock` as written (parsed once per spec); [] if absent or unparsable. */
  cidrsOf(name: string): readonly Cidr[] {
    this.#refresh();
    const entry = this.#entries.get(name);
    if (!entry) return [];
    if (!('cidrs' in entry)) entry.cidrs = blockCidrs(entry.raw.spec?.cidrBlock);
    return entry.cidrs ?? [];
  }

  /** The namespace's subnets in Kube-OVN's order. */
  namespaceSubnets(namespace: string): readonly Subnet[] {
    return this.#choice(namespace).subnets;
  }

  /** Names of the namespace's subnets in Kube-OVN's order. */
  namespaceCandidates(namespace: string): readonly string[] {
    return this.#choice(namespace).names;
  }

  /** The subnet names a pod may use, best first: its annotation alone, else its namespace's subnets. */
  podCandidates(pod: KubeObject): readonly string[] {
    const pinned = pinnedSubnet(pod);
    return pinned ? [pinned] : this.namespaceCandidates(pod.metadata.namespace ?? 'default');
  }

  #choice(namespace: string): NamespaceChoice {
    this.#refresh();
    let choice = this.#namespaces.get(namespace);
    if (!choice) {
      const subnets = selectNamespaceSubnets(namespace, this.live(), this.#vpcs, this.#network);
      choice = { subnets, names: subnets.map((s) => s.metadata.name ?? '') };
      this.#namespaces.set(namespace, choice);
    }
    return choice;
  }

  /** Brings the memo up to date with the view (`subnets: false`: the Vpcs only, for answers that read no subnet). */
  #refresh(subnets = true): void {
    let changed = false;
    const subnetVersion = subnets ? this.view.version('Subnet') : this.#subnetVersion;
    if (subnetVersion !== this.#subnetVersion) {
      this.#subnetVersion = subnetVersion;
      changed = this.#refreshSubnets();
    }
    const vpcVersion = this.view.version('Vpc');
    if (vpcVersion !== this.#vpcVersion) {
      this.#vpcVersion = vpcVersion;
      const vpcs = customVpcs(this.view, this.#network);
      const key = vpcSignature(vpcs);
      this.#vpcs = vpcs;
      if (key !== this.#vpcKey) {
        this.#vpcKey = key;
        changed = true;
      }
    }
    if (changed) {
      this.#generation++;
      this.#live = undefined;
      this.#liveByName = undefined;
      this.#defaults = undefined;
      this.#namespaces.clear();
    }
  }

  /** Brings the entries up to date; true if a name, spec or deletion mark changed. */
  #refreshSubnets(): boolean {
    let changed = false;
    const listed = this.view.list('Subnet') as Subnet[];
    // Every status write of a subnet lands here: names are collected only when some entry may be gone.
    let known = 0;
    for (const raw of listed) {
      const name = raw.metadata.name ?? '';
      const entry = this.#entries.get(name);
      if (entry) known++;
      if (entry?.raw === raw) continue;
      const deleting = Boolean(raw.metadata.deletionTimestamp);
      if (entry && entry.deleting === deleting && sameJson(entry.raw.spec, raw.spec)) {
        entry.raw = raw;
        continue;
      }
      this.#entries.set(name, { raw, spec: subnetSpecView(raw), deleting });
      changed = true;
    }
    if (known === this.#entries.size - (listed.length - known)) return changed;
    const seen = new Set(listed.map((raw) => raw.metadata.name ?? ''));
    for (const name of this.#entries.keys()) {
      if (!seen.has(name)) {
        this.#entries.delete(name);
        changed = true;
      }
    }
    return changed;
  }
}
