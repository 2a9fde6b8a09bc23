/**
 * Reconcile-time admission of Subnets, memoized. `admit` against the validation view (`subnet-view.ts`) costs about
 * a millisecond at a few hundred subnets (schema, defaults, every other subnet's CIDRs parsed), and a Subnet is
 * reconciled again after every change of its address counters. An outcome is reused while nothing it depends on has
 * changed: the subnet's own spec and deletion mark, which other subnets count and their specs and deletion marks
 * (each by the catalog's per-spec object, whose identity changes exactly when one of those does), and the Vpcs' names
 * and specs. Statuses are not part of the key (admission reads none but the verdicts that decide what counts), so the
 * outcome's `object` carries the status of the first call: read only its name and spec.
 *
 * When the only change is that more subnets count (others were accepted meanwhile, as happens while many subnets are
 * created together) and the subnet was allowed, only the newcomers are looked at: none whose CIDRs overlap the
 * subnet's keeps the outcome; overlapping ones are checked by admission against a view holding the subnet and them
 * alone. This relies on the shared admission rules refusing a subnet because of another one only when their CIDRs
 * overlap, as they do today (`subnet-admission.test.ts` holds a guard); a refusal there falls back to a full admission,
 * whose answer is the one kept.
 */
import { admit, type AdmissionOutcome } from '../../api/admission.ts';
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { ClusterView, KubeObject } from '../../api/types.ts';
import { cidrsOverlap } from '../../net/ip.ts';
import type { SubnetCatalog, VersionedView } from './subnet-catalog.ts';
import { countsFor, validationView } from './subnet-view.ts';

interface Memo {
  /** The Vpcs' names and specs (admission reads which Vpcs exist and their specs, not their status). */
  vpcs: string;
  self: Subnet | undefined;
  /** The other subnets that counted, by name, as the catalog's per-spec objects. */
  others: Map<string, Subnet | undefined>;
  outcome: AdmissionOutcome;
}

export class SubnetAdmission {
  readonly #view: VersionedView;
  readonly #catalog: SubnetCatalog;
  readonly #memo = new Map<string, Memo>();
  #vpcs = { version: -1, signature: '' };

  constructor(catalog: SubnetCatalog) {
    this.#view = catalog.view;
    this.#catalog = catalog;
  }

  /** The outcome of admitting `subnet` as a CREATE against the validation view. */
  admit(subnet: Subnet): AdmissionOutcome {
    const name = subnet.metadata.name ?? '';
    const vpcs = this.#vpcSignature();
    const self = this.#catalog.specOf(name);
    const memo = this.#memo.get(name);
    if (memo && memo.vpcs === vpcs && memo.self === self) {
      const added = this.#newcomers(subnet, memo);
      if (added?.length === 0) return memo.outcome;
      if (added && memo.outcome.allowed && this.#noConflict(subnet, added)) {
        for (const other of added) {
          const otherName = other.metadata.name ?? '';
          memo.others.set(otherName, this.#catalog.specOf(otherName));
        }
        return memo.outcome;
      }
    }
    const outcome = admit({ operation: 'CREATE', object: subnet, view: validationView(this.#view, subnet) });
    this.#memo.set(name, { vpcs, self, others: this.#counted(subnet), outcome });
    return outcome;
  }

  /** Drops the memo of a subnet that is gone. */
  forget(name: string): void {
    this.#memo.delete(name);
  }

  /** The subnets that count now and did not for `memo`, if nothing else changed (else undefined). */
  #newcomers(subnet: Subnet, memo: Memo): KubeObject[] | undefined {
    const name = subnet.metadata.name ?? '';
    const counts = countsFor(subnet);
    const added: KubeObject[] = [];
    let kept = 0;
    for (const other of this.#view.list('Subnet')) {
      const otherName = other.metadata.name ?? '';
      if (otherName === name || !counts(other)) continue;
      if (!memo.others.has(otherName)) added.push(other);
      else if (memo.others.get(otherName) !== this.#catalog.specOf(otherName)) return undefined;
      else kept++;
    }
    return kept === memo.others.size ? added : undefined;
  }

  /** No newcomer refuses the subnet: none overlaps it, or admission with only the overlapping ones allows it. */
  #noConflict(subnet: Subnet, added: readonly KubeObject[]): boolean {
    const mine = this.#catalog.cidrsOf(subnet.metadata.name ?? '');
    const overlapping = added.filter((other) =>
      this.#catalog.cidrsOf(other.metadata.name ?? '').some((b) => mine.some((a) => cidrsOverlap(a, b))),
    );
    if (overlapping.length === 0) return true;
    const view: ClusterView = {
      get: (kind, n, namespace) => this.#view.get(kind, n, namespace),
      list: (kind, namespace) =>
        kind === 'Subnet' ? [subnet, ...overlapping] : this.#view.list(kind, namespace),
    };
    return admit({ operation: 'CREATE', object: subnet, view }).allowed;
  }

  #counted(subnet: Subnet): Map<string, Subnet | undefined> {
    const name = subnet.metadata.name ?? '';
    const counts = countsFor(subnet);
    const others = new Map<string, Subnet | undefined>();
    for (const other of this.#view.list('Subnet')) {
      const otherName = other.metadata.name ?? '';
      if (otherName !== name && counts(other)) others.set(otherName, this.#catalog.specOf(otherName));
    }
    return others;
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
