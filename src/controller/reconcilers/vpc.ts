/**
 * Vpc reconciler (Kube-OVN's `handleAddOrUpdateVpc`, pkg/controller/vpc.go): read the Vpc from the cache; absent or
 * deleting -> refuse while subnets still use it (requeue with the reason), else delete its router and drop the
 * finalizer; otherwise validate with the shared admission rules, converge its router (and spec routes) in one NB
 * transaction, and write status as Kube-OVN's `getVpcSubnets` computes it (`router`, `standby`, `default`, sorted
 * `subnets`, `defaultLogicalSwitch`) plus kovn's conditions (admission warnings, e.g. a policy next to the
 * per-subnet allows, in `Validated`'s message, with a Warning Event when they change). Peerings (vpc-peering.ts): the
 * port of each link both sides declare, `status.vpcPeerings` (the linked peers) and the `Peered` condition. A Subnet
 * change enqueues its VPC and that VPC's peers, a Vpc change its peers (not a status-only one: the VPC reads which
 * subnets name it and the peers' specs, nothing of their status).
 */
import { admit } from '../../api/admission.ts';
import { formatWarning } from '../../api/issues.ts';
import { FINALIZER, isOvnProvider } from '../../api/constants.ts';
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { Vpc } from '../../api/kinds/vpc.ts';
import type { ClusterView, FieldIssue } from '../../api/types.ts';
import { NbConflictError } from '../nb/errors.ts';
import { desiredVpc } from '../nb/vpc.ts';
import { desiredPeeringPorts, peeringLinks, type PeeringLink } from '../nb/vpc-peering.ts';
import { vpcOwner } from '../nb/owner.ts';
import { converge } from '../nb/send.ts';
import { keyOf } from '../../kube/queue/keys.ts';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../../kube/reconciler.ts';
import { setConditions, type Condition, type ConditionInput } from './conditions.ts';
import { BLOCKED_DELETE_RETRY_MS, type NetworkDeps } from './deps.ts';
import { specOrDeletionChanged } from './watch-predicates.ts';
import {
  PEERED_CONDITION,
  peerVpcWatch,
  peeringCondition,
  peeringPortMacs,
  subnetPeerKeys,
} from './vpc-peering.ts';
import { ensureFinalizer, refOf, statusChanges } from '../../kube/writer.ts';
import { defaultVpcGatewayRoutes } from './node-gateway.ts';

/** The OVN subnets (deleting ones included) whose `spec.vpc` is this VPC, sorted by name. */
export function subnetsOfVpc(name: string, view: ClusterView, clusterRouter: string): Subnet[] {
  return (view.list('Subnet') as Subnet[])
    .filter((s) => isOvnProvider(s.spec?.provider) && (s.spec?.vpc || clusterRouter) === name)
    .sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
}

/**
 * Kube-OVN's `status.subnets` and `status.defaultLogicalSwitch` (`getVpcSubnets`): the VPC's OVN subnets not being
 * deleted; the default switch is `spec.defaultSubnet` of a custom VPC when such a subnet is among them, else the
 * one with `spec.default`, else "". Pure.
 */
export function vpcSubnetStatus(
  vpc: Vpc,
  subnets: readonly Subnet[],
  clusterRouter: string,
): { subnets: string[]; defaultLogicalSwitch: string } {
  const live = subnets.filter((s) => !s.metadata.deletionTimestamp);
  const names = live.map((s) => s.metadata.name ?? '');
  const wanted = vpc.metadata.name !== clusterRouter ? vpc.spec?.defaultSubnet : undefined;
  const flagged = live.find((s) => s.spec?.default)?.metadata.name;
  const defaultLogicalSwitch = wanted && names.includes(wanted) ? wanted : (flagged ?? '');
  return { subnets: names, defaultLogicalSwitch };
}

/** Why a deleting VPC waits (Kube-OVN's `handleDelVpc` text, naming every subnet), or undefined. Pure. */
export function vpcDeletionBlockedMessage(name: string, subnets: readonly string[]): string | undefined {
  return subnets.length
    ? `failed to delete vpc ${name}, please delete subnet ${subnets.join(', ')} first`
    : undefined;
}

/** Merge-patches the VPC's status with these conditions and fields, when anything differs. */
async function writeVpcStatus(
  deps: NetworkDeps,
  ctx: ReconcileContext,
  vpc: Vpc,
  conditions: ConditionInput[],
  extra: Record<string, unknown>,
  drop: readonly string[] = [],
): Promise<void> {
  const current = (vpc.status?.conditions as Condition[] | undefined)?.filter((c) => !drop.includes(c.type));
  const want = { ...extra, conditions: setConditions(current, conditions, ctx.clock.now()) };
  const changes = statusChanges(vpc, want);
  if (Object.keys(changes).length) await deps.writer.patchStatus(refOf(vpc), changes);
}

/** Absent or deleting: wait while subnets name it (deleting ones too); else delete its router, drop the finalizer. */
async function removeVpc(
  deps: NetworkDeps,
  ctx: ReconcileContext,
  { key, vpc, subnets }: { key: string; vpc: Vpc | undefined; subnets: readonly Subnet[] },
): Promise<ReconcileResult> {
  const name = ctx.ref.name;
  const names = subnets.map((s) => s.metadata.name ?? '');
  const message = vpc && vpcDeletionBlockedMessage(name, names);
  if (vpc && message) {
    ctx.log.info({ subnets: names }, 'vpc deletion blocked');
    const blocked: ConditionInput = { type: 'Ready', status: 'False', reason: 'DeleteBlocked', message };
    await writeVpcStatus(deps, ctx, vpc, [blocked], {});
    return { requeueAfterMs: BLOCKED_DELETE_RETRY_MS };
  }
  await converge(deps.nb, { owner: vpcOwner(name), key, desired: [] });
  if (vpc) await ensureFinalizer(deps.writer, vpc, FINALIZER, false);
  return;
}

/** One NB transaction: the router, its spec routes and policies, and its half of each linked peering. */
async function convergeRouter(
  deps: NetworkDeps,
  ctx: ReconcileContext,
  { key, vpc, defaulted, links }: { key: string; vpc: Vpc; defaulted: Vpc; links: readonly PeeringLink[] },
): Promise<void> {
  const name = ctx.ref.name;
  let sent: number;
  try {
    const ports = desiredPeeringPorts(name, links, peeringPortMacs(deps.nb.cache, deps.random, name));
    const routes = defaultVpcGatewayRoutes(ctx.view, deps.network, name);
    const desired = [...desiredVpc(defaulted), ...routes, ...ports];
    sent = await converge(deps.nb, { owner: vpcOwner(name), key, desired });
  } catch (err) {
    if (err instanceof NbConflictError) {
      const conflict: ConditionInput = {
        type: 'Ready',
        status: 'False',
        reason: 'NbConflict',
        message: err.message,
      };
      await writeVpcStatus(deps, ctx, vpc, [conflict], {});
    }
    throw err;
  }
  if (sent) ctx.log.debug({ operations: sent }, 'vpc router converged');
}

/** The status of a programmed VPC: Validated (with its warnings, and an Event when they change), Ready, Peered. */
async function reportProgrammed(
  deps: NetworkDeps,
  ctx: ReconcileContext,
  report: {
    vpc: Vpc;
    defaulted: Vpc;
    subnets: readonly Subnet[];
    links: readonly PeeringLink[];
    warnings: readonly FieldIssue[];
  },
): Promise<void> {
  const { vpc, links } = report;
  const name = ctx.ref.name;
  const clusterRouter = deps.network.clusterRouter;
  const peered = peeringCondition(links);
  const linked = links.flatMap((l) => (l.state === 'linked' ? [l.remoteVpc] : [])).sort();
  const warned = report.warnings.map(formatWarning).join('; ');
  const before = (vpc.status?.conditions as Condition[] | undefined)?.find((c) => c.type === 'Validated');
  if (warned && before?.message !== warned)
    await deps.writer.event(refOf(vpc), { type: 'Warning', reason: 'ValidationWarning', message: warned });
  const conditions: ConditionInput[] = [
    {
      type: 'Validated',
      status: 'True',
      reason: warned ? 'ValidationWarning' : 'ValidationSucceeded',
      message: warned,
    },
    { type: 'Ready', status: 'True', reason: 'RouterReady', message: `logical router ${name} is programmed` },
    ...(peered ? [peered] : []),
  ];
  const extra = {
    router: name,
    standby: true,
    default: name === clusterRouter,
    ...vpcSubnetStatus(report.defaulted, report.subnets, clusterRouter),
    ...(linked.length || vpc.status?.vpcPeerings?.length ? { vpcPeerings: linked } : {}),
  };
  await writeVpcStatus(deps, ctx, vpc, conditions, extra, peered ? [] : [PEERED_CONDITION]);
}

export function vpcReconciler(deps: NetworkDeps): Reconciler {
  const clusterRouter = deps.network.clusterRouter;
  return {
    kind: 'Vpc',
    watches: [
      {
        kind: 'Subnet',
        map: (s, view) => [
          keyOf('Vpc', (s as Subnet).spec?.vpc || clusterRouter),
          ...subnetPeerKeys(s, view, clusterRouter),
        ],
        changed: specOrDeletionChanged,
      },
      peerVpcWatch(),
    ],
    async reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileResult> {
      const name = ctx.ref.name;
      const vpc = ctx.view.get('Vpc', name) as Vpc | undefined;
      const subnets = subnetsOfVpc(name, ctx.view, clusterRouter);
      const status = (obj: Vpc, conditions: ConditionInput[]) =>
        writeVpcStatus(deps, ctx, obj, conditions, {});
      if (!vpc || vpc.metadata.deletionTimestamp) return removeVpc(deps, ctx, { key, vpc, subnets });

      await ensureFinalizer(deps.writer, vpc, FINALIZER, true);
      const outcome = admit(
        { operation: 'UPDATE', object: vpc, oldObject: vpc, view: ctx.view },
        { controller: true },
      );
      if (!outcome.allowed) {
        await status(vpc, [
          { type: 'Validated', status: 'False', reason: 'ValidationFailed', message: outcome.message },
        ]);
        return;
      }
      const defaulted = (outcome.object ?? vpc) as Vpc;
      const links = peeringLinks(defaulted, ctx.view);
      await convergeRouter(deps, ctx, { key, vpc, defaulted, links });
      await reportProgrammed(deps, ctx, { vpc, defaulted, subnets, links, warnings: outcome.warnings });
      return;
    },
  };
}
