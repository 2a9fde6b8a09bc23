/**
 * The lab's scheduler loop: informers on Pods, Nodes and Namespaces; a work queue keyed `namespace/name` of pods
 * that are unbound, not being deleted and ask for this scheduler (`spec.schedulerName`, default
 * `default-scheduler`); a few workers (8) that place each with `schedule()` and bind it (the `pods/binding`
 * subresource: one write), or record why it fits nowhere.
 * Pending pods are looked at again whenever a node changes, a bound pod changes or goes (spreading and affinity
 * depend on them), and every `retryUnschedulableMs` as a backstop. Bindings made but not yet seen by the informer
 * are remembered ("assumed", as in kube-scheduler, from before the write), so a burst of pods still spreads.
 *
 * Start it from the lab daemon with the lab's kubeconfig:
 *   const kc = new KubeConfig(); kc.loadFromFile(layout.kubeconfig);
 *   const scheduler = await startScheduler({ kubeConfig: kc, logger });  ...  await scheduler.stop();
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { pino, type Logger } from 'pino';
import { KubeClient, endpointOf } from '../../kube/client.ts';
import { KubeInformer } from '../../kube/informer-kube.ts';
import { WorkerPool } from '../../kube/queue/worker-pool.ts';
import { WorkQueue } from '../../kube/queue/workqueue.ts';
import type { KubeObject } from '../../api/types.ts';
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
  /** Pods placed and bound at the same time (default 8; kube-scheduler binds asynchronously too). */
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

const keyOf = (obj: KubeObject): string => `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
const terminal = (pod: Pod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

export async function startScheduler(options: SchedulerOptions): Promise<Scheduler> {
  const clock = options.clock ?? systemClock;
  const log = options.logger ?? pino({ level: 'silent' });
  const schedulerName = options.schedulerName ?? DEFAULT_SCHEDULER_NAME;
  const retryMs = options.retryUnschedulableMs ?? 60_000;
  const writer =
    options.writer ??
    new ApiSchedulerWriter({ client: new KubeClient(endpointOf(options.kubeConfig)), clock, schedulerName });
  const informer = <T extends KubeObject>(plural: string, kind: string): KubeInformer<T> =>
    new KubeInformer<T>({
      kubeConfig: options.kubeConfig,
      resource: { group: '', version: 'v1', plural, kind },
      clock,
      onError: (err) => log.warn({ err, kind }, 'scheduler informer: list/watch failed, retrying'),
    });
  const pods = informer<Pod>('pods', 'Pod');
  const nodes = informer<Node>('nodes', 'Node');
  const namespaces = informer<KubeObject>('namespaces', 'Namespace');
  /** Pod key -> node, for bindings the pod informer has not shown yet. */
  const assumed = new Map<string, string>();
  const queue = new WorkQueue({ clock, backoff: { baseMs: 1_000, maxMs: 30_000 } });
  let bound = 0;

  const pending = (pod: Pod): boolean =>
    !pod.spec?.nodeName &&
    !pod.metadata.deletionTimestamp &&
    (pod.spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME) === schedulerName &&
    !assumed.has(keyOf(pod));
  const enqueuePending = (): void => {
    for (const pod of pods.list()) if (pending(pod)) queue.add(keyOf(pod));
  };

  function podsByNode(): Map<string, Pod[]> {
    const byNode = new Map<string, Pod[]>();
    const add = (node: string, pod: Pod): void => void byNode.set(node, [...(byNode.get(node) ?? []), pod]);
    for (const pod of pods.list()) {
      const key = keyOf(pod);
      const assumedNode = assumed.get(key);
      if (pod.spec?.nodeName) {
        assumed.delete(key);
        if (!terminal(pod)) add(pod.spec.nodeName, pod);
      } else if (assumedNode) add(assumedNode, { ...pod, spec: { ...pod.spec, nodeName: assumedNode } });
    }
    return byNode;
  }

  async function handle(key: string): Promise<{ requeueAfterMs?: number } | void> {
    const slash = key.indexOf('/');
    const pod = pods.get(key.slice(slash + 1), key.slice(0, slash));
    if (!pod || !pending(pod)) return;
    const placement = schedule(pod, nodes.list(), podsByNode(), {
      namespaceLabels: (ns) => namespaces.get(ns)?.metadata.labels,
    });
    if ('unschedulable' in placement) {
      log.info({ pod: key, reason: placement.unschedulable }, 'pod is unschedulable');
      await writer.unschedulable(pod, placement.unschedulable);
      return { requeueAfterMs: retryMs };
    }
    if (placement.alreadyBound) return;
    // Assumed before the write, so the pods placed concurrently by the other workers see this one.
    assumed.set(key, placement.node);
    let outcome: Awaited<ReturnType<SchedulerWriter['bind']>>;
    try {
      outcome = await writer.bind(pod, placement.node);
    } catch (err) {
      assumed.delete(key);
      throw err;
    }
    if (outcome !== 'bound') {
      assumed.delete(key);
      return;
    }
    bound++;
    log.info({ pod: key, node: placement.node }, 'pod bound');
  }

  pods.on('add', (pod) => {
    if (pending(pod)) queue.add(keyOf(pod));
    else if (pod.spec?.nodeName) enqueuePending();
  });
  pods.on('update', (pod) => {
    if (pending(pod)) queue.add(keyOf(pod));
    else if (pod.spec?.nodeName) enqueuePending();
  });
  pods.on('delete', (pod) => {
    assumed.delete(keyOf(pod));
    if (pod.spec?.nodeName) enqueuePending();
  });
  nodes.on('add', enqueuePending);
  nodes.on('update', enqueuePending);
  nodes.on('delete', enqueuePending);

  await Promise.all([pods.start(), nodes.start(), namespaces.start()]);
  const pool = new WorkerPool({
    queue,
    concurrency: options.concurrency ?? 8,
    handler: handle,
    onError: (key, err, retryInMs) => log.warn({ err, pod: key, retryInMs }, 'scheduling failed, retrying'),
  });
  const running = pool.start();
  enqueuePending();
  log.info({ schedulerName }, 'scheduler started');
  return {
    get bound() {
      return bound;
    },
    async stop() {
      await queue.shutdown({ drain: false });
      await running;
      await Promise.all([pods.stop(), nodes.stop(), namespaces.stop()]);
    },
  };
}
