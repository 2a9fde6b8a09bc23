/**
 * NetworkPolicy reconciler (Kube-OVN's handleUpdateNp/handleDeleteNp, pkg/controller/network_policy.go; ADR 25):
 * absent or deleting -> remove every row the policy owns; otherwise build its port group, address sets and ACLs
 * from the caches (`nb/network-policy.ts` over `network-policy-world.ts`) and converge them in one transaction
 * (nothing sent when converged). Pod and Namespace changes that can matter re-enqueue the policies concerned; a
 * selected pod whose switch port is not in NB yet is looked at again shortly. A policy whose port group name another
 * owner's row holds (`a-b` and `a.b` in one namespace are one name in OVN, as in Kube-OVN) gets Kube-OVN's
 * `CreateACLFailed` Warning Event and is retried with backoff.
 */
import type { NetworkPolicy } from '../../api/kinds/network-policy.ts';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../../kube/reconciler.ts';
import { refOf, sameJson } from '../../kube/writer.ts';
import { NbConflictError } from '../nb/errors.ts';
import { desiredNetworkPolicy } from '../nb/network-policy.ts';
import { networkPolicyOwner } from '../nb/owner.ts';
import { converge } from '../nb/send.ts';
import { WAIT_FOR_DEPENDENCY_MS, type NetworkDeps } from './deps.ts';
import { policyWatches, policyWorld } from './network-policy-world.ts';

export function networkPolicyReconciler(deps: NetworkDeps): Reconciler {
  return {
    kind: 'NetworkPolicy',
    watches: policyWatches,
    changed: (obj, old) =>
      !sameJson(obj['spec'], old['spec']) ||
      Boolean(obj.metadata.deletionTimestamp) !== Boolean(old.metadata.deletionTimestamp),
    async reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileResult> {
      const { name, namespace = '' } = ctx.ref;
      const owner = networkPolicyOwner(namespace, name);
      const policy = ctx.view.get('NetworkPolicy', name, namespace) as NetworkPolicy | undefined;
      if (!policy || policy.metadata.deletionTimestamp || !policy.spec) {
        await converge(deps.nb, { owner, key, desired: [] });
        return;
      }
      const built = desiredNetworkPolicy({
        ...policyWorld(ctx.view, deps.nb.cache),
        policy,
        nodeSwitchCidr: deps.network.nodeSwitchCidr,
      });
      let sent: number;
      try {
        sent = await converge(deps.nb, { owner, key, desired: built.rows });
      } catch (err) {
        if (err instanceof NbConflictError) {
          await deps.writer.event(refOf(policy), {
            type: 'Warning',
            reason: 'CreateACLFailed',
            message: err.message,
          });
        }
        throw err;
      }
      if (sent) ctx.log.debug({ operations: sent, portGroup: built.portGroup }, 'network policy converged');
      if (built.waitingFor.length) {
        ctx.log.debug({ pods: built.waitingFor }, 'selected pods without a switch port yet');
        return { requeueAfterMs: WAIT_FOR_DEPENDENCY_MS };
      }
      return;
    },
  };
}
