/**
 * The lab's side of VPC DNS, in the daemon process: for every VpcDns Deployment (pods.ts) it keeps the lab's DNS pods,
 * and for every such pod that runs (the kubelet made its namespace, its NIC is in the VPC subnet) one DNS server
 * process inside the pod's namespace (servers.ts), fed through a zone file rewritten from this runner's watch on
 * Services, Endpoints, the Corefile ConfigMap, Subnets and Vpcs (zone-file.ts). Level-triggered: a controller manager's
 * one worker on the keys of Deployments; any Service, Endpoints, ConfigMap, Subnet or Vpc change enqueues every VpcDns
 * Deployment, a pod change its own. It also keeps the Deployment's replica counts. Servers are stopped by their pid
 * when their pod goes and when the lab stops. The zone holds the Services of the namespaces the VPC claims
 * (`spec.namespaces`), unless the Corefile's `kubernetes` plugin names its own `namespaces`.
 *
 *   const dns = await startVpcDnsRunner({ kubeConfig, layout, runner, logger });  ...  await dns.stop();
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { pino, type Logger } from 'pino';
import { ANNOTATION_LOGICAL_SWITCH, LABEL_VPC_DNS } from '../../api/annotations.ts';
import type { KubeObject } from '../../api/types.ts';
import { kindInformer } from '../../kube/informer-kind.ts';
import type { KubeInformer } from '../../kube/informer-kube.ts';
import { isNotFound } from '../../kube/errors.ts';
import { kubeRequest } from '../../kube/request.ts';
import { objectPath } from '../../kube/resources.ts';
import { ControllerManager } from '../../kube/manager.ts';
import { keyForObject, keyOf } from '../../kube/queue/keys.ts';
import type { ReconcileContext, ReconcileResult, Reconciler, WatchMapping } from '../../kube/reconciler.ts';
import { KubeApplier } from '../../kube/applier.ts';
import { systemClock, type Clock } from '../../util/clock.ts';
import type { ProcessRunner } from '../../util/exec.ts';
import type { LabLayout } from '../layout.ts';
import { LABEL_LAB_DNS } from '../../api/annotations.ts';
import { corefileConfigMap, isVpcDnsDeployment, labDnsPods } from './pods.ts';
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

const deploymentKey = (deploy: KubeObject): string => keyForObject(deploy, 'Deployment');
/** The Deployment a lab DNS pod belongs to. */
const ownerKey = (pod: KubeObject): string | undefined => {
  const owner = pod.metadata.labels?.[LABEL_LAB_DNS];
  return owner ? keyOf('Deployment', owner, pod.metadata.namespace) : undefined;
};
const isRunning = (pod: KubeObject): boolean => {
  const status = pod['status'] as { phase?: string; podIP?: string } | undefined;
  return status?.phase === 'Running' && !!status.podIP && !pod.metadata.deletionTimestamp;
};

interface Sources {
  deployments: KubeInformer;
  pods: KubeInformer;
  services: KubeInformer;
  endpoints: KubeInformer;
  configMaps: KubeInformer;
  subnets: KubeInformer;
  vpcs: KubeInformer;
}

function sources(kubeConfig: KubeConfig, clock: Clock, log: Logger): Sources {
  const informer = (kind: string, labelSelector?: string): KubeInformer =>
    kindInformer(kind, { kubeConfig, clock, log, ...(labelSelector ? { labelSelector } : {}) });
  return {
    deployments: informer('Deployment', `${LABEL_VPC_DNS}=true`),
    pods: informer('Pod', LABEL_LAB_DNS),
    services: informer('Service'),
    endpoints: informer('Endpoints'),
    configMaps: informer('ConfigMap'),
    subnets: informer('Subnet'),
    vpcs: informer('Vpc'),
  };
}

interface VpcDnsDeploymentsOptions {
  kubeConfig: KubeConfig;
  inf: Sources;
  servers: DnsServers;
  applier: KubeApplier;
  log: Logger;
  resolvConf?: string;
}

/** The reconciler of VpcDns Deployments: their lab DNS pods, the pods' servers and zone files, their status. */
class VpcDnsDeployments implements Reconciler {
  readonly kind = 'Deployment';
  readonly #o: VpcDnsDeploymentsOptions;
  readonly watches: readonly WatchMapping[];

  constructor(options: VpcDnsDeploymentsOptions) {
    this.#o = options;
    const every = (kind: string): WatchMapping => ({
      kind,
      map: (_obj, view) => view.list('Deployment').map(deploymentKey),
      newOnly: true,
    });
    this.watches = [
      {
        kind: 'Pod',
        map: (pod) => {
          const key = ownerKey(pod);
          return key ? [key] : [];
        },
      },
      ...['Service', 'Endpoints', 'ConfigMap', 'Subnet', 'Vpc'].map(every),
    ];
  }

  async reconcile(_key: string, { ref }: ReconcileContext): Promise<ReconcileResult> {
    const { inf, servers, applier } = this.#o;
    const { deployments, pods } = inf;
    const { name } = ref;
    const namespace = ref.namespace ?? '';
    const deploy = deployments.get(name, namespace);
    const live =
      deploy && !deploy.metadata.deletionTimestamp && isVpcDnsDeployment(deploy) ? deploy : undefined;
    const want = live ? labDnsPods(live) : [];
    const mine = pods.list(namespace).filter((p) => p.metadata.labels?.[LABEL_LAB_DNS] === name);
    for (const pod of mine) {
      if (want.some((w) => w.metadata.name === pod.metadata.name)) continue;
      await servers.stop(pod);
      await applier.remove({ kind: 'Pod', name: pod.metadata.name ?? '', namespace });
    }
    for (const pod of want) {
      const current = pods.get(pod.metadata.name ?? '', namespace);
      if (!current) await applier.apply(pod, undefined);
    }
    const zone = live ? this.#zoneFor(live) : undefined;
    let ready = 0;
    for (const pod of want) {
      const current = pods.get(pod.metadata.name ?? '', namespace);
      if (current && isRunning(current) && zone) {
        await servers.ensure(current, zone);
        ready++;
      } else if (current) await servers.stop(current);
    }
    if (live) await this.#writeStatus(live, want.length, ready);
    return ready < want.length ? { requeueAfterMs: 1_000 } : undefined;
  }

  /** The namespaces the DNS pods' VPC claims (`spec.namespaces`; none listed: every namespace). */
  #vpcNamespaces(deploy: KubeObject): string[] {
    const { subnets, vpcs } = this.#o.inf;
    const template = (deploy['spec'] as { template?: { metadata?: KubeObject['metadata'] } } | undefined)
      ?.template;
    const subnet = subnets.get(template?.metadata?.annotations?.[ANNOTATION_LOGICAL_SWITCH] ?? '');
    const vpc = vpcs.get((subnet?.['spec'] as { vpc?: string } | undefined)?.vpc ?? '');
    return (vpc?.['spec'] as { namespaces?: string[] } | undefined)?.namespaces ?? [];
  }

  #zoneFor(deploy: KubeObject): ZoneFile {
    const { configMaps, services, endpoints } = this.#o.inf;
    const { resolvConf } = this.#o;
    const cmName = corefileConfigMap(deploy);
    const cm = cmName ? configMaps.get(cmName, deploy.metadata.namespace) : undefined;
    const { file, warning } = zoneFileFor({
      corefile: (cm?.['data'] as Record<string, string> | undefined)?.['Corefile'],
      services: services.list(),
      endpoints: endpoints.list(),
      vpcNamespaces: this.#vpcNamespaces(deploy),
      readFile: (path) => {
        try {
          return readFileSync(path === '/etc/resolv.conf' ? (resolvConf ?? path) : path, 'utf8');
        } catch {
          return undefined;
        }
      },
    });
    if (warning) this.#o.log.warn({ deployment: deploymentKey(deploy) }, warning);
    return file;
  }

  /** The Deployment's replica counts, as kube-controller-manager keeps them (`kubectl get deploy` READY). */
  async #writeStatus(deploy: KubeObject, replicas: number, ready: number): Promise<void> {
    const want = {
      observedGeneration: deploy.metadata.generation ?? 1,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: ready,
      availableReplicas: ready,
    };
    const current = (deploy['status'] ?? {}) as Record<string, unknown>;
    if (Object.entries(want).every(([k, v]) => current[k] === v)) return;
    await kubeRequest(this.#o.kubeConfig, {
      method: 'PATCH',
      path: objectPath('Deployment', deploy.metadata.name ?? '', deploy.metadata.namespace, 'status'),
      body: { status: want },
    }).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }
}

export async function startVpcDnsRunner(o: VpcDnsRunnerOptions): Promise<VpcDnsRunner> {
  const clock = o.clock ?? systemClock;
  const log = o.logger ?? pino({ level: 'silent' });
  const dir = join(o.layout.home, 'vpc-dns');
  mkdirSync(dir, { recursive: true });
  const inf = sources(o.kubeConfig, clock, log);
  const manager = new ControllerManager({
    informers: Object.values(inf),
    clock,
    logger: log,
    name: 'vpc dns sync',
    concurrency: 1,
    backoff: { baseMs: 500, maxMs: 10_000 },
  });
  const servers = new DnsServers({
    runner: o.runner,
    layout: o.layout,
    dir,
    nodeBinary: o.nodeBinary ?? process.execPath,
    log,
    // started again by the next pass over its Deployment
    onExit: (pod) => {
      const key = ownerKey(pod);
      if (key) manager.enqueue(key, 1_000);
    },
  });
  const applier = new KubeApplier(o.kubeConfig);
  manager.register(
    new VpcDnsDeployments({
      kubeConfig: o.kubeConfig,
      inf,
      servers,
      applier,
      log,
      ...(o.resolvConf === undefined ? {} : { resolvConf: o.resolvConf }),
    }),
  );
  await manager.start();
  log.info('vpc dns runner started');
  return {
    async stop() {
      await manager.stop({ drain: false });
      await servers.stopAll();
    },
  };
}
