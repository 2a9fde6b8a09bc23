/**
 * VpcNatGateway reconciler (§4.3 step 1): absent or deleting -> drop the finalizer (the StatefulSet goes with its
 * owner through garbage collection). Otherwise: the feature must be configured (both ConfigMaps), the VPC and the
 * LAN subnet must exist (else `Ready=False` with the reason, looked at again later); render the StatefulSet and
 * create it, or replace it when what we render changed (a selector, toleration, affinity, external subnet or image
 * change: the StatefulSet controller re-creates the pod); then write the status: `ready` = the StatefulSet has a
 * ready replica, `lanIp`, the spec copies Kube-OVN keeps, `workload` with the pod's node. With
 * `enable-vpc-nat-gw` not `"true"` the StatefulSet is deleted and the CR kept, not ready, as Kube-OVN does.
 */
import {
  CONTROLLER_NAMESPACE,
  DEFAULT_EXTERNAL_NETWORK,
  FINALIZER,
  NAT_GW_CONFIG,
  NAT_GW_ENABLE_CONFIG,
} from '../../../api/constants.ts';
import { natGatewayEnabled, parseNatGwConfig } from '../../../api/kinds/configmaps.ts';
import type { Subnet } from '../../../api/kinds/subnet-schema.ts';
import type { VpcNatGateway } from '../../../api/kinds/vpc-nat-gateway.ts';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../../../kube/reconciler.ts';
import { WAIT_FOR_DEPENDENCY_MS, type NetworkDeps } from '../deps.ts';
import { ensureFinalizer } from '../../../kube/writer.ts';
import { renderGatewayWorkload } from './gateway-workload.ts';
import { ANNOTATION_TEMPLATE_HASH, workloadName, workloadNamespace } from './names.ts';
import { readyCondition, writeStatus } from './status.ts';
import { gatewayWatches } from './watches.ts';

export function gatewayReconciler(deps: NetworkDeps): Reconciler {
  return {
    kind: 'VpcNatGateway',
    watches: gatewayWatches,
    async reconcile(_key: string, ctx: ReconcileContext): Promise<ReconcileResult> {
      const view = ctx.view;
      const gw = view.get('VpcNatGateway', ctx.ref.name) as VpcNatGateway | undefined;
      if (!gw || gw.metadata.deletionTimestamp) {
        if (gw) await ensureFinalizer(deps.writer, gw, FINALIZER, false);
        return;
      }
      await ensureFinalizer(deps.writer, gw, FINALIZER, true);
      const notReady = async (reason: string, message: string, retry = true): Promise<ReconcileResult> => {
        await writeStatus(deps.writer, ctx, gw, { ready: false }, readyCondition(false, reason, message));
        return retry ? { requeueAfterMs: WAIT_FOR_DEPENDENCY_MS * 5 } : undefined;
      };
      const configMap = view.get('ConfigMap', NAT_GW_CONFIG, CONTROLLER_NAMESPACE);
      const config = configMap ? parseNatGwConfig(configMap) : undefined;
      if (!config?.image)
        return notReady(
          'NatGwNotConfigured',
          `ConfigMap ${CONTROLLER_NAMESPACE}/${NAT_GW_CONFIG} has no image`,
          false,
        );
      if (!natGatewayEnabled(view.get('ConfigMap', NAT_GW_ENABLE_CONFIG, CONTROLLER_NAMESPACE))) {
        // As Kube-OVN: the feature switched off removes the gateway workloads and keeps the CRs.
        const name = workloadName(view, ctx.ref.name);
        const namespace = workloadNamespace(gw);
        if (view.get('StatefulSet', name, namespace)) {
          await deps.writer.remove({ kind: 'StatefulSet', name, namespace });
          ctx.log.info({ statefulset: `${namespace}/${name}` }, 'NAT gateways disabled: workload deleted');
        }
        return notReady(
          'NatGwNotEnabled',
          `iptables nat gw not enabled: set enable-vpc-nat-gw: "true" in ConfigMap ${CONTROLLER_NAMESPACE}/${NAT_GW_ENABLE_CONFIG}`,
          false,
        );
      }
      const spec = gw.spec;
      if (!spec?.vpc || !view.get('Vpc', spec.vpc))
        return notReady('VpcNotFound', `vpc ${spec?.vpc ?? ''} does not exist`);
      const lanSubnet = spec.subnet ? (view.get('Subnet', spec.subnet) as Subnet | undefined) : undefined;
      if (!lanSubnet) return notReady('SubnetNotFound', `subnet ${spec.subnet ?? ''} does not exist`);
      const extName = spec.externalSubnets?.[0] || DEFAULT_EXTERNAL_NETWORK;
      const externalSubnet = view.get('Subnet', extName) as Subnet | undefined;
      const vpcSubnets = (view.list('Subnet') as Subnet[]).filter(
        (s) => s.spec?.vpc === spec.vpc && s.metadata.name !== spec.subnet && !s.metadata.deletionTimestamp,
      );
      const want = renderGatewayWorkload({
        gateway: gw,
        image: config.image,
        prefix: config.natGwNamePrefix,
        lanSubnet,
        externalSubnet,
        vpcSubnets,
      });
      const namespace = want.metadata.namespace ?? CONTROLLER_NAMESPACE;
      const name = want.metadata.name ?? '';
      const existing = view.get('StatefulSet', name, namespace);
      if (!existing) {
        await deps.writer.create(want);
        ctx.log.info({ statefulset: `${namespace}/${name}` }, 'gateway workload created');
      } else if (
        existing.metadata.annotations?.[ANNOTATION_TEMPLATE_HASH] !==
        want.metadata.annotations?.[ANNOTATION_TEMPLATE_HASH]
      ) {
        await deps.writer.update({
          ...want,
          metadata: { ...want.metadata, resourceVersion: existing.metadata.resourceVersion ?? '' },
        });
        ctx.log.info(
          { statefulset: `${namespace}/${name}` },
          'gateway workload changed: the pod is re-created',
        );
      }
      const readyReplicas =
        (existing?.['status'] as { readyReplicas?: number } | undefined)?.readyReplicas ?? 0;
      const pod = view.get('Pod', `${name}-0`, namespace);
      const node = (pod?.['spec'] as { nodeName?: string } | undefined)?.nodeName;
      const ready = readyReplicas >= 1;
      const fields = {
        ready,
        lanIp: spec.lanIp ?? '',
        externalSubnets: spec.externalSubnets ?? [],
        selector: spec.selector ?? [],
        tolerations: spec.tolerations ?? [],
        affinity: spec.affinity ?? {},
        workload: { apiVersion: 'apps/v1', kind: 'StatefulSet', name, nodes: node ? [node] : [] },
      };
      const condition = ready
        ? readyCondition(true, 'WorkloadReady', `StatefulSet ${namespace}/${name} is ready`)
        : readyCondition(
            false,
            'Pending',
            `waiting for StatefulSet ${namespace}/${name} to have a ready pod`,
          );
      await writeStatus(deps.writer, ctx, gw, fields, condition);
      return;
    },
  };
}
