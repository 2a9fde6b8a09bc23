/**
 * Subnet reconciler (Kube-OVN's `handleAddOrUpdateSubnet`, pkg/controller/subnet.go): absent or deleting -> refuse
 * while addresses are in use (requeue with the reason), else remove its NB rows, forget it in IPAM and drop the
 * finalizer. Otherwise: validate with the shared admission rules against the informer view (`subnet-view.ts`:
 * accepted subnets win over newcomers; `subnet-admission.ts`: memoized while nothing it reads changed); on failure
 * report `ValidateLogicalSwitchFailed` and program nothing. Then wait for the VPC router, keep the router-port MAC
 * (read back from NB, generated once), update IPAM, converge the switch, router port pair, policy and the ACLs of
 * `private`/`allowSubnets`/`acls` (`nb/subnet-acls.ts`) in one transaction, and write the IPAM counters and
 * Kube-OVN's conditions and events (`subnet-conditions.ts`).
 */
import { FINALIZER, isOvnProvider } from '../../api/constants.ts';
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { KubeObject } from '../../api/types.ts';
import { generateMac } from '../../ipam/index.ts';
import { NbConflictError } from '../nb/errors.ts';
import type { DesiredRow } from '../nb/model.ts';
import { subnetOwner, vpcOwner } from '../nb/owner.ts';
import { converge } from '../nb/send.ts';
import { desiredSubnet } from '../nb/subnet.ts';
import { desiredSubnetAcls } from '../nb/subnet-acls.ts';
import { keyOf } from '../../kube/queue/keys.ts';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../../kube/reconciler.ts';
import { routerMacOf } from './bootstrap.ts';
import { setConditions, type Condition } from './conditions.ts';
import { BLOCKED_DELETE_RETRY_MS, WAIT_FOR_DEPENDENCY_MS, type NetworkDeps } from './deps.ts';
import { ipamSpec, nicName } from './ipam-view.ts';
import { SubnetAdmission } from './subnet-admission.ts';
import {
  deleteBlockedReport,
  invalidReport,
  nbConflictReport,
  readyReport,
  waitingForVpcReport,
  type SubnetReport,
} from './subnet-conditions.ts';
import { ensureFinalizer, refOf, statusChanges } from '../../kube/writer.ts';

/** Why a deleting subnet must wait (its addresses still in use, a few named), or undefined when none are. Pure. */
export function deletionBlockedMessage(name: string, owners: readonly string[]): string | undefined {
  const inUse = [...owners].sort();
  if (!inUse.length) return undefined;
  const example = inUse.slice(0, 3).join(', ');
  return `subnet ${name} has ${inUse.length} addresses in use (${example}${inUse.length > 3 ? ', ...' : ''})`;
}

/** The keys of the pods whose NIC is among `nics` (addresses IPAM dropped), in the order of `pods`. Pure. */
export function podKeysOfNics(pods: readonly KubeObject[], nics: readonly string[]): string[] {
  const wanted = new Set(nics);
  return pods
    .filter((pod) => wanted.has(nicName(pod.metadata.name ?? '', pod.metadata.namespace ?? '')))
    .map((pod) => keyOf('Pod', pod.metadata.name ?? '', pod.metadata.namespace));
}

/** What every step of one Subnet reconcile reads, and how it writes the status. */
interface SubnetStep {
  deps: NetworkDeps;
  key: string;
  name: string;
  ctx: ReconcileContext;
  /** The conditions stored now. */
  current: readonly Condition[] | undefined;
  /**
   * Writes the IPAM counters (as they are when called) and the report's conditions; when the conditions changed,
   * records the report's events. Nothing for an absent subnet.
   */
  status(report: SubnetReport): Promise<void>;
}

function statusWriter(deps: NetworkDeps, raw: Subnet | undefined, ctx: ReconcileContext) {
  return async ({ conditions, events }: SubnetReport): Promise<void> => {
    if (!raw) return;
    const ipStatus = deps.ipam.subnet(ctx.ref.name)?.status() ?? {};
    const current = raw.status?.conditions as Condition[] | undefined;
    const want = { ...ipStatus, conditions: setConditions(current, conditions, ctx.clock.now()) };
    const changes = statusChanges(raw, want);
    if (Object.keys(changes).length) await deps.writer.patchStatus(refOf(raw), changes);
    if (!changes['conditions']) return;
    for (const event of events) await deps.writer.event(refOf(raw), event);
  };
}

/** Absent or deleting: wait while addresses are in use; else remove the NB rows, the IPAM subnet, the finalizer. */
async function removeSubnet(
  step: SubnetStep,
  raw: Subnet | undefined,
  admission: SubnetAdmission,
): Promise<ReconcileResult> {
  const { deps, key, name, ctx } = step;
  const inUse = [...(deps.ipam.subnet(name)?.owners() ?? [])];
  const blocked = raw ? deletionBlockedMessage(name, inUse) : undefined;
  if (blocked) {
    ctx.log.info({ inUse: inUse.length }, 'subnet deletion blocked');
    await step.status(deleteBlockedReport(blocked));
    return { requeueAfterMs: BLOCKED_DELETE_RETRY_MS };
  }
  await converge(deps.nb, { owner: subnetOwner(name), key, desired: [] });
  deps.ipam.deleteSubnet(name);
  admission.forget(name);
  if (raw) await ensureFinalizer(deps.writer, raw, FINALIZER, false);
  return;
}

/** The VPC's logical router, when this controller made it. */
function vpcRouter(deps: NetworkDeps, vpc: string) {
  return deps.nb.cache
    .table('Logical_Router')
    .index('name')
    .getAll(vpc)
    .find((r) => r.external_ids['kovn-owner'] === vpcOwner(vpc));
}

/** A valid subnet: wait for its VPC's router, update IPAM, converge its NB rows, then report it ready. */
async function programSubnet(step: SubnetStep, subnet: Subnet): Promise<ReconcileResult> {
  const { deps, name, ctx } = step;
  const clusterRouter = deps.network.clusterRouter;
  const vpc = subnet.spec?.vpc ?? clusterRouter;
  const ovn = isOvnProvider(subnet.spec?.provider);
  if (ovn && !vpcRouter(deps, vpc)) {
    await step.status(waitingForVpcReport(vpc));
    return { requeueAfterMs: WAIT_FOR_DEPENDENCY_MS };
  }
  const taken = (mac: string) => deps.ipam.subnet(name)?.ownerOfMac(mac) !== undefined;
  const routerMac = ovn ? (routerMacOf(deps.nb.cache, subnet) ?? generateMac(deps.random, taken)) : undefined;
  const updated = deps.ipam.addOrUpdateSubnet(ipamSpec(subnet, routerMac ? [routerMac] : []));
  if (!updated.ok) {
    await step.status(invalidReport(updated.message));
    return;
  }
  if (updated.dropped.length) {
    for (const pod of podKeysOfNics(ctx.view.list('Pod'), updated.dropped)) deps.enqueue(pod);
  }
  if (ovn && routerMac) {
    await convergeSwitch(step, [
      ...desiredSubnet({ subnet, routerMac }),
      ...desiredSubnetAcls(subnet, deps.network.nodeSwitchCidr),
    ]);
  }
  await step.status(readyReport(step.current, ovn, subnet.spec?.private === true));
  return;
}

/** The switch, router port pair, policy and ACLs in one NB transaction. */
async function convergeSwitch(step: SubnetStep, desired: DesiredRow[]): Promise<void> {
  const { deps, key, name, ctx } = step;
  let sent: number;
  try {
    sent = await converge(deps.nb, { owner: subnetOwner(name), key, desired });
  } catch (err) {
    // A foreign row holds one of our names: say so on the object, keep retrying (with backoff) until it goes.
    if (err instanceof NbConflictError) await step.status(nbConflictReport(err.message));
    throw err;
  }
  if (sent) ctx.log.debug({ operations: sent }, 'subnet converged');
}

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
      const current = raw?.status?.conditions as Condition[] | undefined;
      const step: SubnetStep = { deps, key, name, ctx, current, status: statusWriter(deps, raw, ctx) };
      if (!raw || raw.metadata.deletionTimestamp) return removeSubnet(step, raw, admission);
      await ensureFinalizer(deps.writer, raw, FINALIZER, true);
      const outcome = admission.admit(raw);
      if (!outcome.allowed) {
        ctx.log.info({ message: outcome.message }, 'subnet is invalid; not programmed');
        await step.status(invalidReport(outcome.message));
        return;
      }
      const subnet = (outcome.object ?? raw) as Subnet;
      return programSubnet(step, subnet);
    },
  };
}
