/**
 * The gateway agent: for every NAT gateway pod on its node (annotation `ovn.kubernetes.io/vpc_nat_gw`, phase
 * Running), it reads the VpcNatGateway, its IptablesEIPs (`spec.natGwDp`), the DNAT/SNAT/FIP rules on them and the
 * Subnets from informers, computes the desired state (desired.ts), applies it inside the pod's network namespace
 * (apply.ts: one atomic rule set) and reports per rule in the pod's `kovn.io/nat-applied` annotation, the only thing
 * it writes to the API. Level-triggered: a work queue keyed by pod, fed by every change of those kinds, and a cheap
 * periodic look at each gateway namespace's identity (inode), so a namespace destroyed and re-created gets
 * everything back without anyone touching the CRs; every `verifyMs` the kernel state is compared again (apply.ts
 * writes only on a difference), so rules flushed by hand come back too. In the lab one agent runs per node in the
 * lab daemon (natgw-side.ts); in a cluster the same loop would be the gateway image's entrypoint, scoped to its own
 * pod (ADR 14).
 */
import { statSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import { pino, type Logger } from 'pino';
import type { KubeObject } from '../api/types.ts';
import type { KubeInformer } from '../kube/informer-kube.ts';
import { isNotFound, kubeRequest } from '../kube/request.ts';
import { WorkerPool } from '../kube/queue/worker-pool.ts';
import { WorkQueue } from '../kube/queue/workqueue.ts';
import { annotationKey } from '../api/annotations.ts';
import { systemClock, type Clock } from '../util/clock.ts';
import type { ProcessRunner } from '../util/exec.ts';
import { applyGateway } from './apply.ts';
import { DEFAULT_EXTERNAL_SUBNET, desiredGateway } from './desired.ts';
import { gatewaySources, startSources, stopSources } from './sources.ts';
import {
  NAT_APPLIED_ANNOTATION,
  VPC_NAT_GW_ANNOTATION,
  nextReport,
  outcomeRules,
  readReport,
} from './report.ts';

export interface GatewayAgentOptions {
  kubeConfig: KubeConfig;
  nodeName: string;
  /** The network namespace of a pod on this node. */
  podNetns(namespace: string, name: string): string;
  runner: ProcessRunner;
  clock?: Clock;
  logger?: Logger;
  /** How often each gateway namespace's identity is looked at (default 2 s). */
  resyncMs?: number;
  /** How often the kernel state is compared with the desired state even when nothing changed (default 30 s). */
  verifyMs?: number;
}

const podKey = (p: KubeObject): string => `${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''}`;
const netnsIdentity = (netns: string): string | undefined => {
  try {
    const s = statSync(`/var/run/netns/${netns}`);
    return `${s.dev}:${s.ino}`;
  } catch {
    return undefined;
  }
};

export interface GatewayAgent {
  stop(): Promise<void>;
}

export async function startGatewayAgent(o: GatewayAgentOptions): Promise<GatewayAgent> {
  const clock = o.clock ?? systemClock;
  const log = o.logger ?? pino({ level: 'silent' });
  const inf = gatewaySources(o.kubeConfig, clock, log);
  const queue = new WorkQueue({ clock, backoff: { baseMs: 500, maxMs: 10_000 } });
  const isGatewayPod = (p: KubeObject): boolean =>
    !!p.metadata.annotations?.[VPC_NAT_GW_ANNOTATION] &&
    (p['spec'] as { nodeName?: string } | undefined)?.nodeName === o.nodeName;
  const gatewayPods = (): KubeObject[] => inf.pods.list().filter(isGatewayPod);
  const enqueueAll = (): void => gatewayPods().forEach((p) => queue.add(podKey(p)));
  const onPod = (p: KubeObject): void => {
    if (isGatewayPod(p)) queue.add(podKey(p));
  };
  inf.pods.on('add', onPod);
  inf.pods.on('update', onPod);
  inf.pods.on('delete', onPod);
  for (const i of [inf.gateways, inf.eips, inf.dnats, inf.snats, inf.fips, inf.subnets] as KubeInformer[]) {
    i.on('add', enqueueAll);
    i.on('update', enqueueAll);
    i.on('delete', enqueueAll);
  }
  /** What was last applied per pod: the namespace identity and the desired state, to skip unchanged resyncs. */
  const applied = new Map<string, { fingerprint: string; at: number }>();

  async function handle(key: string): Promise<{ requeueAfterMs?: number } | void> {
    const [namespace = '', name = ''] = key.split('/');
    const pod = inf.pods.get(name, namespace);
    if (!pod || !isGatewayPod(pod) || pod.metadata.deletionTimestamp) {
      applied.delete(key);
      return;
    }
    if ((pod['status'] as { phase?: string } | undefined)?.phase !== 'Running') return;
    const gwName = pod.metadata.annotations?.[VPC_NAT_GW_ANNOTATION] ?? '';
    const gateway = inf.gateways.get(gwName);
    if (!gateway) return;
    const netns = o.podNetns(namespace, name);
    const identity = netnsIdentity(netns);
    if (!identity) return; // the kubelet has not made it yet; the pod update will bring us back
    const subnets = inf.subnets.list();
    const desired = desiredGateway({
      gateway,
      subnets,
      eips: inf.eips.list(),
      dnats: inf.dnats.list(),
      snats: inf.snats.list(),
      fips: inf.fips.list(),
    });
    const fingerprint = `${identity} ${pod.metadata.uid ?? ''} ${JSON.stringify({ ...desired, refused: [...desired.refused] })}`;
    const last = applied.get(key);
    if (last?.fingerprint === fingerprint && clock.now() - last.at < (o.verifyMs ?? 30_000)) return;
    const ext = subnets.find(
      (s) => s.metadata.name === (gateway.spec?.externalSubnets?.[0] || DEFAULT_EXTERNAL_SUBNET),
    );
    const ownAddress = pod.metadata.annotations?.[annotationKey(ext?.spec?.provider ?? '', 'ip_address')];
    const outcome = await applyGateway(desired, {
      runner: o.runner,
      netns,
      ...(ownAddress ? { keepAddresses: ownAddress.split(',') } : {}),
      ...(ext?.spec?.cidrBlock ? { externalCidr: ext.spec.cidrBlock } : {}),
    });
    const changed = outcome.rulesWritten || outcome.addressesAdded.length || outcome.addressesRemoved.length;
    log[changed ? 'info' : 'debug'](
      {
        pod: key,
        gateway: gwName,
        rules: desired.rules.length,
        written: outcome.rulesWritten,
        added: outcome.addressesAdded,
        removed: outcome.addressesRemoved,
      },
      changed ? 'gateway state applied' : 'gateway state verified: nothing to change',
    );
    const value = nextReport(readReport(pod.metadata.annotations), outcomeRules(outcome.results));
    if (value !== undefined) {
      await kubeRequest(o.kubeConfig, {
        method: 'PATCH',
        path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`,
        body: { metadata: { annotations: { [NAT_APPLIED_ANNOTATION]: value } } },
        patch: 'merge',
      }).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    }
    applied.set(key, { fingerprint, at: clock.now() });
  }

  await startSources(inf);
  const pool = new WorkerPool({
    queue,
    concurrency: 2,
    handler: handle,
    onError: (key, err, retryInMs) => log.warn({ err, pod: key, retryInMs }, 'gateway apply failed'),
  });
  const running = pool.start();
  let stopped = false;
  const resync = async (): Promise<void> => {
    while (!stopped) {
      enqueueAll();
      await clock.sleep(o.resyncMs ?? 2_000);
    }
  };
  const resyncing = resync();
  log.info({ node: o.nodeName }, 'gateway agent started');
  return {
    async stop() {
      stopped = true;
      await queue.shutdown({ drain: false });
      await running;
      await resyncing;
      await stopSources(inf);
    },
  };
}
