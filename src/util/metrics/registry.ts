/**
 * The one owner of kovn's Prometheus metrics (prom-client): every metric name, type, label set and bucket layout is
 * written here, and nowhere else (docs/metrics.md lists them). Each program (the controller, a node agent, the lab
 * daemon's gateway agents) makes one `Metrics`, with its own prom-client `Registry` — never the library's global
 * default, so several components in one test process keep apart. A family is registered the first time a
 * component asks for it, so a registry shows only the metrics its program can move. Callers get small instruments
 * bound to their labels (a queue's name, a reconciler's kind, a gateway); labels are bounded sets (kinds, queue
 * names, subnets, gateways), never pods. Durations are given in milliseconds of the caller's `Clock` and exported in
 * seconds.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Histogram upper bounds, in seconds (1 ms .. 60 s). */
export const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

const seconds = (ms: number): number => Math.max(0, ms) / 1000;

/** One work queue's instruments (work-loop.ts, workqueue.ts). */
export interface QueueInstruments {
  added(): void;
  retried(): void;
  /** Time a key waited in the queue before a worker took it. */
  waited(ms: number): void;
  /** Stops reporting this queue's depth (the loop stopped). */
  release(): void;
}

export type ReconcileResult = 'success' | 'requeue' | 'error';

/** One reconciler kind's instruments (manager.ts). */
export interface ReconcileInstruments {
  finished(result: ReconcileResult, ms: number): void;
}

/** One OVSDB client's transaction instruments (ovsdb/client.ts); `error` is the failure's kind. */
export interface TransactInstruments {
  finished(ms: number, error?: string): void;
}

/** One subnet family's address counts, as its IPAM allocator has them. */
export interface SubnetIpSample {
  subnet: string;
  protocol: 'IPv4' | 'IPv6';
  cidr: string;
  available: number;
  used: number;
}

export type CniOp = 'add' | 'del' | 'check';

/** The node agent's CNI handler's instruments (node/agent/handler.ts). */
export interface CniInstruments {
  finished(op: CniOp, result: 'success' | 'error', ms: number): void;
  stage(op: CniOp, stage: string, ms: number): void;
}

/** A NAT gateway agent's instruments, per gateway (natgw/agent.ts). */
export interface NatGatewayInstruments {
  applied(gateway: string, ms: number, rulesFailed: number): void;
  failed(gateway: string, ms: number): void;
}

/** What the TProxy listener last counted (node/tproxy); undefined while it does not run. */
export interface TproxySample {
  carried: number;
  refused: number;
  targets: number;
}

type Family = Counter | Gauge | Histogram;

export class Metrics {
  readonly registry = new Registry();
  readonly #families = new Map<string, Family>();
  readonly #depths = new Map<string, Set<() => number>>();
  readonly #leaders = new Map<string, () => boolean>();
  #subnetSamples: () => Iterable<SubnetIpSample> = () => [];
  #tproxySample: () => Promise<TproxySample | undefined> = () => Promise.resolve(undefined);
  #tproxyRead: Promise<TproxySample | undefined> | undefined;

  /** The text exposition of every registered metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  queue(name: string, depth: () => number): QueueInstruments {
    const adds = this.#counter('kovn_workqueue_adds_total', 'Keys added to a work queue.', ['queue']);
    const retries = this.#counter(
      'kovn_workqueue_retries_total',
      'Keys re-queued with backoff after a failure.',
      ['queue'],
    );
    const wait = this.#histogram(
      'kovn_workqueue_queue_duration_seconds',
      'How long a key waited in a work queue before a worker took it.',
      ['queue'],
    );
    this.#gauge(
      'kovn_workqueue_depth',
      'Keys ready in a work queue, waiting for a worker.',
      ['queue'],
      (g) => {
        g.reset();
        for (const [queue, sources] of this.#depths) {
          g.set(
            { queue },
            [...sources].reduce((sum, d) => sum + d(), 0),
          );
        }
      },
    );
    const sources = this.#depths.get(name) ?? new Set();
    this.#depths.set(name, sources.add(depth));
    const labels = { queue: name };
    const waitChild = wait.labels(labels);
    return {
      added: () => adds.inc(labels),
      retried: () => retries.inc(labels),
      waited: (ms) => waitChild.observe(seconds(ms)),
      release: () => void sources.delete(depth),
    };
  }

  reconcile(kind: string): ReconcileInstruments {
    const total = this.#counter('kovn_reconcile_total', 'Reconciles finished, by kind and result.', [
      'kind',
      'result',
    ]);
    const errors = this.#counter('kovn_reconcile_errors_total', 'Reconciles that failed, by kind.', ['kind']);
    const duration = this.#histogram(
      'kovn_reconcile_duration_seconds',
      'How long a reconcile took, by kind.',
      ['kind'],
    );
    const durationChild = duration.labels({ kind });
    return {
      finished: (result, ms) => {
        total.inc({ kind, result });
        if (result === 'error') errors.inc({ kind });
        durationChild.observe(seconds(ms));
      },
    };
  }

  transact(database: string): TransactInstruments {
    const duration = this.#histogram(
      'kovn_ovsdb_transaction_duration_seconds',
      'How long an OVSDB transaction took, sent to answered (failed ones too).',
      ['database'],
    );
    const errors = this.#counter(
      'kovn_ovsdb_transaction_errors_total',
      'OVSDB transactions that failed, by error.',
      ['database', 'error'],
    );
    const durationChild = duration.labels({ database });
    return {
      finished: (ms, error) => {
        durationChild.observe(seconds(ms));
        if (error !== undefined) errors.inc({ database, error });
      },
    };
  }

  /** Reports 1 while `leading()` says this instance holds the lease, else 0 (the latest `leading` per lease). */
  leader(lease: string, leading: () => boolean): void {
    this.#leaders.set(lease, leading);
    this.#gauge(
      'kovn_leader_election_status',
      'Whether this instance holds the lease (1) or not (0).',
      ['lease'],
      (g) => {
        for (const [l, isLeading] of this.#leaders) g.set({ lease: l }, isLeading() ? 1 : 0);
      },
    );
  }

  /** Reports every subnet's available and used addresses, read from the latest `samples` at each scrape. */
  subnetIps(samples: () => Iterable<SubnetIpSample>): void {
    this.#subnetSamples = samples;
    const labels = ['subnet', 'protocol', 'cidr'] as const;
    const family = (name: string, help: string, value: (s: SubnetIpSample) => number): void => {
      this.#gauge(name, help, labels, (g) => {
        g.reset();
        for (const s of this.#subnetSamples())
          g.set({ subnet: s.subnet, protocol: s.protocol, cidr: s.cidr }, value(s));
      });
    };
    family('kovn_subnet_available_ip_count', 'Addresses still free in a subnet family.', (s) => s.available);
    family('kovn_subnet_used_ip_count', 'Addresses in use in a subnet family.', (s) => s.used);
  }

  cni(): CniInstruments {
    const op = this.#histogram(
      'kovn_cni_op_duration_seconds',
      'How long the node agent took to answer a CNI request.',
      ['op', 'result'],
    );
    const stage = this.#histogram(
      'kovn_cni_stage_duration_seconds',
      'How long one stage of a CNI request took.',
      ['op', 'stage'],
    );
    return {
      finished: (o, result, ms) => op.observe({ op: o, result }, seconds(ms)),
      stage: (o, s, ms) => stage.observe({ op: o, stage: s }, seconds(ms)),
    };
  }

  natGateway(): NatGatewayInstruments {
    const duration = this.#histogram(
      'kovn_natgw_apply_duration_seconds',
      "How long applying a NAT gateway's whole state took.",
      ['gateway'],
    );
    const failures = this.#counter(
      'kovn_natgw_apply_failures_total',
      "Applies of a NAT gateway's state that failed.",
      ['gateway'],
    );
    const refused = this.#gauge(
      'kovn_natgw_rules_failed',
      'NAT rules the last apply of a gateway left out.',
      ['gateway'],
    );
    return {
      applied: (gateway, ms, rulesFailed) => {
        duration.observe({ gateway }, seconds(ms));
        refused.set({ gateway }, rulesFailed);
      },
      failed: (gateway, ms) => {
        duration.observe({ gateway }, seconds(ms));
        failures.inc({ gateway });
      },
    };
  }

  /** Reports the TProxy listener's counts, read (asynchronously, once per scrape) from the latest `sample`. */
  tproxy(sample: () => Promise<TproxySample | undefined>): void {
    this.#tproxySample = sample;
    // prom-client collects the families of a scrape concurrently: the three share one read of the listener.
    const read = (): Promise<TproxySample | undefined> =>
      (this.#tproxyRead ??= this.#tproxySample()
        .catch(() => undefined)
        .finally(() => (this.#tproxyRead = undefined)));
    this.#gauge('kovn_tproxy_up', 'Whether the TProxy listener answered (1) or not (0).', [], async (g) => {
      g.set((await read()) ? 1 : 0);
    });
    this.#gauge('kovn_tproxy_probe_targets', 'Probed pod ports the TProxy listener knows.', [], async (g) => {
      g.set((await read())?.targets ?? 0);
    });
    this.#counter(
      'kovn_tproxy_connections_total',
      'Probe connections the TProxy listener carried into a pod, or refused.',
      ['result'],
      async (c) => {
        const s = await read();
        c.reset();
        if (!s) return;
        c.inc({ result: 'carried' }, s.carried);
        c.inc({ result: 'refused' }, s.refused);
      },
    );
  }

  #counter<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    collect?: (c: Counter<L>) => Promise<void>,
  ): Counter<L> {
    return this.#family(name, () => {
      const counter: Counter<L> = new Counter({
        name,
        help,
        labelNames,
        registers: [this.registry],
        ...(collect ? { collect: () => collect(counter) } : {}),
      });
      return counter;
    });
  }

  #histogram<L extends string>(name: string, help: string, labelNames: readonly L[]): Histogram<L> {
    return this.#family(
      name,
      () => new Histogram({ name, help, labelNames, buckets: DURATION_BUCKETS, registers: [this.registry] }),
    );
  }

  #gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    collect?: (g: Gauge<L>) => void | Promise<void>,
  ): Gauge<L> {
    return this.#family(name, () => {
      const gauge: Gauge<L> = new Gauge({
        name,
        help,
        labelNames,
        registers: [this.registry],
        ...(collect ? { collect: () => collect(gauge) } : {}),
      });
      return gauge;
    });
  }

  #family<F extends Family>(name: string, make: () => F): F {
    const existing = this.#families.get(name);
    if (existing) return existing as F;
    const made = make();
    this.#families.set(name, made);
    return made;
  }
}
