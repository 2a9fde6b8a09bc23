/**
 * The pure steps of the VpcNatGateway reconcile (gateway.ts does the writes): what it reads before rendering (the
 * feature configured and switched on, the VPC and the LAN subnet there; else why it stops, and, with the feature
 * off, the workload to delete), whether the rendered StatefulSet is created, replaced (our template hash changed) or
 * kept, the labels Kube-OVN puts on the gateway, and its status (`ready` as Kube-OVN reads a StatefulSet, `lanIp`,
 * the spec copies Kube-OVN keeps, `workload` with the pod's node).
 */
import { CONTROLLER_NAMESPACE, NAT_GW_CONFIG, NAT_GW_ENABLE_CONFIG } from '../../../api/constants.ts';
import { natGatewayEnabled, parseNatGwConfig } from '../../../api/kinds/configmaps.ts';
import type { Subnet } from '../../../api/kinds/subnet-schema.ts';
import type { VpcNatGateway } from '../../../api/kinds/vpc-nat-gateway.ts';
import type { ClusterView, KubeObject } from '../../../api/types.ts';
import type { ObjectRef } from '../../../kube/queue/keys.ts';
import type { ConditionInput } from '../conditions.ts';
import { WAIT_FOR_DEPENDENCY_MS } from '../deps.ts';
import type { GatewayWorkloadInput } from './gateway-workload.ts';
import { ANNOTATION_TEMPLATE_HASH, ANNOTATION_VPC, LABEL_SUBNET } from '../../../api/annotations.ts';
import { externalSubnetNames, workloadName, workloadNamespace } from './names.ts';
import { readyCondition, type NotReady } from './status.ts';
import type { GatewayInstance } from './gateway-routes.ts';

/** `remove`: the StatefulSet to delete first (the feature is switched off). */
type GatewayStop = { ok: false; notReady: NotReady; remove?: ObjectRef };
export type GatewayReading = { ok: true; workload: GatewayWorkloadInput } | GatewayStop;

/** A missing dependency is looked at again later; a configuration problem when the ConfigMap changes. */
const stop = (reason: string, message: string, retry = true): GatewayStop => ({
  ok: false,
  notReady: {
    fields: { ready: false },
    condition: readyCondition(false, reason, message),
    ...(retry ? { requeueAfterMs: WAIT_FOR_DEPENDENCY_MS * 5 } : {}),
  },
});

/** The workload's inputs from the cache, in Kube-OVN's order of checks, or why the gateway cannot have one. */
export function readGateway(view: ClusterView, gw: VpcNatGateway): GatewayReading {
  const configMap = view.get('ConfigMap', NAT_GW_CONFIG, CONTROLLER_NAMESPACE);
  const config = configMap ? parseNatGwConfig(configMap) : undefined;
  if (!config?.image)
    return stop(
      'NatGwNotConfigured',
      `ConfigMap ${CONTROLLER_NAMESPACE}/${NAT_GW_CONFIG} has no image`,
      false,
    );
  if (!natGatewayEnabled(view.get('ConfigMap', NAT_GW_ENABLE_CONFIG, CONTROLLER_NAMESPACE))) {
    // As Kube-OVN: the feature switched off removes the gateway workloads and keeps the CRs.
    const off = stop(
      'NatGwNotEnabled',
      `iptables nat gw not enabled: set enable-vpc-nat-gw: "true" in ConfigMap ${CONTROLLER_NAMESPACE}/${NAT_GW_ENABLE_CONFIG}`,
      false,
    );
    const name = workloadName(view, gw.metadata.name ?? '');
    const namespace = workloadNamespace(gw);
    if (!view.get('StatefulSet', name, namespace)) return off;
    return { ...off, remove: { kind: 'StatefulSet', name, namespace } };
  }
  const spec = gw.spec;
  if (!spec?.vpc || !view.get('Vpc', spec.vpc))
    return stop('VpcNotFound', `vpc ${spec?.vpc ?? ''} does not exist`);
  const lanSubnet = spec.subnet ? (view.get('Subnet', spec.subnet) as Subnet | undefined) : undefined;
  if (!lanSubnet) return stop('SubnetNotFound', `subnet ${spec.subnet ?? ''} does not exist`);
  const externalNames = externalSubnetNames(gw);
  const vpcSubnets = (view.list('Subnet') as Subnet[]).filter(
    (s) => s.spec?.vpc === spec.vpc && s.metadata.name !== spec.subnet && !s.metadata.deletionTimestamp,
  );
  return {
    ok: true,
    workload: {
      gateway: gw,
      image: config.image,
      prefix: config.natGwNamePrefix,
      lanSubnet,
      externalSubnets: externalNames.map((name) => ({
        name,
        subnet: view.get('Subnet', name),
      })),
      vpcSubnets,
    },
  };
}

/** Where the rendered StatefulSet lives. */
export const workloadRef = (want: KubeObject): { name: string; namespace: string } => ({
  name: want.metadata.name ?? '',
  namespace: want.metadata.namespace ?? CONTROLLER_NAMESPACE,
});

/** Created when absent, replaced when what we render changed (the hash we put on it), else kept. */
export function workloadChange(
  existing: KubeObject | undefined,
  want: KubeObject,
): 'create' | 'replace' | 'keep' {
  if (!existing) return 'create';
  const hash = (o: KubeObject) => o.metadata.annotations?.[ANNOTATION_TEMPLATE_HASH];
  return hash(existing) !== hash(want) ? 'replace' : 'keep';
}

interface StatefulSetState {
  metadata: { generation?: number };
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    readyReplicas?: number;
    currentReplicas?: number;
    updatedReplicas?: number;
  };
}

/**
 * Kube-OVN's `StatefulSetIsReady`: the controller has seen the latest spec, every replica is ready, and none runs a
 * template older than the ready ones (a replaced template is not ready until its pod is).
 */
export function statefulSetReady(sts: KubeObject | undefined): boolean {
  if (!sts) return false;
  const { metadata, spec, status = {} } = sts as unknown as StatefulSetState;
  const ready = status.readyReplicas ?? 0;
  if ((metadata.generation ?? 0) > (status.observedGeneration ?? 0)) return false;
  if (ready < (spec?.replicas ?? 1)) return false;
  return (status.currentReplicas ?? 0) <= ready && (status.updatedReplicas ?? 0) >= ready;
}

/** The labels Kube-OVN's `updateCrdNatGwLabels` puts on the gateway (its QoS label aside: no QoS here). */
export const gatewayLabels = (gw: VpcNatGateway): Record<string, string> => ({
  [LABEL_SUBNET]: gw.spec?.subnet ?? '',
  [ANNOTATION_VPC]: gw.spec?.vpc ?? '',
});

/**
 * The status from the StatefulSet as it was read and its pod (the node it runs on): `ready` as Kube-OVN's
 * `StatefulSetIsReady`, `lanIp`, and the spec copies Kube-OVN's `patchNatGwStatus` keeps (`replicas` as written, 0
 * when unset; the internal subnets and CIDRs when set).
 */
export function gatewayStatus(
  gw: VpcNatGateway,
  workload: { name: string; namespace: string },
  existing: KubeObject | undefined,
  pod: KubeObject | undefined,
  /** HA (replicas > 1): every instance; `lanIp` is then their addresses, sorted, comma-separated, as Kube-OVN's. */
  instances?: readonly GatewayInstance[],
): { fields: Record<string, unknown>; condition: ConditionInput } {
  const { name, namespace } = workload;
  const spec = gw.spec;
  const node = (pod?.['spec'] as { nodeName?: string } | undefined)?.nodeName;
  const nodes = instances
    ? [...new Set(instances.map((i) => i.node).filter((n) => n !== ''))].sort()
    : node
      ? [node]
      : [];
  const lanIp = instances
    ? instances
        .map((i) => i.lanIp)
        .filter((ip) => ip !== '')
        .sort()
        .join(',')
    : (spec?.lanIp ?? '');
  const ready = statefulSetReady(existing);
  const fields = {
    ready,
    lanIp,
    externalSubnets: spec?.externalSubnets ?? [],
    selector: spec?.selector ?? [],
    tolerations: spec?.tolerations ?? [],
    affinity: spec?.affinity ?? {},
    replicas: spec?.replicas ?? 0,
    ...(spec?.internalSubnets ? { internalSubnets: spec.internalSubnets } : {}),
    ...(spec?.internalCIDRs ? { internalCIDRs: spec.internalCIDRs } : {}),
    workload: { apiVersion: 'apps/v1', kind: 'StatefulSet', name, nodes },
  };
  const condition = ready
    ? readyCondition(true, 'WorkloadReady', `StatefulSet ${namespace}/${name} is ready`)
    : readyCondition(false, 'Pending', `waiting for StatefulSet ${namespace}/${name} to have a ready pod`);
  return { fields, condition };
}
