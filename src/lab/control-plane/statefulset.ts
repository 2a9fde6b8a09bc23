/**
 * The lab's StatefulSet controller (the part of kube-controller-manager the NAT gateways need): informers on
 * StatefulSets and Pods, a work queue keyed `namespace/name` of StatefulSets, one worker that applies the plan of
 * `statefulset-pods.ts` — create pod `<sts>-<i>` from the template with an owner reference, delete pods of an old
 * template revision or beyond `replicas` (re-created on the next pass) — and writes the StatefulSet's status
 * (`replicas`, `readyReplicas`, revisions). A deleted pod, a pod status change or a template change enqueues its
 * StatefulSet. Pods of a deleted StatefulSet go with it through the API server's garbage collector.
 *
 *   const sts = await startStatefulSetController({ kubeConfig, logger });  ...  await sts.stop();
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { pino, type Logger } from 'pino';
import type { KubeObject } from '../../api/types.ts';
import { KubeInformer } from '../../kube/informer-kube.ts';
import { isAlreadyExists, isNotFound, kubeRequest } from '../../kube/request.ts';
import { WorkerPool } from '../../kube/queue/worker-pool.ts';
import { WorkQueue } from '../../kube/queue/workqueue.ts';
import { systemClock, type Clock } from '../../util/clock.ts';
import { planStatefulSet, type StatefulSet } from './statefulset-pods.ts';

export interface StatefulSetControllerOptions {
  kubeConfig: KubeConfig;
  clock?: Clock;
  logger?: Logger;
}

export interface StatefulSetController {
  stop(): Promise<void>;
}

const keyOf = (obj: KubeObject): string => `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
const podsPath = (ns: string) => `/api/v1/namespaces/${encodeURIComponent(ns)}/pods`;
const stsPath = (ns: string, name: string) =>
  `/apis/apps/v1/namespaces/${encodeURIComponent(ns)}/statefulsets/${encodeURIComponent(name)}`;

/** The StatefulSet (by uid) that controls a pod, if any. */
const controllerUid = (pod: KubeObject): string | undefined =>
  pod.metadata.ownerReferences?.find((o) => o.kind === 'StatefulSet' && o.controller)?.uid;

export async function startStatefulSetController(
  options: StatefulSetControllerOptions,
): Promise<StatefulSetController> {
  const clock = options.clock ?? systemClock;
  const log = options.logger ?? pino({ level: 'silent' });
  const kc = options.kubeConfig;
  const informer = <T extends KubeObject>(group: string, plural: string, kind: string): KubeInformer<T> =>
    new KubeInformer<T>({
      kubeConfig: kc,
      resource: { group, version: 'v1', plural, kind },
      clock,
      onError: (err) =>
        log.warn({ err, kind }, 'statefulset controller informer: list/watch failed, retrying'),
    });
  const sets = informer<StatefulSet>('apps', 'statefulsets', 'StatefulSet');
  const pods = informer<KubeObject>('', 'pods', 'Pod');
  const queue = new WorkQueue({ clock, backoff: { baseMs: 500, maxMs: 10_000 } });

  const ownerOf = (pod: KubeObject): void => {
    const uid = controllerUid(pod);
    if (!uid) return;
    const sts = sets.list(pod.metadata.namespace).find((s) => s.metadata.uid === uid);
    if (sts) queue.add(keyOf(sts));
  };
  sets.on('add', (sts) => queue.add(keyOf(sts)));
  sets.on('update', (sts) => queue.add(keyOf(sts)));
  pods.on('add', ownerOf);
  pods.on('update', ownerOf);
  pods.on('delete', ownerOf);

  async function handle(key: string): Promise<{ requeueAfterMs?: number } | void> {
    const slash = key.indexOf('/');
    const namespace = key.slice(0, slash);
    const sts = sets.get(key.slice(slash + 1), namespace);
    if (!sts || sts.metadata.deletionTimestamp) return;
    const owned = pods.list(namespace).filter((p) => controllerUid(p) === sts.metadata.uid);
    const plan = planStatefulSet(sts, owned);
    for (const name of plan.delete) {
      log.info({ statefulset: key, pod: name }, 'deleting pod of an old revision or beyond replicas');
      await kubeRequest(kc, {
        method: 'DELETE',
        path: `${podsPath(namespace)}/${encodeURIComponent(name)}`,
      }).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    }
    for (const pod of plan.create) {
      if (owned.some((p) => p.metadata.name === pod.metadata.name)) continue;
      const taken = pods.get(pod.metadata.name ?? '', namespace);
      if (taken) {
        // A pod of that name that is not ours (or is still going): wait for it.
        log.info({ statefulset: key, pod: pod.metadata.name }, 'pod name taken; waiting');
        return { requeueAfterMs: 1_000 };
      }
      await kubeRequest(kc, { method: 'POST', path: podsPath(namespace), body: pod }).catch(
        (err: unknown) => {
          if (!isAlreadyExists(err)) throw err;
        },
      );
      log.info({ statefulset: key, pod: pod.metadata.name }, 'pod created');
    }
    const current = sts.status ?? {};
    const changed = Object.entries(plan.status).some(([k, v]) => current[k] !== v);
    if (changed) {
      await kubeRequest(kc, {
        method: 'PATCH',
        path: `${stsPath(namespace, sts.metadata.name ?? '')}/status`,
        body: { status: plan.status },
        patch: 'merge',
      }).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    }
    return plan.delete.length ? { requeueAfterMs: 500 } : undefined;
  }

  await Promise.all([sets.start(), pods.start()]);
  const pool = new WorkerPool({
    queue,
    concurrency: 1,
    handler: handle,
    onError: (key, err, retryInMs) =>
      log.warn({ err, statefulset: key, retryInMs }, 'statefulset sync failed'),
  });
  const running = pool.start();
  for (const sts of sets.list()) queue.add(keyOf(sts));
  log.info('statefulset controller started');
  return {
    async stop() {
      await queue.shutdown({ drain: false });
      await running;
      await Promise.all([sets.stop(), pods.stop()]);
    },
  };
}
