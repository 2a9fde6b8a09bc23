/**
 * Service reconciler: a Service's VIPs and ready endpoints -> its OVN load balancers in the VPC(s) of the pods behind
 * it (backends.ts, nb/load-balancer.ts), attached to that VPC's switches only (nb/lb-links.ts). Covers ClusterIP
 * Services and the headless `slr-<name>` Services of SwitchLBRules (VIP from `ovn.kubernetes.io/switch_lb_vip`).
 * Deleted Service or no endpoints: its rows go. Keyed by Service; an Endpoints change enqueues its Service, a Subnet
 * change every Service (a new switch in a VPC needs the VPC's load balancers), a pod's logical switch or address the
 * Services of its namespace. A name clash with a foreign row becomes a Warning Event on the Service.
 */
import { ANNOTATION_IP_ADDRESS, ANNOTATION_LOGICAL_SWITCH } from '../../api/annotations.ts';
import type { KubeObject } from '../../api/types.ts';
import { NbConflictError } from '../nb/errors.ts';
import { desiredServiceLbs, serviceOwner } from '../nb/load-balancer.ts';
import { convergeLoadBalancers } from '../nb/lb-send.ts';
import { keyForObject, keyOf } from '../../kube/queue/keys.ts';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../../kube/reconciler.ts';
import type { NetworkDeps } from '../reconcilers/deps.ts';
import { specOrDeletionChanged } from '../reconcilers/watch-predicates.ts';
import { desiredServiceInputs, switchesOfVpc } from './backends.ts';

/** How soon a Service whose load balancer was just inserted is looked at again to link it to its switches. */
export const LINK_RETRY_MS = 100;

/** What places a pod's addresses in a VPC: its logical switch, and its address (explicit endpoints find it by IP). */
const placementOf = (pod: KubeObject): string =>
  `${pod.metadata.annotations?.[ANNOTATION_LOGICAL_SWITCH] ?? ''} ${pod.metadata.annotations?.[ANNOTATION_IP_ADDRESS] ?? ''}`;

export function serviceReconciler(deps: NetworkDeps): Reconciler {
  const clusterRouter = deps.network.clusterRouter;
  return {
    kind: 'Service',
    watches: [
      {
        kind: 'Endpoints',
        map: (ep) => [keyOf('Service', ep.metadata.name ?? '', ep.metadata.namespace)],
      },
      {
        kind: 'Subnet',
        map: (_subnet, view) => view.list('Service').map((s) => keyForObject(s, 'Service')),
        changed: specOrDeletionChanged,
      },
      {
        kind: 'Pod',
        map: (pod, view) =>
          view.list('Service', pod.metadata.namespace).map((s) => keyForObject(s, 'Service')),
        changed: (pod, old) => placementOf(pod) !== placementOf(old),
      },
    ],
    async reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileResult> {
      const namespace = ctx.ref.namespace ?? 'default';
      const name = ctx.ref.name;
      const svc = ctx.view.get('Service', name, namespace);
      const inputs = svc
        ? desiredServiceInputs(svc, ctx.view.get('Endpoints', name, namespace), ctx.view, clusterRouter)
        : [];
      try {
        const outcome = await convergeLoadBalancers(deps.nb, {
          owner: serviceOwner(namespace, name),
          key,
          desired: desiredServiceLbs(inputs),
          switchesOf: (vpc) => switchesOfVpc(ctx.view, vpc, clusterRouter),
        });
        if (outcome.sent) ctx.log.debug({ operations: outcome.sent }, 'service load balancers converged');
        if (outcome.linksPending) return { requeueAfterMs: LINK_RETRY_MS };
      } catch (err) {
        if (err instanceof NbConflictError && svc) {
          await deps.writer.event(
            { kind: 'Service', name, namespace },
            { type: 'Warning', reason: 'LoadBalancerConflict', message: err.message },
          );
        }
        throw err;
      }
      return;
    },
  };
}
