/**
 * Which subnet gives a pod its primary address, and the address (Kube-OVN's pkg/controller/pod.go): a malformed
 * address annotation refuses the pod before any subnet is looked at (`podNetworkRefusal`); then the pod's
 * candidates in order (`SubnetCatalog.podCandidates`: its annotation, else its namespace's subnets); a candidate
 * whose VPC does not list the pod's namespace refuses it, unless it is a system pod (`isSystemPod`); a subnet IPAM
 * does not know yet makes the pod wait; a full subnet passes the pod to the next candidate and the last one refuses
 * it. Allocation is idempotent per NIC, the pod's own annotations being the static request. A reservation (a user's
 * IP object for the NIC, `ip-objects.ts`) puts its subnet first among the candidates and, in that subnet, is the
 * request for what the pod's annotations leave unsaid. A refusal carries its Warning Event (`pod-address-events.ts`).
 * Reads the catalog and the cluster view; writes IPAM only.
 */
import { isSystemPod } from '../../api/constants.ts';
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { Vpc } from '../../api/kinds/vpc.ts';
import type { ClusterView, KubeObject } from '../../api/types.ts';
import type { DefaultNetworkOptions } from '../../api/default-network.ts';
import type { AllocateRequest, Allocation, Ipam } from '../../ipam/index.ts';
import { nicName } from './ipam-view.ts';
import { acquireAddressFailed, podNetworkRefusal } from './pod-address-events.ts';
import { podRequest } from './pod-annotations.ts';
import type { SubnetCatalog } from './subnet-catalog.ts';

/** What the choice reads (a part of `NetworkDeps`). */
export interface SubnetChoiceDeps {
  catalog: Pick<SubnetCatalog, 'podCandidates' | 'get'>;
  ipam: Pick<Ipam, 'subnet' | 'allocate'>;
  network: Pick<DefaultNetworkOptions, 'clusterRouter'>;
}

/** A reservation of the pod's primary NIC: its subnet and the addresses it asks for. */
export interface NicReservation {
  subnet: string;
  request: AllocateRequest;
}

export type SubnetChoice =
  | { kind: 'allocated'; subnet: Subnet; allocation: Allocation; changed: boolean }
  | { kind: 'refused'; reason: string; message: string }
  | { kind: 'wait'; message: string };

/** Why the subnet's VPC refuses the namespace (a custom VPC with `spec.namespaces` lists its tenants), or undefined. */
export function vpcAllows(
  subnet: Subnet,
  namespace: string,
  view: ClusterView,
  clusterRouter: string,
): string | undefined {
  const name = subnet.spec?.vpc || clusterRouter;
  if (name === clusterRouter) return undefined;
  const vpc = view.get('Vpc', name) as Vpc | undefined;
  const allowed = vpc?.spec?.namespaces ?? [];
  if (!allowed.length || allowed.includes(namespace)) return undefined;
  return `namespace ${namespace} is not in the namespaces of vpc ${name} ([${allowed.join(', ')}]), so it cannot use subnet ${subnet.metadata.name ?? ''}`;
}

/** The candidates with the reserved subnet first, when it is one of them. */
function reservedFirst(candidates: readonly string[], reserved: string | undefined): readonly string[] {
  if (!reserved || !candidates.includes(reserved) || candidates[0] === reserved) return candidates;
  return [reserved, ...candidates.filter((name) => name !== reserved)];
}

/** Allocates the pod's primary address from the first candidate subnet that admits it and has room. */
export function choosePodSubnet(
  deps: SubnetChoiceDeps,
  pod: KubeObject,
  view: ClusterView,
  reservation?: NicReservation,
): SubnetChoice {
  const namespace = pod.metadata.namespace ?? '';
  const nic = nicName(pod.metadata.name ?? '', namespace);
  const malformed = podNetworkRefusal(pod.metadata.annotations ?? {});
  if (malformed) return { kind: 'refused', ...malformed };
  const candidates = reservedFirst(deps.catalog.podCandidates(pod), reservation?.subnet);
  let failure: SubnetChoice = { kind: 'wait', message: `no subnet for namespace ${namespace} exists yet` };
  for (const [i, name] of candidates.entries()) {
    const subnet = deps.catalog.get(name);
    if (!subnet) {
      failure = { kind: 'wait', message: `subnet ${name} does not exist` };
      continue;
    }
    // A system pod (a VPC's NAT gateway or DNS pod) serves the VPC without being one of its tenants.
    const denied = isSystemPod(pod)
      ? undefined
      : vpcAllows(subnet, namespace, view, deps.network.clusterRouter);
    if (denied) return { kind: 'refused', reason: 'NamespaceNotAllowed', message: denied };
    if (!deps.ipam.subnet(name)) return { kind: 'wait', message: `subnet ${name} is not ready yet` };
    const request =
      reservation?.subnet === name ? { ...reservation.request, ...podRequest(pod) } : podRequest(pod);
    const result = deps.ipam.allocate(name, nic, request);
    if (result.ok)
      return { kind: 'allocated', subnet, allocation: result.allocation, changed: result.changed };
    failure = { kind: 'refused', ...acquireAddressFailed(name, result) };
    if (result.reason !== 'NoAvailableAddress' || i === candidates.length - 1) return failure;
  }
  return failure;
}
