/**
 * Where a pod goes: kube-scheduler's filters in its order (NodeUnschedulable, TaintToleration, NodeAffinity with
 * the nodeSelector, InterPodAffinity), each node rejected by its first failing filter, then the feasible node with
 * the fewest pods (ties: by name). When no node fits, the reason is kube-scheduler's FitError text:
 * `0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint
 * {node-role.kubernetes.io/control-plane: }.` (without the preemption postscript: the lab does not preempt). A pod
 * with spec.nodeName is already bound and stays where it is. Pure.
 */
import { affinityFailure, type ClusterState } from './affinity.ts';
import { nodeSelectorTermsMatch } from './selectors.ts';
import { cordoned, untoleratedTaint } from './taints.ts';
import type { Node, Pod } from './types.ts';

export type Placement = { node: string; alreadyBound?: true } | { unschedulable: string };

export interface ScheduleContext {
  namespaceLabels?: ClusterState['namespaceLabels'];
}

const AFFINITY_REASONS = {
  'existing-anti-affinity': "node(s) didn't satisfy existing pods anti-affinity rules",
  affinity: "node(s) didn't match pod affinity rules",
  'anti-affinity': "node(s) didn't match pod anti-affinity rules",
} as const;

function matchesNodeAffinity(pod: Pod, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [key, value] of Object.entries(pod.spec?.nodeSelector ?? {}))
    if (labels[key] !== value) return false;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return !required || nodeSelectorTermsMatch(required.nodeSelectorTerms ?? [], node);
}

/** The reason `node` cannot take `pod` (kube-scheduler's wording), or undefined when it can. */
export function filterNode(pod: Pod, node: Node, state: ClusterState): string | undefined {
  const tolerations = pod.spec?.tolerations ?? [];
  if (cordoned(node, tolerations)) return 'node(s) were unschedulable';
  const taint = untoleratedTaint(node, tolerations);
  if (taint) return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
  if (!matchesNodeAffinity(pod, node)) return "node(s) didn't match Pod's node affinity/selector";
  const failure = affinityFailure(pod, node, state);
  return failure && AFFINITY_REASONS[failure];
}

/** kube-scheduler's FitError message. */
export function fitError(total: number, reasons: ReadonlyMap<string, number>): string {
  if (total === 0) return 'no nodes available to schedule pods';
  const parts = [...reasons].map(([reason, count]) => `${count} ${reason}`).sort();
  return `0/${total} nodes are available: ${parts.join(', ')}.`;
}

export function schedule(
  pod: Pod,
  nodes: readonly Node[],
  podsByNode: ReadonlyMap<string, readonly Pod[]>,
  context: ScheduleContext = {},
): Placement {
  if (pod.spec?.nodeName) return { node: pod.spec.nodeName, alreadyBound: true };
  const state: ClusterState = {
    podsByNode,
    nodesByName: new Map(nodes.map((n) => [n.metadata.name ?? '', n])),
    ...(context.namespaceLabels ? { namespaceLabels: context.namespaceLabels } : {}),
  };
  const reasons = new Map<string, number>();
  const feasible: Node[] = [];
  for (const node of nodes) {
    const reason = filterNode(pod, node, state);
    if (reason) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    else feasible.push(node);
  }
  const load = (n: Node): number => podsByNode.get(n.metadata.name ?? '')?.length ?? 0;
  const name = (n: Node): string => n.metadata.name ?? '';
  const best = feasible.sort(
    (a, b) => load(a) - load(b) || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0),
  )[0];
  return best ? { node: name(best) } : { unschedulable: fitError(nodes.length, reasons) };
}
