/**
 * The node agent's gateway part (Kube-OVN's kube-ovn-cni gateway loop, for forwarding and natOutgoing only): a one-key
 * work loop (src/kube/work-loop.ts) that keeps the node forwarding (../forwarding.ts) and converges the node
 * namespace's sets and nat chains (apply.ts) to what the Subnets in the agent's informer cache ask for (desired.ts),
 * when a Subnet change changes that, and every 30 s (drift repair: a set, chain or sysctl someone changed by hand
 * comes back); a change that leaves it as it was (a Subnet's status counting IPs) costs no process. Level-triggered:
 * a restarted agent computes the same state from the API and finds it in place. With no natOutgoing subnet, every
 * chain, jump and set of ours is removed.
 */
import type { Logger } from 'pino';
import type { KubeObject } from '../../api/types.ts';
import type { Informer } from '../../kube/informer.ts';
import { OneKeyLoop } from '../../kube/work-loop.ts';
import type { Clock } from '../../util/clock.ts';
import type { ProcessRunner } from '../../util/exec.ts';
import type { Metrics } from '../../util/metrics/registry.ts';
import { enableNodeForwarding } from '../forwarding.ts';
import { applyNatOutgoing } from './apply.ts';
import { desiredNatOutgoing } from './desired.ts';
import type { Netns } from '../agent/netns-path.ts';

const RESYNC_MS = 30_000;
const BACKOFF = { baseMs: 500, maxMs: 10_000 };

export interface NatOutgoingOptions {
  nodeNetns: Netns;
  subnets(): KubeObject[];
  /** Resolves once the Subnets' cache holds a full list (no pass before: an empty cache would remove everything). */
  synced(): Promise<void>;
  /** The Subnets' informer: every change calls for a pass. */
  watch?: readonly Informer[];
  runner: ProcessRunner;
  clock: Clock;
  log: Logger;
  /** The agent's metrics (the loop's queue). */
  metrics?: Metrics;
}

export class NatOutgoingReconciler {
  readonly #o: NatOutgoingOptions;
  readonly #loop: OneKeyLoop;
  /** The desired state last applied (JSON) and when. */
  #applied = { state: '', at: -Infinity };

  constructor(o: NatOutgoingOptions) {
    this.#o = o;
    const work = {
      key: 'nat-outgoing',
      name: 'nat-outgoing',
      run: () => this.#reconcile(),
      backoff: BACKOFF,
    };
    this.#loop = new OneKeyLoop(work, {
      clock: o.clock,
      log: o.log,
      watch: o.watch ?? [],
      ...(o.metrics ? { metrics: o.metrics } : {}),
    });
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
    const { runner, nodeNetns, log, clock } = this.#o;
    await this.#o.synced();
    const state = desiredNatOutgoing(this.#o.subnets());
    // A Subnet's status moves with every pod it allocates for; reading the node's rules for each such change would
    // cost processes per pod. Unchanged sets and chains are looked at again only for drift repair.
    const wanted = JSON.stringify(state);
    const sinceApplied = clock.now() - this.#applied.at;
    if (wanted === this.#applied.state && sinceApplied < RESYNC_MS)
      return { requeueAfterMs: RESYNC_MS - sinceApplied };
    await enableNodeForwarding(runner, nodeNetns);
    const changes = await applyNatOutgoing(runner, nodeNetns, state);
    this.#applied = { state: wanted, at: clock.now() };
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
