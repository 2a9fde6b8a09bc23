/**
 * Keeps the node's `ovn0` (node-nic.ts) as the Node object and the default VPC's subnets say: a one-key work loop
 * (src/kube/work-loop.ts), run again by every change the watched informers see, whose pass plugs the NIC when its
 * spec differs from the last one applied. `plugNic` observes before it changes anything, so an agent restarted over a
 * working `ovn0` changes nothing. Failures are retried with the work queue's backoff.
 */
import type { Logger } from 'pino';
import type { KubeObject } from '../../api/types.ts';
import type { Informer } from '../../kube/informer.ts';
import { OneKeyLoop } from '../../kube/work-loop.ts';
import type { Clock } from '../../util/clock.ts';
import { nodeNicSpec, type NodeNicPlace } from '../node-nic.ts';
import type { NicPlumber } from './handler.ts';
import type { Metrics } from '../../util/metrics/registry.ts';

const BACKOFF = { baseMs: 1_000, maxMs: 30_000 };

export interface NodePortOptions {
  place: NodeNicPlace;
  node(): KubeObject | undefined;
  subnets(): KubeObject[];
  plumber: NicPlumber;
  /** Informers whose every change calls for a look (the Node and the Subnets). */
  watch?: readonly Informer[];
  clock: Clock;
  log: Logger;
  /** The agent's metrics (the loop's queue). */
  metrics?: Metrics;
}

export class NodePortReconciler {
  readonly #o: NodePortOptions;
  readonly #loop: OneKeyLoop;
  #applied = '';
  #waiting = '';

  constructor(options: NodePortOptions) {
    this.#o = options;
    const work = { key: 'ovn0', name: 'ovn0 plumbing', run: () => this.#reconcile(), backoff: BACKOFF };
    this.#loop = new OneKeyLoop(work, options);
  }

  start(): void {
    this.#loop.start();
  }

  trigger(): void {
    this.#loop.trigger();
  }

  /** The spec last applied (JSON), for tests and status. */
  get applied(): string {
    return this.#applied;
  }

  async stop(): Promise<void> {
    await this.#loop.stop();
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
