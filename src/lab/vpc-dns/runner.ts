/**
 * The lab's side of VPC DNS, in the daemon process: for every VpcDns Deployment (pods.ts) it keeps the lab's DNS
 * pods, and for every such pod that runs (the kubelet made its namespace, its NIC is in the VPC subnet) one DNS
 * server process inside the pod's namespace (servers.ts), fed through a zone file rewritten from this runner's watch
 * on Services, Endpoints, the Corefile ConfigMap, Subnets and Vpcs (zone-file.ts). Level-triggered: a work queue
 * keyed by Deployment; any Service, Endpoints or ConfigMap change enqueues every VpcDns Deployment, a pod change its
 * own. It also keeps the Deployment's replica counts. Servers are stopped by their pid when their pod goes and when
 * the lab stops. The zone holds the Services of the namespaces the VPC claims (`spec.namespaces`), unless the
 * Corefile's `kubernetes` plugin names its own `namespaces`.
 *
 *   const dns = await startVpcDnsRunner({ kubeConfig, layout, runner, logger });  ...  await dns.stop();
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { pino, type Logger } from 'pino';
import type { KubeObject } from '../../api/types.ts';
import { KubeInformer } from '../../kube/informer-kube.ts';
import { isNotFound, kubeRequest } from '../../kube/request.ts';
import { objectPath } from '../../kube/resources.ts';
import { WorkerPool } from '../../kube/queue/worker-pool.ts';
import { WorkQueue } from '../../kube/queue/workqueue.ts';
import { KubeApplier } from '../../kube/applier.ts';
import { systemClock, type Clock } from '../../util/clock.ts';
import type { ProcessRunner } from '../../util/exec.ts';
import type { LabLayout } from '../layout.ts';
import { corefileConfigMap, isVpcDnsDeployment, LAB_DNS_LABEL, labDnsPods } from './pods.ts';
import type { ZoneFile } from './server.ts';
import { DnsServers } from './servers.ts';
import { zoneFileFor } from './zone-file.ts';

export interface VpcDnsRunnerOptions {
  kubeConfig: KubeConfig;
  layout: LabLayout;
  runner: ProcessRunner;
  clock?: Clock;
  logger?: Logger;
  /** The node binary that runs the servers (default this process's). */
  nodeBinary?: string;
  /** Where `forward . /etc/resolv.conf` looks (default /etc/resolv.conf). */
  resolvConf?: string;
}

export interface VpcDnsRunner {
  stop(): Promise<void>;
}

const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
const isRunning = (pod: KubeObject): boolean => {
  const status = pod['status'] as { phase?: string; podIP?: string } | undefined;
  return status?.phase === 'Running' && !!status.podIP && !pod.metadata.deletionTimestamp;
};

export async function startVpcDnsRunner(o: VpcDnsRunnerOptions): Promise<VpcDnsRunner> {
  const clock = o.clock ?? systemClock;
  const log = o.logger ?? pino({ level: 'silent' });
  const applier = new KubeApplier(o.kubeConfig);
  const dir = join(o.layout.home, 'vpc-dns');
  mkdirSync(dir, { recursive: true });
  const informer = (group: string, plural: string, kind: string, labelSelector?: string): KubeInformer =>
    new KubeInformer({
      kubeConfig: o.kubeConfig,
      resource: { group, version: 'v1', plural, kind },
      clock,
      ...(labelSelector ? { labelSelector } : {}),
      onError: (err) => log.warn({ err, kind }, 'vpc-dns runner informer: list/watch failed, retrying'),
    });
  const deployments = informer('apps', 'deployments', 'Deployment', 'ovn.kubernetes.io/vpc-dns=true');
  const pods = informer('', 'pods', 'Pod', LAB_DNS_LABEL);
  const services = informer('', 'services', 'Service');
  const endpoints = informer('', 'endpoints', 'Endpoints');
  const configMaps = informer('', 'configmaps', 'ConfigMap');
  const subnets = informer('kubeovn.io', 'subnets', 'Subnet');
  const vpcs = informer('kubeovn.io', 'vpcs', 'Vpc');
  const queue = new WorkQueue({ clock, backoff: { baseMs: 500, maxMs: 10_000 } });

  const everyDeployment = (): void => {
    for (const d of deployments.list()) queue.add(keyOf(d));
  };
  const podOwner = (pod: KubeObject): void => {
    const owner = pod.metadata.labels?.[LAB_DNS_LABEL];
    if (owner) queue.add(`${pod.metadata.namespace ?? ''}/${owner}`);
  };
  deployments.on('add', (d) => queue.add(keyOf(d)));
  deployments.on('update', (d) => queue.add(keyOf(d)));
  deployments.on('delete', (d) => queue.add(keyOf(d)));
  for (const source of [services, endpoints, configMaps, subnets, vpcs]) {
    source.on('add', everyDeployment);
    source.on('update', everyDeployment);
    source.on('delete', everyDeployment);
  }
  pods.on('add', podOwner);
  pods.on('update', (p) => podOwner(p));
  pods.on('delete', podOwner);

  const servers = new DnsServers({
    runner: o.runner,
    layout: o.layout,
    dir,
    nodeBinary: o.nodeBinary ?? process.execPath,
    log,
    // started again by the next pass over its Deployment
    onExit: (pod) =>
      queue.addAfter(`${pod.metadata.namespace ?? ''}/${pod.metadata.labels?.[LAB_DNS_LABEL] ?? ''}`, 1_000),
  });

  /** The namespaces the DNS pods' VPC claims (`spec.namespaces`; none listed: every namespace). */
  function vpcNamespaces(deploy: KubeObject): string[] {
    const template = (deploy['spec'] as { template?: { metadata?: KubeObject['metadata'] } } | undefined)
      ?.template;
    const subnet = subnets.get(template?.metadata?.annotations?.['ovn.kubernetes.io/logical_switch'] ?? '');
    const vpc = vpcs.get((subnet?.['spec'] as { vpc?: string } | undefined)?.vpc ?? '');
    return (vpc?.['spec'] as { namespaces?: string[] } | undefined)?.namespaces ?? [];
  }

  function zoneFor(deploy: KubeObject): ZoneFile {
    const cmName = corefileConfigMap(deploy);
    const cm = cmName ? configMaps.get(cmName, deploy.metadata.namespace) : undefined;
    const { file, warning } = zoneFileFor({
      corefile: (cm?.['data'] as Record<string, string> | undefined)?.['Corefile'],
      services: services.list(),
      endpoints: endpoints.list(),
      vpcNamespaces: vpcNamespaces(deploy),
      readFile: (path) => {
        try {
          return readFileSync(path === '/etc/resolv.conf' ? (o.resolvConf ?? path) : path, 'utf8');
        } catch {
          return undefined;
        }
      },
    });
    if (warning) log.warn({ deployment: keyOf(deploy) }, warning);
    return file;
  }

  /** The Deployment's replica counts, as kube-controller-manager keeps them (`kubectl get deploy` READY). */
  async function writeStatus(deploy: KubeObject, replicas: number, ready: number): Promise<void> {
    const want = {
      observedGeneration: deploy.metadata.generation ?? 1,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: ready,
      availableReplicas: ready,
    };
    const current = (deploy['status'] ?? {}) as Record<string, unknown>;
    if (Object.entries(want).every(([k, v]) => current[k] === v)) return;
    await kubeRequest(o.kubeConfig, {
      method: 'PATCH',
      path: `${objectPath('Deployment', deploy.metadata.name ?? '', deploy.metadata.namespace)}/status`,
      body: { status: want },
    }).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }

  async function handle(key: string): Promise<{ requeueAfterMs?: number } | void> {
    const slash = key.indexOf('/');
    const namespace = key.slice(0, slash);
    const name = key.slice(slash + 1);
    const deploy = deployments.get(name, namespace);
    const live =
      deploy && !deploy.metadata.deletionTimestamp && isVpcDnsDeployment(deploy) ? deploy : undefined;
    const want = live ? labDnsPods(live) : [];
    const mine = pods.list(namespace).filter((p) => p.metadata.labels?.[LAB_DNS_LABEL] === name);
    for (const pod of mine) {
      if (want.some((w) => w.metadata.name === pod.metadata.name)) continue;
      await servers.stop(keyOf(pod));
      await applier.remove({ kind: 'Pod', name: pod.metadata.name ?? '', namespace });
    }
    for (const pod of want) {
      const current = pods.get(pod.metadata.name ?? '', namespace);
      if (!current) await applier.apply(pod, undefined);
    }
    const zone = live ? zoneFor(live) : undefined;
    let ready = 0;
    for (const pod of want) {
      const current = pods.get(pod.metadata.name ?? '', namespace);
      if (current && isRunning(current) && zone) {
        await servers.ensure(current, zone);
        ready++;
      } else if (current) await servers.stop(keyOf(current));
    }
    if (live) await writeStatus(live, want.length, ready);
    return ready < want.length ? { requeueAfterMs: 1_000 } : undefined;
  }

  await Promise.all(
    [deployments, pods, services, endpoints, configMaps, subnets, vpcs].map((i) => i.start()),
  );
  const pool = new WorkerPool({
    queue,
    concurrency: 1,
    handler: handle,
    onError: (key, err, retryInMs) =>
      log.warn({ deployment: key, err: (err as Error).message, retryInMs }, 'vpc dns sync failed'),
  });
  everyDeployment();
  void pool.start();
  log.info('vpc dns runner started');
  return {
    async stop() {
      await queue.shutdown({ drain: false });
      await pool.finished;
      await Promise.all(
        [deployments, pods, services, endpoints, configMaps, subnets, vpcs].map((i) => i.stop()),
      );
      await servers.stopAll();
    },
  };
}
