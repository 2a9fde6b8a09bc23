/**
 * The node agent's natOutgoing part (Kube-OVN's kube-ovn-cni gateway loop, for this part only): a one-key work loop
 * (src/kube/work-loop.ts) that converges the node namespace's sets and nat chains (apply.ts) to what the Subnets in
 * the agent's informer cache ask for (desired.ts), on every Subnet change and every 30 s (drift repair: a set or
 * chain someone removed by hand comes back). Level-triggered: a restarted agent computes the same state from the
 * API and finds it in place. With no natOutgoing subnet, every chain, jump and set of ours is removed.
 */
import type { Logger } from 'pino';
import type { KubeObject } from '../../api/types.ts';
import type { Informer } from '../../kube/informer.ts';
import { OneKeyLoop } from '../../kube/work-loop.ts';
import type { Clock } from '../../util/clock.ts';
import type { ProcessRunner } from '../../util/exec.ts';
import { applyNatOutgoing } from './apply.ts';
import { desiredNatOutgoing } from './desired.ts';

const RESYNC_MS = 30_000;
const BACKOFF = { baseMs: 500, maxMs: 10_000 };

export interface NatOutgoingOptions {
  nodeNetns: string;
  subnets(): KubeObject[];
  /** Resolves once the Subnets' cache holds a full list (no pass before: an empty cache would remove everything). */
  synced(): Promise<void>;
  /** The Subnets' informer: every change calls for a pass. */
  watch?: readonly Informer[];
  runner: ProcessRunner;
  clock: Clock;
  log: Logger;
}

export class NatOutgoingReconciler {
  readonly #o: NatOutgoingOptions;
  readonly #loop: OneKeyLoop;

  constructor(o: NatOutgoingOptions) {
    this.#o = o;
    const work = {
      key: 'nat-outgoing',
      name: 'nat-outgoing',
      run: () => this.#reconcile(),
      backoff: BACKOFF,
    };
    this.#loop = new OneKeyLoop(work, { clock: o.clock, log: o.log, watch: o.watch ?? [] });
  }

  start(): void {
    this.#loop.start();
  }

  trigger(): void {
    this.#loop.trigger();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  async #reconcile(): Promise<{ requeueAfterMs: number }> {
    const { runner, nodeNetns, log } = this.#o;
    await this.#o.synced();
    const state = desiredNatOutgoing(this.#o.subnets());
    const changes = await applyNatOutgoing(runner, nodeNetns, state);
    if (changes.sets.length || changes.chains || changes.jumps)
      log.info(
        {
          changes,
          natSubnets: state[4]?.sets[1]?.members ?? [],
          natSubnets6: state[6]?.sets[1]?.members ?? [],
        },
        'natOutgoing rules converged',
      );
    return { requeueAfterMs: RESYNC_MS };
  }
}
