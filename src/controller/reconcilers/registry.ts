/**
 * The network reconcilers (Vpc, Subnet, Pod, Namespace, Node, NetworkPolicy; the Pod reconciler also keeps the IP
 * objects) and the NB tables they need replicated. `NB_MONITOR` is what the NB client must monitor before the
 * reconcilers run: the diff reads owned rows, parents and names from it.
 */
import type { MonitorSpec } from '../../ovsdb/monitor.ts';
import { OWNED_TABLES } from '../nb/model.ts';
import type { Reconciler } from '../../kube/reconciler.ts';
import type { NetworkDeps } from './deps.ts';
import { namespaceReconciler } from './namespace.ts';
import { networkPolicyReconciler } from './network-policy.ts';
import { nodeReconciler } from './node.ts';
import { podReconciler } from './pod.ts';
import { subnetReconciler } from './subnet.ts';
import { vpcReconciler } from './vpc.ts';
import { NAT_KINDS, natReconcilers } from './natgw/index.ts';
import { serviceReconcilers } from '../services/index.ts';

export const NB_MONITOR: MonitorSpec = Object.fromEntries(OWNED_TABLES.map((t) => [t, {}]));

/** Kinds the informers must cache for these reconcilers. */
export const NETWORK_KINDS = [
  'Vpc',
  'Subnet',
  'Pod',
  'Namespace',
  'Node',
  'IP',
  'NetworkPolicy',
  // A pod's attachments: the NAD's type makes its NIC an OVN port or an address only (pod-ovn-attachments.ts).
  'NetworkAttachmentDefinition',
  ...NAT_KINDS,
] as const;

export function networkReconcilers(deps: NetworkDeps): Reconciler[] {
  return [
    vpcReconciler(deps),
    subnetReconciler(deps),
    podReconciler(deps),
    namespaceReconciler(deps),
    nodeReconciler(deps),
    networkPolicyReconciler(deps),
    ...natReconcilers(deps),
    ...(deps.services ? serviceReconcilers(deps, deps.services.applier, deps.services) : []),
  ];
}
