/**
 * The lab's endpoints controller (kube-controller-manager's endpoints and endpointslice controllers, for what the lab
 * needs): a controller manager with informers on Services, Pods, Endpoints and EndpointSlices and one worker on the
 * keys of Services, which converges the Endpoints `<service>` and the slices `<service>-<n>` of each selector-based
 * Service to `endpoints-desired.ts`, writing only what differs, and deletes its slices that are no longer wanted. A pod
 * change enqueues the Services of its namespace; a change to an Endpoints object or a slice enqueues its Service
 * (someone else edited or deleted it). Objects of a deleted Service go through the garbage collector.
 *
 *   const endpoints = await startEndpointsController({ kubeConfig, logger });  ...  await endpoints.stop();
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { pino, type Logger } from 'pino';
import type { KubeObject } from '../../api/types.ts';
import { KubeApplier } from '../../kube/applier.ts';
import { kindInformer } from '../../kube/informer-kind.ts';
import { ControllerManager } from '../../kube/manager.ts';
import { keyForObject, keyOf } from '../../kube/queue/keys.ts';
import type { ReconcileContext, Reconciler } from '../../kube/reconciler.ts';
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

const serviceKey = (obj: KubeObject): string => keyForObject(obj, 'Service');

/** Services are keyed by themselves; their pods, Endpoints and slices map to them. */
function endpointsReconciler(applier: KubeApplier): Reconciler {
  return {
    kind: 'Service',
    watches: [
      { kind: 'Pod', map: (pod, view) => view.list('Service', pod.metadata.namespace).map(serviceKey) },
      { kind: 'Endpoints', map: (endpoints) => [serviceKey(endpoints)] },
      {
        kind: 'EndpointSlice',
        map: (slice) => {
          const svc = slice.metadata.labels?.[SLICE_SERVICE_LABEL];
          return svc ? [keyOf('Service', svc, slice.metadata.namespace)] : [];
        },
      },
    ],
    reconcile: (_key, ctx) => syncService(applier, ctx),
  };
}

async function syncService(applier: KubeApplier, ctx: ReconcileContext): Promise<void> {
  const { view, log } = ctx;
  const { name } = ctx.ref;
  const namespace = ctx.ref.namespace ?? '';
  const svc = view.get('Service', name, namespace);
  if (!svc || svc.metadata.deletionTimestamp || !managesEndpoints(svc)) return;
  const members = view.list('Pod', namespace);
  const want = [desiredEndpoints(svc, members), ...desiredSlices(svc, members)];
  for (const obj of want) {
    const outcome = await applier.apply(obj, view.get(obj.kind, obj.metadata.name ?? '', namespace));
    if (outcome !== 'unchanged') log.debug({ object: `${obj.kind}/${obj.metadata.name}` }, outcome);
  }
  for (const slice of view.list('EndpointSlice', namespace)) {
    const labels = slice.metadata.labels ?? {};
    if (labels[SLICE_SERVICE_LABEL] !== name || labels[SLICE_MANAGED_BY] !== SLICE_MANAGER) continue;
    if (want.some((w) => w.kind === 'EndpointSlice' && w.metadata.name === slice.metadata.name)) continue;
    await applier.remove({ kind: 'EndpointSlice', name: slice.metadata.name ?? '', namespace });
  }
}

export async function startEndpointsController(
  options: EndpointsControllerOptions,
): Promise<EndpointsController> {
  const clock = options.clock ?? systemClock;
  const log = options.logger ?? pino({ level: 'silent' });
  const { kubeConfig } = options;
  const manager = new ControllerManager({
    informers: ['Service', 'Pod', 'Endpoints', 'EndpointSlice'].map((kind) =>
      kindInformer(kind, { kubeConfig, clock, log }),
    ),
    clock,
    logger: log,
    name: 'endpoints sync',
    concurrency: 1,
    backoff: { baseMs: 500, maxMs: 10_000 },
  });
  manager.register(endpointsReconciler(new KubeApplier(kubeConfig)));
  await manager.start();
  log.info('endpoints controller started');
  return { stop: () => manager.stop({ drain: false }) };
}
