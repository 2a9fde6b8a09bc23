/**
 * VpcNatGateway reconciler (Kube-OVN's `handleAddOrUpdateVpcNatGw`, pkg/controller/vpc_nat_gateway.go): absent or
 * deleting -> drop the finalizer (the StatefulSet goes with its owner through garbage collection). Otherwise: the
 * feature must be configured (both ConfigMaps), the VPC and the LAN subnet must exist (else `Ready=False` with the
 * reason, looked at again later); label it with its subnet and VPC (`ovn.kubernetes.io/subnet`,
 * `ovn.kubernetes.io/vpc`) as Kube-OVN does; render the StatefulSet and create it, or replace it when what we render
 * changed (a selector, toleration, affinity, external subnet or image change: the StatefulSet controller re-creates
 * the pod); then write the status: `ready` as Kube-OVN reads the StatefulSet, `lanIp`, the spec copies Kube-OVN
 * keeps, `workload` with the pod's node. With `enable-vpc-nat-gw` not `"true"` the StatefulSet is deleted and the CR
 * kept, not ready, as Kube-OVN does. An HA gateway (`replicas > 1`, ADR 37) also owns the VPC's routes from its
 * internal CIDRs to its active instance (gateway-routes.ts), converged in one NB transaction after the workload and
 * removed when the gateway goes or no instance is live. The steps here are the writes; what they write is decided in
 * gateway-plan.ts and gateway-routes.ts.
 */
import type { VpcNatGateway } from '../../../api/kinds/vpc-nat-gateway.ts';
import type { KubeObject } from '../../../api/types.ts';
import type { ObjectRef } from '../../../kube/queue/keys.ts';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../../../kube/reconciler.ts';
import { refOf } from '../../../kube/writer.ts';
import type { NetworkDeps } from '../deps.ts';
import { finalizedReconciler } from './finalized.ts';
import { gatewayLabels, gatewayStatus, readGateway, workloadChange, workloadRef } from './gateway-plan.ts';
import { labelChanges } from './rule-status.ts';
import { renderGatewayWorkload } from './gateway-workload.ts';
import { writeNotReady, writeStatus } from './status.ts';
import { gatewayWatches } from './watches.ts';
import { convergeGatewayRoutes, haInstances } from './gateway-route-sync.ts';

export function gatewayReconciler(deps: NetworkDeps): Reconciler {
  return finalizedReconciler<VpcNatGateway>(deps.writer, {
    kind: 'VpcNatGateway',
    watches: gatewayWatches,
    converge: (gw, ctx) => convergeGateway(deps, gw, ctx),
    release: async (gw, ctx) => {
      await convergeGatewayRoutes(deps, ctx, gw?.metadata.name ?? ctx.ref.name, undefined);
      return undefined;
    },
  });
}

/** Live: read what the workload needs, create or replace the StatefulSet, then the status. */
async function convergeGateway(
  deps: NetworkDeps,
  gw: VpcNatGateway,
  ctx: ReconcileContext,
): Promise<ReconcileResult> {
  const reading = readGateway(ctx.view, gw);
  if (!reading.ok) {
    if (reading.remove) await removeWorkload(deps, ctx, reading.remove);
    await convergeGatewayRoutes(deps, ctx, gw.metadata.name ?? '', undefined);
    return writeNotReady(deps.writer, ctx, gw, reading.notReady);
  }
  // Once the feature is on and the VPC and subnet exist (admission refuses any other write), as Kube-OVN's init.
  const labels = labelChanges(gw, gatewayLabels(gw));
  if (Object.keys(labels).length) await deps.writer.patchLabels(refOf(gw), labels);
  const want = renderGatewayWorkload(reading.workload);
  const ref = workloadRef(want);
  const existing = ctx.view.get('StatefulSet', ref.name, ref.namespace);
  await applyWorkload(deps, ctx, want, existing);
  const pod = ctx.view.get('Pod', `${ref.name}-0`, ref.namespace);
  const instances = haInstances(ctx.view, gw, ref, reading.workload.lanSubnet);
  const requeue = await convergeGatewayRoutes(
    deps,
    ctx,
    gw.metadata.name ?? '',
    instances && { gw, namespace: ref.namespace, instances },
  );
  const { fields, condition } = gatewayStatus(gw, ref, existing, pod, instances);
  await writeStatus(deps.writer, ctx, gw, fields, condition);
  return requeue;
}

async function removeWorkload(deps: NetworkDeps, ctx: ReconcileContext, ref: ObjectRef): Promise<void> {
  await deps.writer.remove(ref);
  ctx.log.info(
    { statefulset: `${ref.namespace ?? ''}/${ref.name}` },
    'NAT gateways disabled: workload deleted',
  );
}

async function applyWorkload(
  deps: NetworkDeps,
  ctx: ReconcileContext,
  want: KubeObject,
  existing: KubeObject | undefined,
): Promise<void> {
  const { name, namespace } = workloadRef(want);
  const change = workloadChange(existing, want);
  if (change === 'create') {
    await deps.writer.create(want);
    ctx.log.info({ statefulset: `${namespace}/${name}` }, 'gateway workload created');
  } else if (change === 'replace') {
    const resourceVersion = existing?.metadata.resourceVersion ?? '';
    await deps.writer.update({ ...want, metadata: { ...want.metadata, resourceVersion } });
    ctx.log.info({ statefulset: `${namespace}/${name}` }, 'gateway workload changed: the pod is re-created');
  }
}
