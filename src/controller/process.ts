/**
 * The controller as a process, against any Kubernetes API a kubeconfig names (the lab's embedded server or a real
 * cluster): informers for the network kinds, the Kubernetes object writer, an NB session, and the network
 * controller, all started only while this instance holds the `kube-ovn-controller` Lease (Kube-OVN's lock name), so
 * several replicas can run and exactly one acts. Leadership lost: the work stops, the NB session closes, and the
 * instance campaigns again. Without leader election it acts at once.
 */
import { hostname } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import { pino, type Logger } from 'pino';
import type { OvnNbTables } from '../ovsdb/generated/ovn-nb.ts';
import { OvsdbClient, type OvsdbTlsOptions } from '../ovsdb/index.ts';
import { systemClock, type Clock } from '../util/clock.ts';
import type { Metrics } from '../util/metrics/registry.ts';
import { DEFAULT_NETWORK, type DefaultNetworkOptions } from '../api/default-network.ts';
import { kindInformer } from '../kube/informer-kind.ts';
import { KubeLeaseStore, LeaderElector } from '../kube/leader-election.ts';
import { NetworkController } from './reconcilers/controller.ts';
import { NETWORK_KINDS } from './reconcilers/registry.ts';
import { KubeApplier } from '../kube/applier.ts';
import { SERVICE_KINDS } from './services/index.ts';
import { KubeObjectWriter } from '../kube/writer-kube.ts';

/** Kube-OVN's lock name. */
const LEASE_NAME = 'kube-ovn-controller';

export interface LeaderElectionSettings {
  namespace: string;
  /** Lease name; default `kube-ovn-controller`. */
  name?: string;
  leaseDurationSeconds?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface ControllerProcessOptions {
  kubeConfig: KubeConfig;
  /** NB remotes (`unix:PATH`, `tcp:IP:PORT`, `ssl:IP:PORT`; several for a clustered NB). */
  nbRemotes: string[];
  /** Key, certificate and CA files for `ssl:` NB remotes. */
  nbTls?: OvsdbTlsOptions;
  identity?: string;
  /** `false` acts without a lease (a single controller). */
  leaderElection: LeaderElectionSettings | false;
  network?: DefaultNetworkOptions;
  /** Kube-OVN's `--non-primary-cni-mode`: pods get only their attachments' NICs. */
  nonPrimaryCni?: boolean;
  concurrency?: number;
  logger?: Logger;
  clock?: Clock;
  /** The process's metrics (reconciles, queue, NB transactions, subnet addresses, leader status). */
  metrics?: Metrics;
}

interface Running {
  controller: NetworkController;
  nb: OvsdbClient<OvnNbTables>;
  writer: KubeObjectWriter;
}

export class ControllerProcess {
  readonly identity: string;
  readonly #o: ControllerProcessOptions;
  readonly #log: Logger;
  #running: Running | undefined;
  #starting: Promise<void> | undefined;
  #elector: LeaderElector | undefined;
  #campaign: Promise<void> | undefined;
  #stopped = false;

  constructor(options: ControllerProcessOptions) {
    this.#o = options;
    this.identity = options.identity ?? `${hostname()}_${process.pid}`;
    this.#log = options.logger ?? pino({ level: 'silent' });
    // Without a lease this instance always acts; with one, the elector reports (leader-election.ts).
    if (options.leaderElection === false) options.metrics?.leader(LEASE_NAME, () => true);
  }

  /** Is the network controller running in this instance (i.e. it leads, or needs no lease)? */
  get acting(): boolean {
    return this.#running !== undefined;
  }

  /** Writes sent to the API server by the current term (0 when not acting). */
  get writes(): number {
    return this.#running?.writer.writes ?? 0;
  }

  get controller(): NetworkController | undefined {
    return this.#running?.controller;
  }

  /** Without leader election: resolves once the controller runs. With it: resolves at once; the campaign goes on. */
  async start(): Promise<void> {
    const election = this.#o.leaderElection;
    if (election === false) {
      await this.#act();
      return;
    }
    this.#campaign = this.#campaignLoop(election);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#elector?.stop();
    await this.#campaign;
    await this.#starting?.catch(() => undefined);
    await this.#standDown();
  }

  async #campaignLoop(election: LeaderElectionSettings): Promise<void> {
    while (!this.#stopped) {
      const elector = new LeaderElector({
        identity: this.identity,
        store: new KubeLeaseStore(this.#o.kubeConfig, election.namespace, election.name ?? LEASE_NAME),
        ...(this.#o.metrics
          ? { metrics: { metrics: this.#o.metrics, lease: election.name ?? LEASE_NAME } }
          : {}),
        clock: this.#o.clock ?? systemClock,
        ...(election.leaseDurationSeconds === undefined
          ? {}
          : { leaseDurationSeconds: election.leaseDurationSeconds }),
        ...(election.renewDeadlineMs === undefined ? {} : { renewDeadlineMs: election.renewDeadlineMs }),
        ...(election.retryPeriodMs === undefined ? {} : { retryPeriodMs: election.retryPeriodMs }),
        onStartedLeading: () => {
          this.#log.info({ identity: this.identity }, 'leading: starting the controller');
          this.#starting = this.#act().catch((err: unknown) => {
            this.#log.error({ err }, 'controller failed to start; giving up the lease');
            void elector.stop();
          });
        },
        onStoppedLeading: async () => {
          this.#log.info({ identity: this.identity }, 'no longer leading: stopping the controller');
          await this.#starting?.catch(() => undefined);
          await this.#standDown();
        },
        onNewLeader: (leader) => this.#log.info({ leader }, 'leader observed'),
        onError: (err) => this.#log.warn({ err }, 'leader election'),
      });
      this.#elector = elector;
      await elector.run();
    }
  }

  async #act(): Promise<void> {
    const clock = this.#o.clock ?? systemClock;
    const informers = [...new Set<string>([...NETWORK_KINDS, ...SERVICE_KINDS])].map((kind) =>
      kindInformer(kind, { kubeConfig: this.#o.kubeConfig, clock, log: this.#log }),
    );
    const nb = await OvsdbClient.connect<OvnNbTables>({
      remotes: this.#o.nbRemotes,
      database: 'OVN_Northbound',
      ...(this.#o.nbTls ? { tls: this.#o.nbTls } : {}),
      ...(this.#o.metrics ? { metrics: this.#o.metrics } : {}),
    });
    const writer = new KubeObjectWriter(this.#o.kubeConfig, clock);
    const controller = new NetworkController({
      informers,
      nb,
      writer,
      clock,
      logger: this.#log,
      network: this.#o.network ?? DEFAULT_NETWORK,
      ...(this.#o.nonPrimaryCni ? { nonPrimaryCni: true } : {}),
      services: {
        applier: new KubeApplier(this.#o.kubeConfig),
        ...(process.env['KUBERNETES_SERVICE_HOST']
          ? { apiServerHost: process.env['KUBERNETES_SERVICE_HOST'] }
          : {}),
      },
      ...(this.#o.concurrency === undefined ? {} : { concurrency: this.#o.concurrency }),
      ...(this.#o.metrics ? { metrics: this.#o.metrics } : {}),
    });
    try {
      await controller.start();
    } catch (err) {
      await controller.stop().catch(() => undefined);
      nb.close();
      throw err;
    }
    this.#running = { controller, nb, writer };
  }

  async #standDown(): Promise<void> {
    const running = this.#running;
    this.#running = undefined;
    if (!running) return;
    await running.controller.stop();
    running.nb.close();
  }
}
