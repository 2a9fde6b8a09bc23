/**
 * Which pods a NetworkPolicy is about, as Kubernetes defines it: the pods it selects (its `podSelector` in its own
 * namespace), the pods a rule's peer names (`podSelector` alone: in the policy's namespace; `namespaceSelector`
 * alone: every pod of the matching namespaces; both: the matching pods of the matching namespaces), their addresses
 * per family, and what a named port is on a set of pods (their containers' ports of that name and protocol). Pure.
 */
import type { NetworkPolicyPeer, PortProtocol } from '../../api/kinds/network-policy.ts';
import { selectorMatches } from '../../api/label-selector.ts';
import { parseIp, type Family } from '../../net/ip.ts';

/** A pod as the policy code needs it: where it is, its labels, addresses, container ports and switch port. */
export interface PolicyPod {
  namespace: string;
  name: string;
  labels: Readonly<Record<string, string>>;
  /** Its primary network's addresses (`ovn.kubernetes.io/ip_address`), any family. */
  ips: readonly string[];
  ports: readonly { name?: string; containerPort: number; protocol: PortProtocol }[];
  /** The UUID of its Logical_Switch_Port in NB, once the Pod reconciler made it. */
  portUuid: string | undefined;
}

export interface PolicyWorld {
  pods: readonly PolicyPod[];
  /** Labels of every namespace, by name. */
  namespaceLabels: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

/** The pods the policy applies to. */
export function selectedPods(
  world: PolicyWorld,
  namespace: string,
  podSelector: NetworkPolicyPeer['podSelector'],
): PolicyPod[] {
  return world.pods.filter((p) => p.namespace === namespace && selectorMatches(podSelector ?? {}, p.labels));
}

/** The pods one selector peer names (an ipBlock peer names none). */
export function peerPods(world: PolicyWorld, namespace: string, peer: NetworkPolicyPeer): PolicyPod[] {
  if (peer.ipBlock || (!peer.podSelector && !peer.namespaceSelector)) return [];
  const inNamespace = (pod: PolicyPod): boolean =>
    peer.namespaceSelector
      ? selectorMatches(peer.namespaceSelector, world.namespaceLabels.get(pod.namespace) ?? {})
      : pod.namespace === namespace;
  return world.pods.filter(
    (pod) => inNamespace(pod) && (!peer.podSelector || selectorMatches(peer.podSelector, pod.labels)),
  );
}

/** The addresses of `pods` in one family, sorted and without repeats. */
export function addressesOf(pods: readonly PolicyPod[], family: Family): string[] {
  const out = new Set<string>();
  for (const pod of pods) for (const ip of pod.ips) if (parseIp(ip)?.family === family) out.add(ip);
  return [...out].sort();
}

/** The families the pods' addresses are in (IPv4 first). */
export function familiesOf(pods: readonly PolicyPod[]): Family[] {
  const seen = new Set(pods.flatMap((p) => p.ips.map((ip) => parseIp(ip)?.family)));
  return ([4, 6] as const).filter((f) => seen.has(f));
}

/** The port numbers a named port stands for on `pods`, for one protocol, sorted. */
export function namedPortNumbers(pods: readonly PolicyPod[], name: string, protocol: PortProtocol): number[] {
  const numbers = new Set<number>();
  for (const pod of pods) {
    for (const port of pod.ports)
      if (port.name === name && port.protocol === protocol) numbers.add(port.containerPort);
  }
  return [...numbers].sort((a, b) => a - b);
}
