/**
 * Runs the reachability table against a running lab: reads the running pods (address, VPC, subnet, gateway from
 * the controller's annotations, a declared TCP port) through the API, plans the probes (reachability.ts), pings or
 * sends an HTTP request (netcat) from inside each source pod's network namespace, a few at a time, and returns the
 * results; an HTTP answer names the pod that gave it (the responder's `X-Kovn-Pod` header). A probe expected to
 * succeed that fails is tried once more after a second (flows of a just-started pod may still be on their way).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import {
  ANNOTATION_GATEWAY,
  ANNOTATION_LOGICAL_ROUTER,
  ANNOTATION_LOGICAL_SWITCH,
} from '../api/annotations.ts';
import type { KubeObject } from '../api/types.ts';
import { kubeRequest } from '../kube/request.ts';
import { kindCollectionPath } from '../kube/resources.ts';
import { systemClock } from '../util/clock.ts';
import { processRunner, type ProcessRunner } from '../util/exec.ts';
import type { LabLayout } from './layout.ts';
import { planProbes, type PodEndpoint, type ProbeResult } from './reachability.ts';

/** Running pods of the given namespaces (all when empty) with an address, as probe endpoints. */
export async function runningEndpoints(
  kc: KubeConfig,
  namespaces: readonly string[],
): Promise<PodEndpoint[]> {
  const list = await kubeRequest<{ items: KubeObject[] }>(kc, {
    method: 'GET',
    path: kindCollectionPath('Pod'),
  });
  return list.items.flatMap((pod) => {
    const ns = pod.metadata.namespace ?? '';
    if (namespaces.length && !namespaces.includes(ns)) return [];
    const status = pod['status'] as { phase?: string; podIP?: string } | undefined;
    const containers = (
      pod['spec'] as { containers?: { ports?: { containerPort?: number; protocol?: string }[] }[] }
    )?.containers;
    const port = containers
      ?.flatMap((c) => c.ports ?? [])
      .find((p) => (p.protocol ?? 'TCP') === 'TCP' && p.containerPort)?.containerPort;
    const a = pod.metadata.annotations ?? {};
    if (status?.phase !== 'Running' || !status.podIP) return [];
    return [
      {
        namespace: ns,
        name: pod.metadata.name ?? '',
        ip: status.podIP,
        vpc: a[ANNOTATION_LOGICAL_ROUTER] ?? '',
        subnet: a[ANNOTATION_LOGICAL_SWITCH] ?? '',
        gateway: (a[ANNOTATION_GATEWAY] ?? '').split(',')[0] ?? '',
        ...(port === undefined ? {} : { port }),
      },
    ];
  });
}

export async function probeReachability(
  layout: LabLayout,
  pods: readonly PodEndpoint[],
  options: { runner?: ProcessRunner; parallel?: number } = {},
): Promise<ProbeResult[]> {
  const runner = options.runner ?? processRunner;
  const probes = planProbes(pods);
  const results: ProbeResult[] = new Array<ProbeResult>(probes.length);
  let next = 0;
  const attempt = async (probe: ProbeResult | (typeof probes)[number]): Promise<ProbeResult> => {
    const netns = layout.podNetns(probe.from.namespace, probe.from.name);
    if (probe.method === 'http') {
      const request = `GET / HTTP/1.0\r\nHost: ${probe.address}\r\n\r\n`;
      const r = await runner.run('nc', ['-w', '2', probe.address, String(probe.port ?? 80)], {
        netns,
        input: request,
      });
      const answeredBy = /^X-Kovn-Pod: (\S+)/im.exec(r.stdout)?.[1];
      return { ...probe, reached: answeredBy === probe.to, ...(answeredBy ? { answeredBy } : {}) };
    }
    const r = await runner.run('ping', ['-c', '2', '-i', '0.2', '-W', '1', probe.address], { netns });
    return { ...probe, reached: r.code === 0 };
  };
  const worker = async (): Promise<void> => {
    while (next < probes.length) {
      const i = next++;
      const probe = probes[i]!;
      let result = await attempt(probe);
      // A pod that has just started may not have its flows on the other node yet: a probe that should succeed
      // gets one more try a second later (one that should fail is never retried, so nothing is made to pass).
      if (!result.reached && probe.expect === 'reachable') {
        await systemClock.sleep(1_000);
        result = await attempt(probe);
      }
      results[i] = result;
    }
  };
  await Promise.all(Array.from({ length: options.parallel ?? 4 }, worker));
  return results;
}
