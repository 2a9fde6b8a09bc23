/**
 * Runs the reachability table against a running lab: reads the running pods (address, VPC, subnet, gateway from
 * the controller's annotations) through the API, plans the probes (reachability.ts), pings from inside each source
 * pod's network namespace (a few at a time), and returns the results.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../api/types.ts';
import { kubeRequest } from '../controller/kube-request.ts';
import { kindCollectionPath } from '../controller/kube-resources.ts';
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
    const a = pod.metadata.annotations ?? {};
    if (status?.phase !== 'Running' || !status.podIP) return [];
    return [
      {
        namespace: ns,
        name: pod.metadata.name ?? '',
        ip: status.podIP,
        vpc: a['ovn.kubernetes.io/logical_router'] ?? '',
        subnet: a['ovn.kubernetes.io/logical_switch'] ?? '',
        gateway: (a['ovn.kubernetes.io/gateway'] ?? '').split(',')[0] ?? '',
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
  const worker = async (): Promise<void> => {
    while (next < probes.length) {
      const i = next++;
      const probe = probes[i]!;
      const r = await runner.run('ping', ['-c', '2', '-i', '0.2', '-W', '1', probe.address], {
        netns: layout.podNetns(probe.from.namespace, probe.from.name),
      });
      results[i] = { ...probe, reached: r.code === 0 };
    }
  };
  await Promise.all(Array.from({ length: options.parallel ?? 4 }, worker));
  return results;
}
