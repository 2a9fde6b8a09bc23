/**
 * vpc-dns as a feature, switched on and off by ConfigMap `kube-system/vpc-dns-config` (Kube-OVN's
 * `resyncVpcDNSConfig`): every VpcDns, and so what it created, is deleted only on the transition from enabled to
 * disabled (the ConfigMap deleted, or `enable-vpc-dns` set to "false"). While vpc-dns is not enabled for any other
 * reason (never configured yet, or found disabled), each VpcDns is kept and reported not active (reconciler.ts).
 *
 * The transition is one this controller process saw, as in Kube-OVN, whose `enableCoreDNS` lives in memory: the
 * memory starts at "not enabled", each reconcile of the ConfigMap records what the cache says, and "not enabled"
 * after "enabled" is the transition. So a controller that starts, or takes over the lease, and finds vpc-dns
 * disabled deletes nothing: a disable no controller saw leaves the VpcDns in place, not active, with their NotEnabled
 * condition and event, for the user to delete or to enable again (ADR 16). The VpcDns deleted are those that exist
 * when the transition is acted on; one created while that is under way is kept like any other.
 */
import { CONTROLLER_NAMESPACE, VPC_DNS_CONFIG } from '../../api/constants.ts';
import type { ClusterView, KubeObject } from '../../api/types.ts';
import type { ObjectApplier } from '../../kube/applier.ts';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../../kube/reconciler.ts';
import { WAIT_FOR_DEPENDENCY_MS } from '../reconcilers/deps.ts';
import { vpcDnsEnablement } from './check.ts';

const isVpcDnsConfig = (cm: KubeObject): boolean =>
  cm.metadata.name === VPC_DNS_CONFIG && cm.metadata.namespace === CONTROLLER_NAMESPACE;

/** The VpcDns of the cache not already being deleted. */
const liveVpcDns = (view: ClusterView): string[] =>
  view
    .list('VpcDns')
    .filter((d) => !d.metadata.deletionTimestamp)
    .map((d) => d.metadata.name ?? '');

export class VpcDnsLifecycle {
  /** vpc-dns seen enabled, and not yet turned off (the transition's deletions not all done); false at first. */
  #enabled = false;
  /** The VpcDns being deleted for the enabled -> disabled transition, until the cache shows them gone. */
  #deleting: Set<string> | undefined;

  /**
   * Whether this VpcDns goes with the enabled -> disabled transition (seen enabled, the cache now says not
   * enabled, and it is not one created after the deletions began): its own reconcile leaves it to this module.
   */
  deletes(view: ClusterView, name: string): boolean {
    return this.#enabled && !vpcDnsEnablement(view).enabled && (this.#deleting?.has(name) ?? true);
  }

  /** The reconciler of the ConfigMap, which records what it says and acts on the transition. */
  reconciler(applier: ObjectApplier): Reconciler {
    return {
      kind: 'ConfigMap',
      selects: isVpcDnsConfig,
      reconcile: (_key, ctx) => this.#reconcile(applier, ctx),
    };
  }

  async #reconcile(applier: ObjectApplier, ctx: ReconcileContext): Promise<ReconcileResult> {
    if (vpcDnsEnablement(ctx.view).enabled) {
      this.#enabled = true;
      this.#deleting = undefined;
      return;
    }
    if (!this.#enabled) return; // never seen enabled: nothing to turn off
    const live = liveVpcDns(ctx.view);
    if (!this.#deleting) {
      this.#deleting = new Set(live);
      ctx.log.info({ vpcDns: live }, 'vpc-dns enabled -> disabled: deleting every VpcDns');
    }
    const left = live.filter((name) => this.#deleting!.has(name));
    if (!left.length) {
      this.#enabled = false;
      this.#deleting = undefined;
      return;
    }
    for (const name of left) await applier.remove({ kind: 'VpcDns', name });
    return { requeueAfterMs: WAIT_FOR_DEPENDENCY_MS }; // until the cache shows them gone
  }
}
