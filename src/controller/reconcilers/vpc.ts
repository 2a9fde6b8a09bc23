/**
 * Vpc reconciler (Kube-OVN's `handleAddOrUpdateVpc`, pkg/controller/vpc.go): read the Vpc from the cache; absent or
 * deleting -> refuse while subnets still use it (requeue with the reason), else delete its router and drop the
 * finalizer; otherwise validate with the shared admission rules, converge its router (and spec routes) in one NB
 * transaction, and write status (`router`, `standby`, `default`, sorted `subnets`, `defaultLogicalSwitch`,
 * conditions). A Subnet change enqueues its VPC (not a status-only one: the VPC reads which subnets name it, nothing
 * of their status).
 */
import { admit } from '../../api/admission.ts';
import { FINALIZER } from '../../api/constants.ts';
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { Vpc } from '../../api/kinds/vpc.ts';
import type { ClusterView } from '../../api/types.ts';
import { NbConflictError } from '../nb/errors.ts';
import { desiredVpc } from '../nb/vpc.ts';
import { vpcOwner } from '../nb/owner.ts';
import { converge } from '../nb/send.ts';
import { keyOf } from '../../kube/queue/keys.ts';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../../kube/reconciler.ts';
import { setConditions, type Condition, type ConditionInput } from './conditions.ts';
import { BLOCKED_DELETE_RETRY_MS, type NetworkDeps } from './deps.ts';
import { specOrDeletionChanged } from './watch-predicates.ts';
import { ensureFinalizer, refOf, statusChanges } from '../../kube/writer.ts';

/** Names of the subnets (deleting ones included) whose `spec.vpc` is this VPC. */
export function subnetsOfVpc(name: string, view: ClusterView, clusterRouter: string): string[] {
  return (view.list('Subnet') as Subnet[])
    .filter((s) => (s.spec?.vpc || clusterRouter) === name)
    .map((s) => s.metadata.name ?? '')
    .sort();
}

export function vpcReconciler(deps: NetworkDeps): Reconciler {
  const clusterRouter = deps.network.clusterRouter;
  return {
    kind: 'Vpc',
    watches: [
      {
        kind: 'Subnet',
        map: (s) => [keyOf('Vpc', (s as Subnet).spec?.vpc || clusterRouter)],
        changed: specOrDeletionChanged,
      },
    ],
    async reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileResult> {
      const name = ctx.ref.name;
      const vpc = ctx.view.get('Vpc', name) as Vpc | undefined;
      const subnets = subnetsOfVpc(name, ctx.view, clusterRouter);
      const status = async (obj: Vpc, conditions: ConditionInput[], extra: Record<string, unknown> = {}) => {
        const now = ctx.clock.now();
        const want = {
          ...extra,
          conditions: setConditions(obj.status?.conditions as Condition[], conditions, now),
        };
        const changes = statusChanges(obj, want);
        if (Object.keys(changes).length) await deps.writer.patchStatus(refOf(obj), changes);
      };

      if (!vpc || vpc.metadata.deletionTimestamp) {
        if (vpc && subnets.length) {
          const message = `vpc ${name} still has subnets: ${subnets.join(', ')}; delete them first`;
          ctx.log.info({ subnets }, 'vpc deletion blocked');
          await status(vpc, [{ type: 'Ready', status: 'False', reason: 'DeleteBlocked', message }]);
          return { requeueAfterMs: BLOCKED_DELETE_RETRY_MS };
        }
        await converge(deps.nb, { owner: vpcOwner(name), key, desired: [] });
        if (vpc) await ensureFinalizer(deps.writer, vpc, FINALIZER, false);
        return;
      }

      await ensureFinalizer(deps.writer, vpc, FINALIZER, true);
      const outcome = admit({ operation: 'UPDATE', object: vpc, oldObject: vpc, view: ctx.view });
      if (!outcome.allowed) {
        await status(vpc, [
          { type: 'Validated', status: 'False', reason: 'ValidationFailed', message: outcome.message },
        ]);
        return;
      }
      const defaulted = (outcome.object ?? vpc) as Vpc;
      let sent: number;
      try {
        sent = await converge(deps.nb, { owner: vpcOwner(name), key, desired: desiredVpc(defaulted) });
      } catch (err) {
        if (err instanceof NbConflictError) {
          await status(vpc, [{ type: 'Ready', status: 'False', reason: 'NbConflict', message: err.message }]);
        }
        throw err;
      }
      if (sent) ctx.log.debug({ operations: sent }, 'vpc router converged');
      const isDefault = name === clusterRouter;
      await status(
        vpc,
        [
          { type: 'Validated', status: 'True', reason: 'ValidationSucceeded', message: '' },
          {
            type: 'Ready',
            status: 'True',
            reason: 'RouterReady',
            message: `logical router ${name} is programmed`,
          },
        ],
        {
          router: name,
          standby: true,
          default: isDefault,
          subnets,
          defaultLogicalSwitch: defaulted.spec?.defaultSubnet ?? (isDefault ? deps.network.defaultLs : ''),
        },
      );
      return;
    },
  };
}
