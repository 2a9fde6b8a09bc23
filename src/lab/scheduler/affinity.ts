/**
 * Required inter-pod affinity and anti-affinity (the InterPodAffinity filter) over any topology key (the lab uses
 * `kubernetes.io/hostname`): a node is in a pod's topology domain when both nodes carry the key with equal values.
 * checked in kube-scheduler's order, the first failure naming the node's reason:
 * - affinity: every term needs, in the node's domain, a pod matching all the terms, except for the first pod of a
 *   group (no pod anywhere matches, and the pod matches its own terms);
 * - anti-affinity: no pod matching a term may share the node's domain;
 * - existing pods' anti-affinity: a node sharing a domain with a pod whose anti-affinity term selects the incoming
 *   pod is out.
 * A term selects pods of its own pod's namespace unless it names `namespaces` or a `namespaceSelector`. Pure.
 */
import { labelSelectorMatches } from './selectors.ts';
import type { Node, Pod, PodAffinityTerm } from './types.ts';

export type AffinityFailure = 'existing-anti-affinity' | 'affinity' | 'anti-affinity';

export interface ClusterState {
  /** Bound, non-terminal pods by node name. */
  podsByNode: ReadonlyMap<string, readonly Pod[]>;
  nodesByName: ReadonlyMap<string, Node>;
  /** Labels of a namespace, for terms with a non-empty namespaceSelector (unknown: no labels). */
  namespaceLabels?: (namespace: string) => Readonly<Record<string, string>> | undefined;
}

const requiredAffinity = (pod: Pod): readonly PodAffinityTerm[] =>
  pod.spec?.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
const requiredAntiAffinity = (pod: Pod): readonly PodAffinityTerm[] =>
  pod.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];

function namespaceSelected(
  term: PodAffinityTerm,
  ownerNamespace: string,
  namespace: string,
  state: ClusterState,
): boolean {
  const listed = term.namespaces ?? [];
  if (!listed.length && !term.namespaceSelector) return namespace === ownerNamespace;
  if (listed.includes(namespace)) return true;
  return term.namespaceSelector
    ? labelSelectorMatches(term.namespaceSelector, state.namespaceLabels?.(namespace))
    : false;
}

/** Does `term`, written in a pod of `ownerNamespace`, select `pod`? */
export function termSelects(
  term: PodAffinityTerm,
  ownerNamespace: string,
  pod: Pod,
  state: ClusterState,
): boolean {
  return (
    namespaceSelected(term, ownerNamespace, pod.metadata.namespace ?? '', state) &&
    labelSelectorMatches(term.labelSelector, pod.metadata.labels)
  );
}

function sameDomain(a: Node, b: Node | undefined, key: string): boolean {
  const value = a.metadata.labels?.[key];
  return value !== undefined && b !== undefined && b.metadata.labels?.[key] === value;
}

function* existingPods(state: ClusterState): Generator<{ pod: Pod; node: Node | undefined }> {
  for (const [nodeName, pods] of state.podsByNode) {
    const node = state.nodesByName.get(nodeName);
    for (const pod of pods) yield { pod, node };
  }
}

/** Why `node` is out for `pod` under inter-pod (anti-)affinity, or undefined when it is not. */
export function affinityFailure(pod: Pod, node: Node, state: ClusterState): AffinityFailure | undefined {
  const namespace = pod.metadata.namespace ?? '';
  const affinity = requiredAffinity(pod);
  if (affinity.length) {
    if (affinity.some((t) => node.metadata.labels?.[t.topologyKey] === undefined)) return 'affinity';
    const matchesAll = (p: Pod): boolean => affinity.every((t) => termSelects(t, namespace, p, state));
    const matching = [...existingPods(state)].filter(({ pod: p }) => matchesAll(p));
    const satisfied = affinity.every((t) =>
      matching.some(({ node: n }) => sameDomain(node, n, t.topologyKey)),
    );
    if (!satisfied && !(matching.length === 0 && matchesAll(pod))) return 'affinity';
  }
  for (const term of requiredAntiAffinity(pod)) {
    for (const { pod: other, node: otherNode } of existingPods(state)) {
      if (termSelects(term, namespace, other, state) && sameDomain(node, otherNode, term.topologyKey)) {
        return 'anti-affinity';
      }
    }
  }
  for (const { pod: other, node: otherNode } of existingPods(state)) {
    const terms = requiredAntiAffinity(other);
    const ownerNs = other.metadata.namespace ?? '';
    if (
      terms.some((t) => termSelects(t, ownerNs, pod, state) && sameDomain(node, otherNode, t.topologyKey))
    ) {
      return 'existing-anti-affinity';
    }
  }
  return undefined;
}
