/**
 * What keeps the topology page live: list+watch informers for the kinds the page draws (through the user's
 * kubeconfig and RBAC, read-only), the northbound reader when an NB address is known, and a rebuilt Topology pushed
 * to every subscriber a short while after a burst of changes (one rebuild per burst, not one per object). The
 * watches start with the first subscriber and stop a minute after the last leaves, so an unwatched page costs the
 * cluster nothing.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { KubeObject } from '../api/types.ts';
import type { Informer } from '../kube/informer.ts';
import { kindInformer } from '../kube/informer-kind.ts';
import type { Clock, TimerId } from '../util/clock.ts';
import { NbStateReader } from './nb-state.ts';
import type { ClusterObjects } from './cluster-objects.ts';
import { buildTopology } from './topology.ts';
import type { Topology } from './topology-types.ts';

const KINDS = {
  vpcs: 'Vpc',
  subnets: 'Subnet',
  pods: 'Pod',
  natGateways: 'VpcNatGateway',
  eips: 'IptablesEIP',
  dnats: 'IptablesDnatRule',
  snats: 'IptablesSnatRule',
  fips: 'IptablesFIPRule',
  vpcDns: 'VpcDns',
} as const satisfies Record<keyof ClusterObjects, string>;

/** Changes closer together than this make one rebuild. */
const SETTLE_MS = 150;
/** How long the watches outlive the last subscriber (a page reload reconnects within it). */
const LINGER_MS = 60_000;

export interface ClusterWatchOptions {
  kubeConfig: KubeConfig;
  /** Northbound remotes (`unix:`, `tcp:`, `ssl:`), for the drift flags; none: not checked. */
  nbRemotes: string[];
  trace: boolean;
  clock: Clock;
  log: Logger;
}

export type TopologyListener = (topology: Topology) => void;

export class ClusterWatch {
  readonly #o: ClusterWatchOptions;
  readonly #listeners = new Set<TopologyListener>();
  #informers: Map<keyof ClusterObjects, Informer> | undefined;
  #nb: NbStateReader | 'unavailable' | undefined;
  #settle: TimerId | undefined;
  #linger: TimerId | undefined;
  #starting: Promise<void> | undefined;
  #last: Topology | undefined;

  constructor(options: ClusterWatchOptions) {
    this.#o = options;
  }

  /** The current topology (starting the watches, and waiting for their first lists, if they are not running). */
  async snapshot(): Promise<Topology> {
    await this.#start();
    return (this.#last ??= this.#build());
  }

  /** Subscribes; the listener gets the current topology at once, then every rebuild. Returns the unsubscribe. */
  async subscribe(listener: TopologyListener): Promise<() => void> {
    this.#o.clock.clearTimeout(this.#linger);
    this.#listeners.add(listener);
    listener(await this.snapshot());
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0)
        this.#linger = this.#o.clock.setTimeout(() => void this.stop(), LINGER_MS);
    };
  }

  #start(): Promise<void> {
    return (this.#starting ??= this.#startWatches());
  }

  async #startWatches(): Promise<void> {
    const { kubeConfig, clock, log } = this.#o;
    const informers = new Map<keyof ClusterObjects, Informer>();
    for (const [field, kind] of Object.entries(KINDS) as [keyof ClusterObjects, string][]) {
      const informer = kindInformer(kind, { kubeConfig, clock, log });
      for (const event of ['add', 'update', 'delete'] as const)
        informer.on(event as 'add', () => this.#changed());
      informers.set(field, informer);
    }
    this.#informers = informers;
    const nb = this.#o.nbRemotes.length
      ? NbStateReader.open(this.#o.nbRemotes, log).then(
          (reader) => {
            reader.onChange(() => this.#changed());
            return reader;
          },
          (err: unknown) => {
            log.warn({ err }, 'cannot read the northbound database: drift is not checked');
            return 'unavailable' as const;
          },
        )
      : Promise.resolve(undefined);
    // A kind the cluster does not serve (or the user may not list) keeps retrying in its informer; the page
    // shows what the others hold rather than waiting for it.
    const lists = [...informers.values()].map((i) =>
      i.start().catch((err: unknown) => log.warn({ err, kind: i.kind }, 'cannot list')),
    );
    const waited = new AbortController();
    await Promise.race([Promise.all(lists), clock.sleep(10_000, waited.signal).catch(() => undefined)]);
    waited.abort();
    this.#nb = await nb;
  }

  #changed(): void {
    if (!this.#informers || this.#settle !== undefined) return;
    this.#settle = this.#o.clock.setTimeout(() => {
      this.#settle = undefined;
      this.#last = this.#build();
      for (const listener of this.#listeners) listener(this.#last);
    }, SETTLE_MS);
  }

  #build(): Topology {
    const list = <T extends KubeObject>(field: keyof ClusterObjects) =>
      (this.#informers?.get(field)?.list() ?? []) as T[];
    const objects = Object.fromEntries(
      (Object.keys(KINDS) as (keyof ClusterObjects)[]).map((f) => [f, list(f)]),
    ) as unknown as ClusterObjects;
    const nb = this.#nb;
    return buildTopology(objects, {
      nb: nb === undefined ? 'off' : nb === 'unavailable' || !nb.connected ? 'unavailable' : nb.state(),
      trace: this.#o.trace,
      now: this.#o.clock.now(),
    });
  }

  async stop(): Promise<void> {
    this.#o.clock.clearTimeout(this.#settle);
    this.#o.clock.clearTimeout(this.#linger);
    this.#settle = undefined;
    const informers = this.#informers;
    const starting = this.#starting;
    this.#informers = undefined;
    this.#starting = undefined;
    this.#last = undefined;
    await starting?.catch(() => undefined);
    await Promise.all([...(informers?.values() ?? [])].map((i) => i.stop()));
    if (this.#nb instanceof NbStateReader) this.#nb.close();
    this.#nb = undefined;
  }
}
