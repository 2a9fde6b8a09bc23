/**
 * The network controller assembled: informers -> ControllerManager -> Vpc/Subnet/Pod/Namespace reconcilers -> one
 * NB transaction per reconcile, with IPAM and a Kubernetes writer. `start` replicates the NB tables, starts the
 * manager (caches synced before any reconcile), creates the default network objects that are missing, and re-enqueues
 * everything after an NB reconnect (guideline 10). The NB client is the caller's (it must not monitor the
 * `NB_MONITOR` tables itself); `stop` does not close it.
 */
import { pino, type Logger } from 'pino';
import { Ipam, cryptoRandom, type RandomBytes } from '../../ipam/index.ts';
import type { OvsdbClient } from '../../ovsdb/client.ts';
import type { OvnNbTables } from '../../ovsdb/generated/ovn-nb.ts';
import { systemClock, type Clock } from '../../util/clock.ts';
import {
  DEFAULT_NETWORK,
  defaultNetworkObjects,
  type DefaultNetworkOptions,
} from '../../api/default-network.ts';
import type { Informer } from '../../kube/informer.ts';
import { ControllerManager } from '../../kube/manager.ts';
import type { BackoffOptions } from '../../kube/queue/backoff.ts';
import { IpamBootstrap } from './bootstrap.ts';
import type { NetworkDeps, ServiceOptions } from './deps.ts';
import { PendingPods } from './pending-pods.ts';
import { SubnetCatalog } from './subnet-catalog.ts';
import { NB_MONITOR, networkReconcilers } from './registry.ts';
import type { Metrics } from '../../util/metrics/registry.ts';
import { subnetIpSamples } from './subnet-metrics.ts';
import { WriteExpectations } from '../../kube/write-expectations.ts';
import type { ObjectWriter } from '../../kube/writer.ts';

export interface NetworkControllerOptions {
  /** Informers for at least Vpc, Subnet, Pod and Namespace. */
  informers: Iterable<Informer>;
  nb: OvsdbClient<OvnNbTables>;
  writer: ObjectWriter;
  clock?: Clock;
  logger?: Logger;
  random?: RandomBytes;
  network?: DefaultNetworkOptions;
  /** Kube-OVN's `--non-primary-cni-mode` (NetworkDeps.nonPrimaryCni). */
  nonPrimaryCni?: boolean;
  /** Workers, and so NB transactions outstanding at once on the one connection (default `NETWORK_WORKERS`). */
  concurrency?: number;
  backoff?: BackoffOptions;
  /** Create Vpc ovn-cluster and Subnets ovn-default/join when missing (default true). */
  createDefaultNetwork?: boolean;
  /** The process's metrics: reconciles and queue (the manager), subnet addresses (IPAM). */
  metrics?: Metrics;
  /** Run the Service/SwitchLBRule/VpcDns reconcilers (their kinds, `SERVICE_KINDS`, must be among the informers). */
  services?: ServiceOptions;
}

/**
 * Default workers. A reconcile spends most of its time waiting for its NB transaction; more of them in flight keep the
 * connection busy and let one write carry several (bench:nb, 260 subnets and 5,000 pods: 4 workers ~2.0-2.5 s,
 * 8 ~1.8-2.3 s, 16 ~1.7-1.8 s on 2 shared cores).
 */
export const NETWORK_WORKERS = 16;

export class NetworkController {
  readonly manager: ControllerManager;
  readonly ipam: Ipam;
  readonly #options: NetworkControllerOptions;
  readonly #log: Logger;
  readonly #onResync = (): void => {
    this.#log.info('NB resynced after a reconnect; re-enqueueing everything');
    this.manager.resyncAll();
  };

  constructor(options: NetworkControllerOptions) {
    this.#options = options;
    this.#log = options.logger ?? pino({ level: 'silent' });
    const random = options.random ?? cryptoRandom;
    this.ipam = new Ipam({ random });
    this.manager = new ControllerManager({
      informers: options.informers,
      clock: options.clock ?? systemClock,
      logger: this.#log,
      concurrency: options.concurrency ?? NETWORK_WORKERS,
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.metrics ? { metrics: options.metrics } : {}),
    });
    options.metrics?.subnetIps(() => subnetIpSamples(this.ipam));
    const network = options.network ?? DEFAULT_NETWORK;
    // Both read the informers: the catalog by their change counters, the index by their events (it must subscribe
    // before the informers start, which `start` does).
    const catalog = new SubnetCatalog(this.manager.view, network);
    const pendingPods = new PendingPods(this.manager.view.informer('Pod'));
    const expectations = new WriteExpectations(this.manager.view);
    const deps: NetworkDeps = {
      nb: options.nb,
      ipam: this.ipam,
      writer: expectations.wrap(options.writer),
      enqueue: (key, afterMs = 0) => this.manager.enqueue(key, afterMs),
      random,
      network,
      ...(options.nonPrimaryCni ? { nonPrimaryCni: true } : {}),
      catalog,
      pendingPods,
      ...(options.services ? { services: options.services } : {}),
      bootstrap: new IpamBootstrap(this.ipam, options.nb.cache, (keys) => {
        for (const key of keys) this.manager.enqueue(key);
      }),
    };
    // The echo of a reconciler's own write is not reconciled again (write-expectations.ts).
    for (const reconciler of networkReconcilers(deps)) {
      this.manager.register({
        kind: reconciler.kind,
        ...(reconciler.watches ? { watches: reconciler.watches } : {}),
        ...(reconciler.selects ? { selects: (obj) => reconciler.selects?.(obj) ?? true } : {}),
        reconcile: (key, ctx) => reconciler.reconcile(key, ctx),
        changed: (obj, old) => !expectations.isEcho(obj, old) && (reconciler.changed?.(obj, old) ?? true),
      });
    }
  }

  async start(): Promise<void> {
    const nb = this.#options.nb;
    await nb.monitor(NB_MONITOR);
    nb.on('resync', this.#onResync);
    await this.manager.start();
    if (this.#options.createDefaultNetwork ?? true) {
      const created = await ensureDefaultNetwork(
        this.#options.writer,
        this.#options.network ?? DEFAULT_NETWORK,
      );
      if (created.length) this.#log.info({ created }, 'default network objects created');
    }
  }

  async stop(): Promise<void> {
    this.#options.nb.off('resync', this.#onResync);
    await this.manager.stop({ drain: false });
  }
}

/** Creates the default network objects that do not exist; returns the names created. */
export async function ensureDefaultNetwork(
  writer: ObjectWriter,
  options: DefaultNetworkOptions = DEFAULT_NETWORK,
): Promise<string[]> {
  const created: string[] = [];
  for (const obj of defaultNetworkObjects(options)) {
    if ((await writer.create(obj)) === 'created') created.push(`${obj.kind}/${obj.metadata.name ?? ''}`);
  }
  return created;
}
