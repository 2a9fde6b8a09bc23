/**
 * Reconcile-time admission of Subnets, cheap and memoized. `admit` against the whole validation view
 * (`subnet-view.ts`) parses every other subnet's CIDRs, so each Subnet reconcile cost O(subnets) parses, and a Subnet
 * is reconciled again after every change of its address counters. The shared admission rules refuse a subnet because
 * of another subnet only when their CIDRs overlap (a guard in `subnet-admission.test.ts` fails if that stops being
 * true), so admission here runs against the validation view narrowed to the other subnets that count and overlap
 * this one (found with the catalog's CIDRs, parsed once per spec). The outcome is reused while its inputs are the
 * same: the subnet's own spec and deletion mark, those overlapping subnets (each by the catalog's per-spec object,
 * whose identity changes exactly when its spec or deletion mark does), and the Vpcs' names and specs. Statuses are
 * not inputs (admission reads none but the verdicts that decide what counts), so the outcome's `object` carries the
 * status of the first call: read only its name and spec.
 */
import { admit, type AdmissionOutcome } from '../../api/admission.ts';
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { ClusterView, KubeObject } from '../../api/types.ts';
import { cidrsOverlap, type Cidr } from '../../net/ip.ts';
import type { SubnetCatalog, VersionedView } from './subnet-catalog.ts';
import { countsFor } from './subnet-view.ts';

interface Memo {
  /** Vpc signature, own spec object, then the spec objects of the overlapping subnets that count. */
  key: readonly unknown[];
  outcome: AdmissionOutcome;
}

/** Whether some CIDR of `a` overlaps some CIDR of `b`. */
function anyOverlap(a: readonly Cidr[], b: readonly Cidr[]): boolean {
  for (let i = 0; i < a.length; i++)
    for (let j = 0; j < b.length; j++) if (cidrsOverlap(a[i]!, b[j]!)) return true;
  return false;
}

const sameKey = (a: readonly unknown[], b: readonly unknown[]): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);

export class SubnetAdmission {
  readonly #view: VersionedView;
  readonly #catalog: SubnetCatalog;
  readonly #memo = new Map<string, Memo>();
  /** Each subnet's overlapping others by name, valid for one catalog generation (CIDRs change only with specs). */
  #overlaps = { generation: -1, byName: new Map<string, readonly string[]>() };
  #vpcs = { version: -1, signature: '' };

  constructor(catalog: SubnetCatalog) {
    this.#view = catalog.view;
    this.#catalog = catalog;
  }

  /** The outcome of admitting `subnet` as a CREATE against the validation view. */
  admit(subnet: Subnet): AdmissionOutcome {
    const name = subnet.metadata.name ?? '';
    const relevant = this.#overlappingCounted(subnet);
    const key = [
      this.#vpcSignature(),
      this.#catalog.specOf(name),
      ...relevant.map((o) => this.#catalog.specOf(o.metadata.name ?? '')),
    ];
    const memo = this.#memo.get(name);
    if (memo && sameKey(memo.key, key)) return memo.outcome;
    const view: ClusterView = {
      get: (kind, n, namespace) => this.#view.get(kind, n, namespace),
      list: (kind, namespace) =>
        kind === 'Subnet' ? [subnet, ...relevant] : this.#view.list(kind, namespace),
    };
    // As the controller: what Kube-OVN's controller refuses (and its webhook accepts) refuses here too.
    const outcome = admit({ operation: 'CREATE', object: subnet, view }, { controller: true });
    this.#memo.set(name, { key, outcome });
    return outcome;
  }

  /** Drops the memo of a subnet that is gone. */
  forget(name: string): void {
    this.#memo.delete(name);
  }

  /** The other subnets that count for `subnet` (validation view) and whose CIDRs overlap its own. */
  #overlappingCounted(subnet: Subnet): KubeObject[] {
    const counts = countsFor(subnet);
    const relevant: KubeObject[] = [];
    for (const otherName of this.#overlapping(subnet.metadata.name ?? '')) {
      const other = this.#view.get('Subnet', otherName);
      if (other && counts(other)) relevant.push(other);
    }
    return relevant;
  }

  /**
   * The other cached subnets whose CIDRs overlap this one's, in the view's order; computed once per catalog
   * generation (which changes with any name, spec or deletion mark), not on every reconcile.
   */
  #overlapping(name: string): readonly string[] {
    const generation = this.#catalog.generation;
    if (this.#overlaps.generation !== generation) this.#overlaps = { generation, byName: new Map() };
    const known = this.#overlaps.byName.get(name);
    if (known) return known;
    const mine = this.#catalog.cidrsOf(name);
    const names: string[] = [];
    if (mine.length > 0) {
      // once per subnet and generation, over every other subnet: plain loops, no closures per pair
      for (const other of this.#view.list('Subnet')) {
        const otherName = other.metadata.name ?? '';
        if (otherName !== name && anyOverlap(mine, this.#catalog.cidrsOf(otherName))) names.push(otherName);
      }
    }
    this.#overlaps.byName.set(name, names);
    return names;
  }

  #vpcSignature(): string {
    const version = this.#view.version('Vpc');
    if (version !== this.#vpcs.version) {
      const vpcs = this.#view.list('Vpc').map((v) => [v.metadata.name ?? '', v['spec']] as const);
      vpcs.sort(([a], [b]) => a.localeCompare(b));
      this.#vpcs = { version, signature: JSON.stringify(vpcs) };
    }
    return this.#vpcs.signature;
  }
}
