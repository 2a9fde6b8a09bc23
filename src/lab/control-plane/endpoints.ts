/**
 * The lab's endpoints controller (kube-controller-manager's endpoints and endpointslice controllers, for what the lab
 * needs): informers on Services, Pods, Endpoints and EndpointSlices; a work queue keyed `namespace/name` of Services;
 * one worker that converges the Endpoints `<service>` and the slices `<service>-<n>` of each selector-based Service
 * to `endpoints-desired.ts`, writing only what differs, and deletes its slices that are no longer wanted. A pod
 * change enqueues the Services of its namespace; a change to an Endpoints object or a slice enqueues its Service
 * (someone else edited or deleted it). Objects of a deleted Service go through the garbage collector.
 *
 *   const endpoints = await startEndpointsController({ kubeConfig, logger });  ...  await endpoints.stop();
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { pino, type Logger } from 'pino';
import type { KubeObject } from '../../api/types.ts';
import { KubeInformer } from '../../kube/informer-kube.ts';
import { KubeApplier } from '../../kube/applier.ts';
import { WorkerPool } from '../../kube/queue/worker-pool.ts';
import { WorkQueue } from '../../kube/queue/workqueue.ts';
import { systemClock, type Clock } from '../../util/clock.ts';
import {
  SLICE_MANAGED_BY,
  SLICE_MANAGER,
  SLICE_SERVICE_LABEL,
  desiredEndpoints,
  desiredSlices,
  managesEndpoints,
} from './endpoints-desired.ts';

export interface EndpointsControllerOptions {
  kubeConfig: KubeConfig;
  clock?: Clock;
  logger?: Logger;
}

export interface EndpointsController {
  stop(): Promise<void>;
}

const keyOf = (namespace: string | undefined, name: string | undefined): string =>
  `${namespace ?? ''}/${name ?? ''}`;

export async function startEndpointsController(
  options: EndpointsControllerOptions,
): Promise<EndpointsController> {
  const clock = options.clock ?? systemClock;
  const log = options.logger ?? pino({ level: 'silent' });
  const kc = options.kubeConfig;
  const applier = new KubeApplier(kc);
  const informer = (group: string, plural: string, kind: string): KubeInformer =>
    new KubeInformer({
      kubeConfig: kc,
      resource: { group, version: 'v1', plural, kind },
      clock,
      onError: (err) => log.warn({ err, kind }, 'endpoints controller informer: list/watch failed, retrying'),
    });
  const services = informer('', 'services', 'Service');
  const pods = informer('', 'pods', 'Pod');
  const endpoints = informer('', 'endpoints', 'Endpoints');
  const slices = informer('discovery.k8s.io', 'endpointslices', 'EndpointSlice');
  const queue = new WorkQueue({ clock, backoff: { baseMs: 500, maxMs: 10_000 } });

  const servicesOfPod = (pod: KubeObject): void => {
    for (const svc of services.list(pod.metadata.namespace))
      queue.add(keyOf(svc.metadata.namespace, svc.metadata.name));
  };
  const own = (obj: KubeObject): void => queue.add(keyOf(obj.metadata.namespace, obj.metadata.name));
  const sliceOwner = (slice: KubeObject): void => {
    const svc = slice.metadata.labels?.[SLICE_SERVICE_LABEL];
    if (svc) queue.add(keyOf(slice.metadata.namespace, svc));
  };
  for (const [source, handler] of [
    [services, own],
    [pods, servicesOfPod],
    [endpoints, own],
    [slices, sliceOwner],
  ] as const) {
    source.on('add', handler);
    source.on('update', (obj) => handler(obj));
    source.on('delete', handler);
  }

  async function handle(key: string): Promise<void> {
    const slash = key.indexOf('/');
    const namespace = key.slice(0, slash);
    const name = key.slice(slash + 1);
    const svc = services.get(name, namespace);
    if (!svc || svc.metadata.deletionTimestamp || !managesEndpoints(svc)) return;
    const members = pods.list(namespace);
    const want = [desiredEndpoints(svc, members), ...desiredSlices(svc, members)];
    for (const obj of want) {
      const kindInformer = obj.kind === 'Endpoints' ? endpoints : slices;
      const outcome = await applier.apply(obj, kindInformer.get(obj.metadata.name ?? '', namespace));
      if (outcome !== 'unchanged')
        log.debug({ service: key, object: `${obj.kind}/${obj.metadata.name}` }, outcome);
    }
    for (const slice of slices.list(namespace)) {
      const labels = slice.metadata.labels ?? {};
      if (labels[SLICE_SERVICE_LABEL] !== name || labels[SLICE_MANAGED_BY] !== SLICE_MANAGER) continue;
      if (want.some((w) => w.kind === 'EndpointSlice' && w.metadata.name === slice.metadata.name)) continue;
      await applier.remove({ kind: 'EndpointSlice', name: slice.metadata.name ?? '', namespace });
    }
  }

  await Promise.all([services.start(), pods.start(), endpoints.start(), slices.start()]);
  const pool = new WorkerPool({
    queue,
    concurrency: 1,
    handler: handle,
    onError: (key, err, retryInMs) =>
      log.warn({ service: key, err: (err as Error).message, retryInMs }, 'endpoints sync failed'),
  });
  for (const svc of services.list()) own(svc);
  void pool.start();
  log.info('endpoints controller started');
  return {
    async stop() {
      await queue.shutdown({ drain: false });
      await pool.finished;
      await Promise.all([services.stop(), pods.stop(), endpoints.stop(), slices.stop()]);
    },
  };
}
