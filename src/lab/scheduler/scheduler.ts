/**
 * The lab's scheduler loop: a controller manager with informers on Pods, Nodes and Namespaces, whose reconciler selects
 * the pods that are unbound, not being deleted and ask for this scheduler (`spec.schedulerName`, default
 * `default-scheduler`); a few workers (16) place each with `schedule()` and bind it (the `pods/binding` subresource:
 * one write), or record why it fits nowhere. Pending pods are looked at again whenever a node changes, a bound pod changes
 * or goes (spreading and affinity depend on them), and every `retryUnschedulableMs` as a backstop. Bindings made but
 * not yet seen by the informer are remembered ("assumed", as in kube-scheduler, from before the write), so a burst of
 * pods still spreads.
 *
 * Start it from the lab daemon with the lab's kubeconfig:
 *   const kc = new KubeConfig(); kc.loadFromFile(layout.kubeconfig);
 *   const scheduler = await startScheduler({ kubeConfig: kc, logger });  ...  await scheduler.stop();
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { pino, type Logger } from 'pino';
import { KubeClient, endpointOf } from '../../kube/client.ts';
import type { KubeObject } from '../../api/types.ts';
import { kindInformer } from '../../kube/informer-kind.ts';
import type { Informer } from '../../kube/informer.ts';
import { ControllerManager } from '../../kube/manager.ts';
import { keyForObject } from '../../kube/queue/keys.ts';
import type { ReconcileContext, ReconcileResult, Reconciler, WatchMapping } from '../../kube/reconciler.ts';
import { systemClock, type Clock } from '../../util/clock.ts';
import { schedule } from './placement.ts';
import type { Node, Pod } from './types.ts';
import { ApiSchedulerWriter, type SchedulerWriter } from './writer.ts';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export interface SchedulerOptions {
  kubeConfig: KubeConfig;
  clock?: Clock;
  logger?: Logger;
  /** Pods naming another `spec.schedulerName` are left alone (default `default-scheduler`). */
  schedulerName?: string;
  /** Look again at unschedulable pods after this long even without a cluster change (default 60 s). */
  retryUnschedulableMs?: number;
  /** Pods placed and bound at the same time (default 16; kube-scheduler binds asynchronously too). */
  concurrency?: number;
  /** How bindings and conditions are written (default: to the API server the kubeconfig names). */
  writer?: SchedulerWriter;
}

export interface Scheduler {
  /** Stops the worker and the informers. */
  stop(): Promise<void>;
  /** Pods bound by this scheduler so far. */
  readonly bound: number;
}

const podKey = (pod: KubeObject): string => keyForObject(pod, 'Pod');
const terminal = (pod: Pod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

interface PodSchedulingOptions {
  pods: Informer<Pod>;
  nodes: Informer<Node>;
  namespaces: Informer;
  writer: SchedulerWriter;
  schedulerName: string;
  retryUnschedulableMs: number;
  log: Logger;
}

/**
 * The reconciler of pending pods. It keeps the bindings it made that the pod informer has not shown yet ("assumed",
 * from before the write, so pods placed by the other workers at the same time see them), and forgets a pod's binding
 * when the pod goes: that cache follows the informer directly, as kube-scheduler's does.
 */
class PodScheduling implements Reconciler {
  readonly kind = 'Pod';
  readonly watches: readonly WatchMapping[];
  /** Pods bound so far. */
  bound = 0;
  readonly #o: PodSchedulingOptions;
  /** Pod key -> node, for bindings the pod informer has not shown yet. */
  readonly #assumed = new Map<string, string>();

  constructor(options: PodSchedulingOptions) {
    this.#o = options;
    const pendingKeys = (): string[] =>
      options.pods
        .list()
        .filter((pod) => this.selects(pod))
        .map(podKey);
    // Spreading and affinity depend on the bound pods and the nodes: a change to either may make room.
    this.watches = [
      // The pending pods, whatever the old version was: a pod just bound maps on its new version alone.
      { kind: 'Pod', map: (pod: Pod) => (pod.spec?.nodeName ? pendingKeys() : []), newOnly: true },
      { kind: 'Node', map: pendingKeys, newOnly: true },
    ];
    options.pods.on('delete', (pod) => this.#assumed.delete(podKey(pod)));
  }

  /** Unbound, not being deleted, asking for this scheduler, and not bound by us already. */
  selects(pod: Pod): boolean {
    return (
      !pod.spec?.nodeName &&
      !pod.metadata.deletionTimestamp &&
      (pod.spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME) === this.#o.schedulerName &&
      !this.#assumed.has(podKey(pod))
    );
  }

  async reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileResult> {
    const { pods, nodes, namespaces, writer, log } = this.#o;
    const pod = pods.get(ctx.ref.name, ctx.ref.namespace);
    if (!pod || !this.selects(pod)) return;
    const placement = schedule(pod, nodes.list(), this.#podsByNode(), {
      namespaceLabels: (ns) => namespaces.get(ns)?.metadata.labels,
    });
    if ('unschedulable' in placement) {
      log.info({ pod: key, reason: placement.unschedulable }, 'pod is unschedulable');
      await writer.unschedulable(pod, placement.unschedulable);
      return { requeueAfterMs: this.#o.retryUnschedulableMs };
    }
    if (placement.alreadyBound) return;
    // Assumed before the write, so the pods placed concurrently by the other workers see this one.
    this.#assumed.set(key, placement.node);
    let outcome: Awaited<ReturnType<SchedulerWriter['bind']>>;
    try {
      outcome = await writer.bind(pod, placement.node);
    } catch (err) {
      this.#assumed.delete(key);
      throw err;
    }
    if (outcome !== 'bound') {
      this.#assumed.delete(key);
      return;
    }
    this.bound++;
    log.info({ pod: key, node: placement.node }, 'pod bound');
  }

  #podsByNode(): Map<string, Pod[]> {
    const byNode = new Map<string, Pod[]>();
    const add = (node: string, pod: Pod): void => void byNode.set(node, [...(byNode.get(node) ?? []), pod]);
    for (const pod of this.#o.pods.list()) {
      const key = podKey(pod);
      const assumedNode = this.#assumed.get(key);
      if (pod.spec?.nodeName) {
        this.#assumed.delete(key);
        if (!terminal(pod)) add(pod.spec.nodeName, pod);
      } else if (assumedNode) add(assumedNode, { ...pod, spec: { ...pod.spec, nodeName: assumedNode } });
    }
    return byNode;
  }
}

export async function startScheduler(options: SchedulerOptions): Promise<Scheduler> {
  const clock = options.clock ?? systemClock;
  const log = options.logger ?? pino({ level: 'silent' });
  const schedulerName = options.schedulerName ?? DEFAULT_SCHEDULER_NAME;
  const writer =
    options.writer ??
    new ApiSchedulerWriter({ client: new KubeClient(endpointOf(options.kubeConfig)), clock, schedulerName });
  const informer = { kubeConfig: options.kubeConfig, clock, log };
  const pods = kindInformer<Pod>('Pod', informer);
  const nodes = kindInformer<Node>('Node', informer);
  const namespaces = kindInformer('Namespace', informer);
  const manager = new ControllerManager({
    informers: [pods, nodes, namespaces],
    clock,
    logger: log,
    name: 'scheduling',
    concurrency: options.concurrency ?? 16,
    backoff: { baseMs: 1_000, maxMs: 30_000 },
  });
  const scheduling = new PodScheduling({
    pods,
    nodes,
    namespaces,
    writer,
    schedulerName,
    retryUnschedulableMs: options.retryUnschedulableMs ?? 60_000,
    log,
  });
  manager.register(scheduling);
  await manager.start();
  log.info({ schedulerName }, 'scheduler started');
  return {
    get bound() {
      return scheduling.bound;
    },
    stop: () => manager.stop({ drain: false }),
  };
}
