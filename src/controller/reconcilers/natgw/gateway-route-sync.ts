/**
 * The NB write of an HA gateway's VPC routes (the plan is gateway-routes.ts): read the gateway's instances from the
 * cache, keep the active one while it is live (the next hop of the routes we own now), and converge the rows owned
 * by `natgw/<gateway>` in one transaction: one reroute policy per internal CIDR to the active instance, or none
 * (a single-instance gateway, a gateway going away, no live instance). A router not in NB yet is waited for. Once
 * the routes are sent, each instance's role annotation says whether it is the active one, which alone holds the EIP
 * addresses (the gateway agent reads it), so the upstream's ARP and the VPC's route name the same instance.
 */
import { ANNOTATION_NAT_GW_ROLE } from '../../../api/annotations.ts';
import type { Subnet } from '../../../api/kinds/subnet-schema.ts';
import type { VpcNatGateway } from '../../../api/kinds/vpc-nat-gateway.ts';
import type { ClusterView } from '../../../api/types.ts';
import type { ReconcileContext, ReconcileResult } from '../../../kube/reconciler.ts';
import { keyOf } from '../../../kube/queue/keys.ts';
import { MissingParentError } from '../../nb/errors.ts';
import { OWNER_INDEX, natGatewayOwner } from '../../nb/owner.ts';
import { converge } from '../../nb/send.ts';
import { WAIT_FOR_DEPENDENCY_MS, type NetworkDeps } from '../deps.ts';
import {
  activeInstance,
  currentNextHop,
  desiredGatewayRoutes,
  gatewayInstances,
  instanceRoles,
  internalCidrs,
  isHaGateway,
  type GatewayInstance,
} from './gateway-routes.ts';

/** An HA gateway's instances (its StatefulSet's pods), or undefined for a single-instance gateway. */
export function haInstances(
  view: ClusterView,
  gw: VpcNatGateway,
  workload: { name: string; namespace: string },
  lanSubnet: Subnet | undefined,
): GatewayInstance[] | undefined {
  if (!isHaGateway(gw)) return undefined;
  return gatewayInstances(view.list('Pod', workload.namespace), workload.name, lanSubnet);
}

export async function convergeGatewayRoutes(
  deps: NetworkDeps,
  ctx: ReconcileContext,
  gateway: string,
  ha: { gw: VpcNatGateway; namespace: string; instances: readonly GatewayInstance[] } | undefined,
): Promise<ReconcileResult> {
  const owner = natGatewayOwner(gateway);
  const key = keyOf('VpcNatGateway', gateway);
  const owned = deps.nb.cache
    .table('Logical_Router_Policy')
    .index(OWNER_INDEX)
    .getAll(owner) as unknown as readonly Record<string, unknown>[];
  const current = currentNextHop(owned);
  const active = ha && activeInstance(ha.instances, current);
  const desired =
    ha && active
      ? desiredGatewayRoutes({
          gateway,
          router: ha.gw.spec?.vpc ?? '',
          cidrs: internalCidrs(ctx.view, ha.gw),
          nextHop: active.lanIp,
        })
      : [];
  try {
    const sent = await converge(deps.nb, { owner, key, desired });
    if (sent && active?.lanIp !== current) {
      ctx.log.info(
        { from: current ?? null, to: active?.pod ?? null },
        'gateway routes moved to the active instance',
      );
    }
  } catch (err) {
    if (!(err instanceof MissingParentError)) throw err;
    ctx.log.debug({ reason: err.message }, 'gateway routes wait for the VPC router');
    return { requeueAfterMs: WAIT_FOR_DEPENDENCY_MS };
  }
  if (ha) {
    for (const [name, role] of instanceRoles(ha.instances, active || undefined)) {
      const pod = ctx.view.get('Pod', name, ha.namespace);
      if (!pod || pod.metadata.annotations?.[ANNOTATION_NAT_GW_ROLE] === role) continue;
      await deps.writer.patchAnnotations(
        { kind: 'Pod', name, namespace: ha.namespace },
        { [ANNOTATION_NAT_GW_ROLE]: role },
      );
    }
  }
  return;
}
