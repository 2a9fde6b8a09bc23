/**
 * Keeps the node's `ovn0` (node-nic.ts) as the Node object and the default VPC's subnets say: every change to
 * either enqueues one key, and the reconcile plugs the NIC when its spec differs from the last one applied.
 * `plugNic` observes before it changes anything, so an agent restarted over a working `ovn0` changes nothing.
 * Failures are retried with the work queue's backoff.
 */
import type { Logger } from 'pino';
import type { KubeObject } from '../../api/types.ts';
import { WorkerPool } from '../../kube/queue/worker-pool.ts';
import { WorkQueue } from '../../kube/queue/workqueue.ts';
import type { Clock } from '../../util/clock.ts';
import { nodeNicSpec, type NodeNicPlace } from '../node-nic.ts';
import type { NicPlumber } from './handler.ts';

const KEY = 'ovn0';

export interface NodePortOptions {
  place: NodeNicPlace;
  node(): KubeObject | undefined;
  subnets(): KubeObject[];
  plumber: NicPlumber;
  clock: Clock;
  log: Logger;
}

export class NodePortReconciler {
  readonly #o: NodePortOptions;
  readonly #queue: WorkQueue;
  readonly #pool: WorkerPool;
  #applied = '';
  #waiting = '';

  constructor(options: NodePortOptions) {
    this.#o = options;
    this.#queue = new WorkQueue({ clock: options.clock, backoff: { baseMs: 1_000, maxMs: 30_000 } });
    this.#pool = new WorkerPool({
      queue: this.#queue,
      concurrency: 1,
      handler: () => this.#reconcile(),
      onError: (_key, err, retryInMs) =>
        options.log.warn({ err: (err as Error).message, retryInMs }, 'ovn0 plumbing failed'),
    });
  }

  start(): void {
    void this.#pool.start();
    this.trigger();
  }

  trigger(): void {
    this.#queue.add(KEY);
  }

  /** The spec last applied (JSON), for tests and status. */
  get applied(): string {
    return this.#applied;
  }

  async stop(): Promise<void> {
    await this.#queue.shutdown({ drain: false });
    await this.#pool.finished;
  }

  async #reconcile(): Promise<void> {
    const node = this.#o.node();
    if (!node) return;
    const state = nodeNicSpec(node, this.#o.subnets(), this.#o.place);
    if (state.kind === 'wait') {
      if (this.#waiting !== state.reason) this.#o.log.info({ reason: state.reason }, 'ovn0 waits');
      this.#waiting = state.reason;
      return;
    }
    this.#waiting = '';
    const key = JSON.stringify(state.spec);
    if (key === this.#applied) return;
    const outcome = await this.#o.plumber.plug(state.spec);
    this.#applied = key;
    this.#o.log.info({ ip: state.spec.ips, routes: state.spec.routes, outcome }, 'ovn0 plugged');
  }
}
