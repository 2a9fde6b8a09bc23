/**
 * The topology page's traces, run by the `kovn trace` engine: a destination pod is traced to its first address,
 * and the explanation becomes what the page draws (topology-types.ts's TraceResult): the element ids along the path
 * (source pod, switches as their subnets, routers, the destination pod when delivered to it), each router's
 * decision lines, and the verdict.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { ANNOTATION_IP_ADDRESS } from '../../api/annotations.ts';
import { portName } from '../../api/constants.ts';
import type { KubeObject } from '../../api/types.ts';
import { kubeRequest } from '../../kube/request.ts';
import { objectPath } from '../../kube/resources.ts';
import { parseIp } from '../../net/ip.ts';
import type { TraceResult } from '../../ui/topology-types.ts';
import { TraceRequestError, type Tracer } from '../../ui/trace-request.ts';
import { commaList } from '../../util/comma-list.ts';
import { parsePodRef, type PodRef } from '../commands/lab-pod.ts';
import { runTrace, type Explained, type TraceBackend } from './engine.ts';
import { renderVerdict } from './render.ts';

/** The page's ids along a trace's path. */
export function traceHops(explained: Explained, source: PodRef, dest: PodRef | undefined): string[] {
  const hops = [`pod/${source.namespace}/${source.pod}`];
  for (const datapath of explained.summary.path) {
    hops.push(datapath.startsWith('router ') ? `router/${datapath.slice(7)}` : `subnet/${datapath}`);
  }
  const v = explained.summary.verdict;
  if (dest && v.kind === 'output' && v.port === portName(dest.pod, dest.namespace))
    hops.push(`pod/${dest.namespace}/${dest.pod}`);
  return hops;
}

export function traceResult(
  explained: Explained,
  lines: string[],
  source: PodRef,
  dest: PodRef | undefined,
): TraceResult {
  const v = explained.summary.verdict;
  return {
    hops: traceHops(explained, source, dest),
    decisions: explained.routers.map((r) => ({ target: `router/${r.router}`, lines: r.lines })),
    verdict: {
      kind: v.kind === 'output' ? 'delivered' : v.kind === 'drop' ? 'dropped' : 'unknown',
      text: renderVerdict(v),
    },
    lines,
  };
}

export function uiTracer(kc: KubeConfig, backend: TraceBackend): Tracer {
  return async (request) => {
    const source = parsePodRef(request.source);
    let dest = request.dest;
    let destPod: PodRef | undefined;
    if (!parseIp(dest)) {
      destPod = parsePodRef(dest);
      const pod = await kubeRequest<KubeObject>(kc, {
        method: 'GET',
        path: objectPath('Pod', destPod.pod, destPod.namespace),
      }).catch(() => undefined);
      const ip = commaList(pod?.metadata.annotations?.[ANNOTATION_IP_ADDRESS])[0];
      if (!ip)
        throw new TraceRequestError(422, `dest: pod ${dest} ${pod ? 'has no address yet' : 'not found'}`);
      dest = ip;
    }
    const l4 =
      request.tcp !== undefined
        ? ({ proto: 'tcp', port: request.tcp } as const)
        : request.udp !== undefined
          ? ({ proto: 'udp', port: request.udp } as const)
          : undefined;
    const outcome = await runTrace(kc, backend, { ...source, dest, l4 });
    if (!outcome.ok) throw new TraceRequestError(outcome.code === 2 ? 400 : 422, outcome.message);
    if (!outcome.explained) throw new Error('the trace engine gave no explanation');
    return traceResult(outcome.explained, outcome.lines, source, destPod);
  };
}
