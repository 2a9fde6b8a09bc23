/**
 * Reconcile-time admission of Subnets, memoized. `admit` against the validation view (`subnet-view.ts`) parses the
 * CIDRs of every other subnet, so each Subnet reconcile cost O(subnets), and a Subnet is reconciled again after every
 * change of its address counters. An outcome is reused while nothing it depends on has changed: the subnet's own spec
 * and deletion mark, which other subnets count and their specs and deletion marks (each by the catalog's per-spec
 * object, whose identity changes exactly when one of those does), and the Vpcs' names and specs.
 * Statuses are not part of the key (admission reads none but the verdicts that decide what counts), so the outcome's
 * `object` carries the status of the first call: read only its name and spec.
 *
 * When the only change is that more subnets count (others were accepted meanwhile, as happens while many subnets are
 * created together) and the subnet was allowed, only the newcomers are checked: admission against a view holding the
 * subnet and the newcomers alone. This relies on the cross-subnet rules being pairwise (a subnet is refused because
 * of some other subnet, as for overlapping CIDRs), which is what the shared admission rules are today; any refusal
 * there falls back to a full admission, whose answer is the one kept.
 */
import { admit, type AdmissionOutcome } from '../../api/admission.ts';
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { ClusterView, KubeObject } from '../../api/types.ts';
import type { SubnetCatalog, VersionedView } from './subnet-catalog.ts';
import { countsFor, validationView } from './subnet-view.ts';

/** What an outcome was computed from. */
interface Inputs {
  /** The Vpcs' names and specs (admission reads which Vpcs exist and their specs, not their status). */
  vpcs: string;
  self: Subnet | undefined;
  /** The other subnets that count, by name: the catalog's per-spec object (the identity compared) and the object. */
  others: Map<string, { spec: Subnet | undefined; object: KubeObject }>;
}

interface Memo {
  inputs: Inputs;
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
    const inputs = this.#inputsOf(subnet);
    const memo = this.#memo.get(name);
    const added = memo ? newcomers(memo.inputs, inputs) : undefined;
    if (memo && added) {
      if (added.length === 0) return memo.outcome;
      if (memo.outcome.allowed && this.#allowedWith(subnet, added)) {
        this.#memo.set(name, { inputs, outcome: memo.outcome });
        return memo.outcome;
      }
    }
    const outcome = admit({ operation: 'CREATE', object: subnet, view: validationView(this.#view, subnet) });
    this.#memo.set(name, { inputs, outcome });
    return outcome;
  }

  /** Drops the memo of a subnet that is gone. */
  forget(name: string): void {
    this.#memo.delete(name);
  }

  /** Whether the subnet is admitted against a view whose only other subnets are `others`. */
  #allowedWith(subnet: Subnet, others: readonly KubeObject[]): boolean {
    const view: ClusterView = {
      get: (kind, n, namespace) => this.#view.get(kind, n, namespace),
      list: (kind, namespace) => (kind === 'Subnet' ? [subnet, ...others] : this.#view.list(kind, namespace)),
    };
    return admit({ operation: 'CREATE', object: subnet, view }).allowed;
  }

  #inputsOf(subnet: Subnet): Inputs {
    const name = subnet.metadata.name ?? '';
    const counts = countsFor(subnet);
    const others: Inputs['others'] = new Map();
    for (const other of this.#view.list('Subnet')) {
      const otherName = other.metadata.name ?? '';
      if (otherName !== name && counts(other))
        others.set(otherName, { spec: this.#catalog.specOf(otherName), object: other });
    }
    return { vpcs: this.#vpcSignature(), self: this.#catalog.specOf(name), others };
  }

  #vpcSignature(): string {
    const version = this.#view.version('Vpc');
    if (version !== this.#vpcs.version) {
      const vpcs = this.#view.list('Vpc').map((v) => [v.metadata.name, v['spec']] as const);
      this.#vpcs = {
        version,
        signature: JSON.stringify(vpcs.sort(([a], [b]) => String(a).localeCompare(String(b)))),
      };
    }
    return this.#vpcs.signature;
  }
}

/**
 * The subnets that count now and did not before, if that is the only difference (the Vpcs, the subnet's own spec and
 * every subnet that counted before are unchanged); undefined otherwise.
 */
function newcomers(before: Inputs, now: Inputs): KubeObject[] | undefined {
  if (before.vpcs !== now.vpcs || before.self !== now.self) return undefined;
  if (now.others.size < before.others.size) return undefined;
  for (const [name, { spec }] of before.others) if (now.others.get(name)?.spec !== spec) return undefined;
  return [...now.others].filter(([name]) => !before.others.has(name)).map(([, { object }]) => object);
}
