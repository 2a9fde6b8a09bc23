/**
 * The pod status kubelet-lite reports, as a kubelet would: Running with every condition True, the pod's IPs (from
 * the primary network's CNI result, or the node's for hostNetwork pods), the node's InternalIP as hostIP, and one
 * ready, running status per container; or, while the sandbox cannot be set up, Pending with the containers waiting
 * in ContainerCreating and Ready False carrying the error. Timestamps already on the pod are kept when nothing about
 * them changed, so a kubelet that restarts over a running pod computes the same status and writes nothing. Pure.
 */
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../api/types.ts';

interface Condition {
  type: string;
  status: 'True' | 'False';
  lastProbeTime: null;
  lastTransitionTime: string;
  reason?: string;
  message?: string;
}

interface ContainerSpec {
  name?: string;
  image?: string;
  ports?: { containerPort?: number; protocol?: string }[];
}

export interface StatusInput {
  pod: KubeObject;
  /** RFC 3339 time of this computation. */
  now: string;
  hostIP?: string;
  podIPs: string[];
  containerId: string;
  /** Set while the sandbox is not ready: why. */
  failure?: string;
  /** Per container, what its probes say (probes.ts); a container not listed is ready once running. */
  probes?: ReadonlyMap<string, ContainerProbeStatus>;
}

/** A container's state as its probes decide it. */
export interface ContainerProbeStatus {
  /** Startup probe passed (or there is none). */
  started: boolean;
  /** Started, and the readiness probe passes (or there is none). */
  ready: boolean;
  restartCount: number;
  /** When the container stand-in was last (re)started by a liveness or startup failure. */
  startedAt?: string;
}

const CONDITIONS = [
  'PodReadyToStartContainers',
  'Initialized',
  'Ready',
  'ContainersReady',
  'PodScheduled',
] as const;

export function containersOf(pod: KubeObject): ContainerSpec[] {
  return ((pod['spec'] as { containers?: ContainerSpec[] } | undefined)?.containers ?? []).filter(
    (c) => c.name,
  );
}

/** The pod's declared ports as `tcp:80`, `udp:53` (SCTP is not answered), sorted and unique. */
export function declaredPorts(pod: KubeObject): string[] {
  const out = new Set<string>();
  for (const c of containersOf(pod))
    for (const p of c.ports ?? []) {
      const proto = (p.protocol ?? 'TCP').toUpperCase();
      if (p.containerPort && (proto === 'TCP' || proto === 'UDP'))
        out.add(`${proto.toLowerCase()}:${p.containerPort}`);
    }
  return [...out].sort();
}

export function desiredStatus(input: StatusInput): Record<string, unknown> {
  const { pod, now, failure } = input;
  const current = (pod['status'] ?? {}) as {
    conditions?: Condition[];
    startTime?: string;
    containerStatuses?: { name?: string; state?: { running?: { startedAt?: string } } }[];
  };
  const ready = failure === undefined;
  const probed = (name: string): ContainerProbeStatus | undefined => input.probes?.get(name);
  const unready = containersOf(pod)
    .map((c) => c.name ?? '')
    .filter((name) => !ready || probed(name)?.ready === false);
  const condition = (type: (typeof CONDITIONS)[number]): Condition => {
    const containersGate = type === 'Ready' || type === 'ContainersReady';
    const ok =
      (ready && (!containersGate || unready.length === 0)) ||
      type === 'PodScheduled' ||
      type === 'Initialized';
    const status = ok ? 'True' : 'False';
    const old = current.conditions?.find((c) => c.type === type);
    const detail =
      ok || type === 'PodReadyToStartContainers'
        ? {}
        : {
            reason: 'ContainersNotReady',
            message: `containers with unready status: [${unready.join(' ')}]`,
          };
    return {
      type,
      status,
      lastProbeTime: null,
      lastTransitionTime: old?.status === status && old.lastTransitionTime ? old.lastTransitionTime : now,
      ...detail,
    };
  };
  const started = (name: string): string =>
    current.containerStatuses?.find((c) => c.name === name)?.state?.running?.startedAt ?? now;
  const containerStatuses = containersOf(pod).map((c) => {
    const p = probed(c.name ?? '');
    return {
      name: c.name,
      image: c.image ?? '',
      imageID: '',
      containerID: `kovn://${input.containerId}`,
      ready: ready && (p?.ready ?? true),
      started: ready && (p?.started ?? true),
      restartCount: p?.restartCount ?? 0,
      state: ready
        ? { running: { startedAt: p?.startedAt ?? started(c.name ?? '') } }
        : { waiting: { reason: 'ContainerCreating', ...(failure ? { message: failure } : {}) } },
    };
  });
  return {
    phase: ready ? 'Running' : 'Pending',
    conditions: CONDITIONS.map(condition),
    ...(input.hostIP ? { hostIP: input.hostIP, hostIPs: [{ ip: input.hostIP }] } : {}),
    ...(input.podIPs.length ? { podIP: input.podIPs[0], podIPs: input.podIPs.map((ip) => ({ ip })) } : {}),
    startTime: current.startTime ?? now,
    containerStatuses,
    ...(ready ? {} : { message: failure, reason: 'ContainerCreating' }),
  };
}

/** Does the pod's status differ from `want` in any field `want` sets (or carry a reason/message `want` drops)? */
export function statusDiffers(pod: KubeObject, want: Record<string, unknown>): boolean {
  const current = (pod['status'] ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(want)) if (!isDeepStrictEqual(current[k], v)) return true;
  return ['message', 'reason', 'podIP', 'hostIP'].some((k) => !(k in want) && current[k] !== undefined);
}

/** The pod's addresses from a CNI result (`ips[].address` without the prefix). */
export function ipsOfResult(result: { ips?: { address: string }[] } | undefined): string[] {
  return (result?.ips ?? []).map((ip) => ip.address.split('/')[0] ?? '').filter((ip) => ip !== '');
}

/** The node's InternalIP (first one), if it reports any. */
export function nodeInternalIP(node: KubeObject | undefined): string | undefined {
  const addresses = (node?.['status'] as { addresses?: { type?: string; address?: string }[] } | undefined)
    ?.addresses;
  return addresses?.find((a) => a.type === 'InternalIP' && a.address)?.address;
}
