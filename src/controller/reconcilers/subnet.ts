/**
 * Subnet reconciler (§3.4): absent or deleting -> refuse while addresses are in use (requeue with the reason), else
 * remove its NB rows, forget it in IPAM and drop the finalizer. Otherwise: validate with the shared admission rules
 * against the informer view (`subnet-view.ts`: accepted subnets win over newcomers; `subnet-admission.ts`: memoized
 * while nothing it reads changed); on failure set `Validated=False` with the message and program nothing. Then wait for
 * the VPC router, keep the router-port MAC (read back from NB, generated once), update IPAM, converge the switch,
 * router port pair, policy and route in one transaction, and write the IPAM counters and `Validated`/`Ready`
 * conditions.
 */
import { FINALIZER, isOvnProvider } from '../../api/constants.ts';
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import { generateMac } from '../../ipam/index.ts';
import { NbConflictError } from '../nb/errors.ts';
import { subnetOwner, vpcOwner } from '../nb/owner.ts';
import { converge } from '../nb/send.ts';
import { desiredSubnet } from '../nb/subnet.ts';
import { keyOf } from '../../kube/queue/keys.ts';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../../kube/reconciler.ts';
import { routerMacOf } from './bootstrap.ts';
import { setConditions, type Condition, type ConditionInput } from './conditions.ts';
import {
  BLOCKED_DELETE_RETRY_MS,
  WAIT_FOR_DEPENDENCY_MS,
  ipamSpec,
  nicName,
  type NetworkDeps,
} from './deps.ts';
import { SubnetAdmission } from './subnet-admission.ts';
import { ensureFinalizer, refOf, statusChanges } from '../../kube/writer.ts';

const validated: ConditionInput = {
  type: 'Validated',
  status: 'True',
  reason: 'ValidationSucceeded',
  message: '',
};

export function subnetReconciler(deps: NetworkDeps): Reconciler {
  const clusterRouter = deps.network.clusterRouter;
  const admission = new SubnetAdmission(deps.catalog);
  return {
    kind: 'Subnet',
    watches: [
      {
        kind: 'Vpc',
        map: (vpc, view) =>
          (view.list('Subnet') as Subnet[])
            .filter((s) => (s.spec?.vpc || clusterRouter) === vpc.metadata.name)
            .map((s) => keyOf('Subnet', s.metadata.name ?? '')),
      },
    ],
    async reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileResult> {
      deps.bootstrap.ensure(ctx.view, ctx.log);
      const name = ctx.ref.name;
      const raw = ctx.view.get('Subnet', name) as Subnet | undefined;
      const writeStatus = async (conditions: ConditionInput[]) => {
        if (!raw) return;
        const ipStatus = deps.ipam.subnet(name)?.status() ?? {};
        const current = raw.status?.conditions as Condition[] | undefined;
        const want = { ...ipStatus, conditions: setConditions(current, conditions, ctx.clock.now()) };
        const changes = statusChanges(raw, want);
        if (Object.keys(changes).length) await deps.writer.patchStatus(refOf(raw), changes);
      };

      if (!raw || raw.metadata.deletionTimestamp) {
        const inUse = [...(deps.ipam.subnet(name)?.owners() ?? [])].sort();
        if (raw && inUse.length) {
          const example = inUse.slice(0, 3).join(', ');
          const message = `subnet ${name} has ${inUse.length} addresses in use (${example}${inUse.length > 3 ? ', ...' : ''})`;
          ctx.log.info({ inUse: inUse.length }, 'subnet deletion blocked');
          await writeStatus([{ type: 'Ready', status: 'False', reason: 'DeleteBlocked', message }]);
          return { requeueAfterMs: BLOCKED_DELETE_RETRY_MS };
        }
        await converge(deps.nb, { owner: subnetOwner(name), key, desired: [] });
        deps.ipam.deleteSubnet(name);
        admission.forget(name);
        if (raw) await ensureFinalizer(deps.writer, raw, FINALIZER, false);
        return;
      }

      await ensureFinalizer(deps.writer, raw, FINALIZER, true);
      const outcome = admission.admit(raw);
      if (!outcome.allowed) {
        ctx.log.info({ message: outcome.message }, 'subnet is invalid; not programmed');
        await writeStatus([
          { type: 'Validated', status: 'False', reason: 'ValidationFailed', message: outcome.message },
          { type: 'Ready', status: 'False', reason: 'ValidationFailed', message: 'the subnet is not valid' },
        ]);
        return;
      }
      const subnet = (outcome.object ?? raw) as Subnet;
      const vpc = subnet.spec?.vpc ?? clusterRouter;
      const ovn = isOvnProvider(subnet.spec?.provider);
      const router = deps.nb.cache
        .table('Logical_Router')
        .index('name')
        .getAll(vpc)
        .find((r) => r.external_ids['kovn-owner'] === vpcOwner(vpc));
      if (ovn && !router) {
        await writeStatus([
          validated,
          {
            type: 'Ready',
            status: 'False',
            reason: 'WaitingForVpc',
            message: `logical router ${vpc} does not exist yet`,
          },
        ]);
        return { requeueAfterMs: WAIT_FOR_DEPENDENCY_MS };
      }

      const taken = (mac: string) => deps.ipam.subnet(name)?.ownerOfMac(mac) !== undefined;
      const routerMac = ovn
        ? (routerMacOf(deps.nb.cache, subnet) ?? generateMac(deps.random, taken))
        : undefined;
      const updated = deps.ipam.addOrUpdateSubnet(ipamSpec(subnet, routerMac ? [routerMac] : []));
      if (!updated.ok) {
        await writeStatus([
          { type: 'Validated', status: 'False', reason: updated.reason, message: updated.message },
          { type: 'Ready', status: 'False', reason: updated.reason, message: 'IPAM cannot use the subnet' },
        ]);
        return;
      }
      if (updated.dropped.length) {
        const dropped = new Set(updated.dropped);
        for (const pod of ctx.view.list('Pod')) {
          const nic = nicName(pod.metadata.name ?? '', pod.metadata.namespace ?? '');
          if (dropped.has(nic)) deps.enqueue(keyOf('Pod', pod.metadata.name ?? '', pod.metadata.namespace));
        }
      }
      if (ovn && routerMac) {
        const desired = desiredSubnet({ subnet, routerMac, defaultVpc: vpc === clusterRouter });
        let sent: number;
        try {
          sent = await converge(deps.nb, { owner: subnetOwner(name), key, desired });
        } catch (err) {
          // A foreign row holds one of our names: say so on the object, keep retrying (with backoff) until it goes.
          if (err instanceof NbConflictError) {
            await writeStatus([
              validated,
              { type: 'Ready', status: 'False', reason: 'NbConflict', message: err.message },
            ]);
          }
          throw err;
        }
        if (sent) ctx.log.debug({ operations: sent }, 'subnet converged');
      }
      const ready = ovn ? `logical switch ${name} is attached to ${vpc}` : 'IPAM only (non-OVN provider)';
      await writeStatus([
        validated,
        { type: 'Ready', status: 'True', reason: 'SubnetReady', message: ready },
      ]);
      return;
    },
  };
}
