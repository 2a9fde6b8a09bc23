/**
 * The lab's StatefulSet controller (the part of kube-controller-manager the NAT gateways need): a controller manager
 * with informers on StatefulSets and Pods and one worker on the keys of StatefulSets, which applies the plan of
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
import { kindInformer } from '../../kube/informer-kind.ts';
import { isAlreadyExists, isNotFound } from '../../kube/errors.ts';
import { kubeRequest } from '../../kube/request.ts';
import { kindCollectionPath, objectPath } from '../../kube/resources.ts';
import { ControllerManager } from '../../kube/manager.ts';
import { keyForObject, type ObjectRef } from '../../kube/queue/keys.ts';
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

/** The StatefulSet (by uid) that controls a pod, if any. */
const controllerUid = (pod: KubeObject): string | undefined =>
  pod.metadata.ownerReferences?.find((o) => o.kind === 'StatefulSet' && o.controller)?.uid;

export async function startStatefulSetController(
  options: StatefulSetControllerOptions,
): Promise<StatefulSetController> {
  const clock = options.clock ?? systemClock;
  const log = options.logger ?? pino({ level: 'silent' });
  const kc = options.kubeConfig;
  const sets = kindInformer<StatefulSet>('StatefulSet', { kubeConfig: kc, clock, log });
  const pods = kindInformer('Pod', { kubeConfig: kc, clock, log });
  const manager = new ControllerManager({
    informers: [sets, pods],
    clock,
    logger: log,
    name: 'statefulset sync',
    concurrency: 1,
    backoff: { baseMs: 500, maxMs: 10_000 },
  });
  /** The StatefulSet that controls a pod. */
  const ownerOf = (pod: KubeObject): string[] => {
    const uid = controllerUid(pod);
    const sts = uid ? sets.list(pod.metadata.namespace).find((s) => s.metadata.uid === uid) : undefined;
    return sts ? [keyForObject(sts, 'StatefulSet')] : [];
  };

  async function handle(key: string, ref: ObjectRef): Promise<{ requeueAfterMs?: number } | void> {
    const namespace = ref.namespace ?? '';
    const sts = sets.get(ref.name, namespace);
    if (!sts || sts.metadata.deletionTimestamp) return;
    const owned = pods.list(namespace).filter((p) => controllerUid(p) === sts.metadata.uid);
    const plan = planStatefulSet(sts, owned);
    for (const name of plan.delete) {
      log.info({ statefulset: key, pod: name }, 'deleting pod of an old revision or beyond replicas');
      await kubeRequest(kc, {
        method: 'DELETE',
        path: objectPath('Pod', name, namespace),
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
      await kubeRequest(kc, { method: 'POST', path: kindCollectionPath('Pod', namespace), body: pod }).catch(
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
        path: objectPath('StatefulSet', sts.metadata.name ?? '', namespace, 'status'),
        body: { status: plan.status },
        patch: 'merge',
      }).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    }
    return plan.delete.length ? { requeueAfterMs: 500 } : undefined;
  }

  manager.register({
    kind: 'StatefulSet',
    watches: [{ kind: 'Pod', map: ownerOf }],
    reconcile: (key, ctx) => handle(key, ctx.ref),
  });
  await manager.start();
  log.info('statefulset controller started');
  return { stop: () => manager.stop({ drain: false }) };
}
