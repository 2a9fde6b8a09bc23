/**
 * What a NetworkPolicy reconcile reads, from the informer caches and the NB cache: every pod with an address as a
 * `PolicyPod` (labels, `ovn.kubernetes.io/ip_address`, container ports, the UUID of its switch port), every
 * namespace's labels; and which policies a Pod or Namespace change can concern (the watch mappings): a pod, the
 * policies of its namespace and every policy with a `namespaceSelector` peer; a namespace's labels, the latter.
 * Only updates that change what the policies read are mapped (labels, address, ports, being gone).
 */
import { ANNOTATION_IP_ADDRESS } from '../../api/annotations.ts';
import type { NetworkPolicy, PortProtocol } from '../../api/kinds/network-policy.ts';
import type { ClusterView, KubeObject } from '../../api/types.ts';
import type { DatabaseCache } from '../../ovsdb/cache.ts';
import type { OvnNbTables } from '../../ovsdb/generated/ovn-nb.ts';
import { keyOf } from '../../kube/queue/keys.ts';
import type { WatchMapping } from '../../kube/reconciler.ts';
import { sameJson } from '../../kube/writer.ts';
import type { PolicyPod, PolicyWorld } from '../nb/network-policy-peers.ts';
import { OWNER_KEY, podOwner } from '../nb/owner.ts';
import { podPortName } from '../nb/pod.ts';
import { podGone } from './pending-pods.ts';

interface ContainerPort {
  name?: string;
  containerPort?: number;
  protocol?: string;
}

const podIps = (pod: KubeObject): string[] =>
  (pod.metadata.annotations?.[ANNOTATION_IP_ADDRESS] ?? '')
    .split(',')
    .map((ip) => ip.trim())
    .filter(Boolean);

function containerPorts(pod: KubeObject): PolicyPod['ports'] {
  const containers = (pod['spec'] as { containers?: { ports?: ContainerPort[] }[] } | undefined)?.containers;
  return (containers ?? []).flatMap((c) =>
    (c.ports ?? []).flatMap((p) =>
      typeof p.containerPort === 'number'
        ? [
            {
              ...(p.name ? { name: p.name } : {}),
              containerPort: p.containerPort,
              protocol: (p.protocol ?? 'TCP') as PortProtocol,
            },
          ]
        : [],
    ),
  );
}

/** The pods and namespaces the policies read, with each pod's switch port as the Pod reconciler made it. */
export function policyWorld(view: ClusterView, nb: DatabaseCache<OvnNbTables>): PolicyWorld {
  const ports = nb.table('Logical_Switch_Port').index('name');
  const pods = view.list('Pod').flatMap((pod): PolicyPod[] => {
    const ips = podIps(pod);
    if (podGone(pod) || !ips.length) return [];
    const namespace = pod.metadata.namespace ?? '';
    const name = pod.metadata.name ?? '';
    const port = ports
      .getAll(podPortName(name, namespace))
      .find((lsp) => lsp.external_ids[OWNER_KEY] === podOwner(namespace, name));
    return [
      {
        namespace,
        name,
        labels: pod.metadata.labels ?? {},
        ips,
        ports: containerPorts(pod),
        portUuid: port?._uuid,
      },
    ];
  });
  const namespaceLabels = new Map(
    view.list('Namespace').map((ns) => [ns.metadata.name ?? '', ns.metadata.labels ?? {}] as const),
  );
  return { pods, namespaceLabels };
}

const usesNamespaceSelector = (policy: NetworkPolicy): boolean =>
  [
    ...(policy.spec?.ingress ?? []).flatMap((r) => r.from ?? []),
    ...(policy.spec?.egress ?? []).flatMap((r) => r.to ?? []),
  ].some((peer) => peer.namespaceSelector !== undefined && peer.namespaceSelector !== null);

const policyKey = (p: KubeObject): string =>
  keyOf('NetworkPolicy', p.metadata.name ?? '', p.metadata.namespace);

/** What of a pod the policies read. */
const podFacts = (pod: KubeObject) => ({
  labels: pod.metadata.labels ?? {},
  ips: podIps(pod),
  ports: containerPorts(pod),
  gone: podGone(pod),
});

export const policyWatches: readonly WatchMapping[] = [
  {
    kind: 'Pod',
    map: (pod, view) =>
      (view.list('NetworkPolicy') as NetworkPolicy[])
        .filter((p) => p.metadata.namespace === pod.metadata.namespace || usesNamespaceSelector(p))
        .map(policyKey),
    changed: (pod, old) => !sameJson(podFacts(pod), podFacts(old)),
  },
  {
    kind: 'Namespace',
    map: (_ns, view) =>
      (view.list('NetworkPolicy') as NetworkPolicy[]).filter(usesNamespaceSelector).map(policyKey),
    changed: (ns, old) => !sameJson(ns.metadata.labels ?? {}, old.metadata.labels ?? {}),
  },
];
