/**
 * Reconcile-time admission of Subnets, memoized. `admit` against the validation view (`subnet-view.ts`) parses the
 * CIDRs of every other subnet, so each Subnet reconcile cost O(subnets), and a Subnet is reconciled again after every
 * change of its address counters. An outcome is reused while nothing it depends on has changed: the subnet's own
 * spec and deletion mark, which other subnets count and their specs and deletion marks (each by the catalog's
 * per-spec object, whose identity changes exactly when one of those does), and the Vpcs (by the informer's change
 * count). Statuses are not part of the key (admission reads none but the verdicts that decide what counts), so the
 * outcome's `object` carries the status of the first call: read only its name and spec.
 */
import { admit, type AdmissionOutcome } from '../../api/admission.ts';
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { SubnetCatalog, VersionedView } from './subnet-catalog.ts';
import { countsFor, validationView } from './subnet-view.ts';

interface Memo {
  key: readonly unknown[];
  outcome: AdmissionOutcome;
}

const sameKey = (a: readonly unknown[], b: readonly unknown[]): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);

export class SubnetAdmission {
  readonly #view: VersionedView;
  readonly #catalog: SubnetCatalog;
  readonly #memo = new Map<string, Memo>();

  constructor(catalog: SubnetCatalog) {
    this.#view = catalog.view;
    this.#catalog = catalog;
  }

  /** The outcome of admitting `subnet` as a CREATE against the validation view. */
  admit(subnet: Subnet): AdmissionOutcome {
    const name = subnet.metadata.name ?? '';
    const key = this.#keyOf(subnet);
    const memo = this.#memo.get(name);
    if (memo && sameKey(memo.key, key)) return memo.outcome;
    const outcome = admit({ operation: 'CREATE', object: subnet, view: validationView(this.#view, subnet) });
    this.#memo.set(name, { key, outcome });
    return outcome;
  }

  /** Drops the memo of a subnet that is gone. */
  forget(name: string): void {
    this.#memo.delete(name);
  }

  #keyOf(subnet: Subnet): unknown[] {
    const name = subnet.metadata.name ?? '';
    const counts = countsFor(subnet);
    const key: unknown[] = [this.#view.version('Vpc'), this.#catalog.specOf(name)];
    for (const other of this.#view.list('Subnet')) {
      const otherName = other.metadata.name ?? '';
      if (otherName !== name && counts(other)) key.push(otherName, this.#catalog.specOf(otherName));
    }
    return key;
  }
}
