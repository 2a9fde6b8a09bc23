/**
 * The node agent's TProxy part (`--enable-tproxy`). Enabled: keeps the transparent listener running (restarted with
 * backoff if it exits), and converges — in a one-key work loop (src/kube/work-loop.ts), on every change of the
 * watched informers (pods, subnets) and every 3 s, as the reference does — the node namespace's rules (apply.ts) and
 * the listener's target table to what the caches and the node's OVS interfaces say (targets.ts). Reading the rules and
 * interfaces is skipped while the probed pods and ports in the caches are those of the last full pass, all placed, and
 * that pass is under 30 s old. Disabled: removes every rule, route and chain of ours and ends a listener an earlier run
 * left, once at start (the reference's clean-up when the flag is off).
 */
import { request } from 'node:http';
import type { Logger } from 'pino';
import type { KubeObject } from '../../api/types.ts';
import { DEFAULT_VPC } from '../../api/constants.ts';
import type { Informer } from '../../kube/informer.ts';
import { OneKeyLoop } from '../../kube/work-loop.ts';
import { vsctlRows } from '../../ovn/vsctl.ts';
import type { Clock } from '../../util/clock.ts';
import type { ProcessRunner, SpawnedProcess } from '../../util/exec.ts';
import type { Metrics } from '../../util/metrics/registry.ts';
import { netnsExists } from '../agent/netns-path.ts';
import { applyTproxy, removeTproxy } from './apply.ts';
import { LISTEN_IP, startListener, stopListener, type ListenerPlace } from './process.ts';
import { listenerStats } from './stats.ts';
import { netnsByPod, probeTargets, type ProbeTarget } from './targets.ts';

const RESYNC_MS = 3_000;
const BACKOFF = { baseMs: 500, maxMs: 10_000 };
/** How often the node's rules and OVS interfaces are read even when the caches show no change (drift repair). */
const FULL_RESYNC_MS = 30_000;

export interface TproxyOptions {
  enabled: boolean;
  place: ListenerPlace;
  ovsRundir: string;
  pods(): KubeObject[];
  subnets(): KubeObject[];
  /** Informers whose every change calls for a pass (the pods' and the subnets'); not watched when disabled. */
  watch?: readonly Informer[];
  runner: ProcessRunner;
  clock: Clock;
  log: Logger;
  /** The agent's metrics: the loop's queue, and the listener's probe counters (read at each scrape). */
  metrics?: Metrics;
}

/** PUT the table to the listener's control socket. */
function pushTargets(control: string, targets: ProbeTarget[]): Promise<void> {
  const body = JSON.stringify({ targets });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath: control,
        method: 'PUT',
        path: '/targets',
        headers: { 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 204 ? resolve() : reject(new Error(`listener: ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export class TproxyReconciler {
  readonly #o: TproxyOptions;
  readonly #loop: OneKeyLoop;
  #listener: SpawnedProcess | undefined;
  #pushed = '';
  #stopped = false;
  /** The pods and ports of interest at the last full reconcile, whether all of them had a namespace, and when. */
  #lastFull = { interest: '', resolved: false, at: -Infinity };

  constructor(o: TproxyOptions) {
    this.#o = o;
    // Disabled, nothing is watched and the loop never starts.
    const watch = o.enabled ? (o.watch ?? []) : [];
    const work = { key: 'tproxy', name: 'tproxy', run: () => this.#reconcile(), backoff: BACKOFF };
    this.#loop = new OneKeyLoop(work, { ...o, watch });
    o.metrics?.tproxy(() => (o.enabled ? listenerStats(o.place.control) : Promise.resolve(undefined)));
  }

  async start(): Promise<void> {
    const { runner, place, log, clock } = this.#o;
    if (!this.#o.enabled) {
      const left = await stopListener(clock, place.control);
      // No namespace, nothing to remove; a failed removal is reported but does not keep the agent from serving CNI.
      if (!netnsExists(place.nodeNetns)) return;
      await removeTproxy(runner, place.nodeNetns).then(
        (removed) =>
          log.info({ listenerStopped: left, removed }, 'tproxy disabled: rules, routes and listener removed'),
        (err: unknown) =>
          log.warn({ err: (err as Error).message }, 'tproxy disabled: could not remove its rules'),
      );
      return;
    }
    this.#loop.start();
  }

  trigger(): void {
    if (this.#o.enabled && !this.#stopped) this.#loop.trigger();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (!this.#o.enabled) return;
    await this.#loop.stop();
    await stopListener(this.#o.clock, this.#o.place.control);
  }

  async #reconcile(): Promise<{ requeueAfterMs: number }> {
    const { runner, place, log } = this.#o;
    const listenerStarted = !this.#listener;
    if (!this.#listener) {
      await stopListener(this.#o.clock, place.control); // one an earlier agent left
      const proc = await startListener(runner, place);
      this.#listener = proc;
      this.#pushed = '';
      void proc.exited.then((exit) => {
        if (this.#listener !== proc) return;
        this.#listener = undefined;
        if (!this.#stopped) log.warn({ exit }, 'tproxy listener exited; restarting');
        this.trigger();
      });
      log.info({ pid: proc.pid, control: place.control }, 'tproxy listener started');
    }
    // Pods without probes, or outside custom VPCs, change nothing here: a burst of them must not cost a read of
    // the node's rules and interfaces each (that was most of an agent's CPU while pods start).
    // (Which pods are of interest does not depend on where their NIC lives: any namespace name will do.)
    const pods = this.#o.pods();
    const anyNetns = new Map(
      pods.map((p) => [`${p.metadata.namespace ?? 'default'}/${p.metadata.name ?? ''}`, '?']),
    );
    const interest = JSON.stringify(
      probeTargets({ pods, subnets: this.#o.subnets(), netnsOf: anyNetns, defaultVpc: DEFAULT_VPC }),
    );
    const last = this.#lastFull;
    const fresh = this.#o.clock.now() - last.at < FULL_RESYNC_MS;
    if (!listenerStarted && interest === last.interest && last.resolved && fresh)
      return { requeueAfterMs: RESYNC_MS };
    const interfaces = await vsctlRows(
      runner,
      this.#o.ovsRundir,
      '--columns=external_ids',
      'find',
      'Interface',
      'external_ids:vendor=kube-ovn',
    );
    const netnsOf = netnsByPod(interfaces.map((r) => (r['external_ids'] ?? {}) as Record<string, string>));
    const targets = probeTargets({
      pods,
      subnets: this.#o.subnets(),
      netnsOf,
      defaultVpc: DEFAULT_VPC,
    });
    // The listener learns a target before the rules send it connections for that target.
    const table = JSON.stringify(targets);
    if (table !== this.#pushed) {
      await this.#push(targets);
      this.#pushed = table;
    }
    const changes = await applyTproxy(runner, place.nodeNetns, targets, LISTEN_IP);
    const wanted = new Set((JSON.parse(interest) as ProbeTarget[]).map((t) => t.pod));
    this.#lastFull = {
      interest,
      resolved: [...wanted].every((pod) => netnsOf.has(pod)),
      at: this.#o.clock.now(),
    };
    if (changes.chains || changes.jumps || changes.rules || changes.routes)
      log.info({ targets: targets.length, changes }, 'tproxy rules converged');
    return { requeueAfterMs: RESYNC_MS };
  }

  /** The listener may still be starting: retry briefly before giving up (the queue retries after that). */
  async #push(targets: ProbeTarget[]): Promise<void> {
    const deadline = this.#o.clock.now() + 10_000;
    for (;;) {
      try {
        return await pushTargets(this.#o.place.control, targets);
      } catch (err) {
        if (this.#o.clock.now() > deadline)
          throw new Error('the tproxy listener does not answer', { cause: err });
        await this.#o.clock.sleep(100);
      }
    }
  }
}
