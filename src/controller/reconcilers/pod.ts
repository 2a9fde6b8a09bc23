/**
 * Pod reconciler (§3.5, §3.6): absent, deleting, finished or host-network -> release its addresses and remove its
 * switch port. Otherwise choose the subnet (annotation, else the namespace's subnets, first one with room), refuse it
 * when the subnet's VPC does not list the pod's namespace (a Warning Event, no address), allocate (idempotent per NIC;
 * the pod's own annotations are the static request), converge its Logical_Switch_Port in one transaction and then write
 * the §3.6 annotations including `routed: "true"`. The subnet is enqueued when its counters change. Subnet and
 * Namespace changes enqueue only pending pods (`pending-pods.ts`): a routed pod reads neither.
 */
import { CONTROLLER_NAMESPACE } from '../../api/constants.ts';
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { Vpc } from '../../api/kinds/vpc.ts';
import type { ClusterView, KubeObject } from '../../api/types.ts';
import type { Allocation } from '../../ipam/index.ts';
import { MissingParentError } from '../nb/errors.ts';
import { podOwner } from '../nb/owner.ts';
import { desiredPod } from '../nb/pod.ts';
import { converge } from '../nb/send.ts';
import { keyOf } from '../../kube/queue/keys.ts';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../../kube/reconciler.ts';
import { WAIT_FOR_DEPENDENCY_MS, nicName, type NetworkDeps } from './deps.ts';
import { podGone } from './pending-pods.ts';
import { keptForStatefulSet, statefulSetPodsWatch } from './statefulset-ips.ts';
import { ANNOTATION_VPC_NAT_GW } from './natgw/names.ts';
import { allocateAttachments, releaseAttachments } from './pod-attachments.ts';
import { podAnnotations, podRequest, portSecurityOf } from './pod-annotations.ts';
import { annotationChanges, refOf } from '../../kube/writer.ts';

type Choice =
  | { kind: 'allocated'; subnet: Subnet; allocation: Allocation; changed: boolean }
  | { kind: 'refused'; reason: string; message: string }
  | { kind: 'wait'; message: string };

/** Is the namespace allowed by the subnet's VPC? (a custom VPC with `spec.namespaces` lists its tenants) */
function vpcAllows(
  subnet: Subnet,
  namespace: string,
  view: ClusterView,
  clusterRouter: string,
): string | undefined {
  const name = subnet.spec?.vpc || clusterRouter;
  if (name === clusterRouter) return undefined;
  const vpc = view.get('Vpc', name) as Vpc | undefined;
  const allowed = vpc?.spec?.namespaces ?? [];
  if (!allowed.length || allowed.includes(namespace)) return undefined;
  return `namespace ${namespace} is not in the namespaces of vpc ${name} ([${allowed.join(', ')}]), so it cannot use subnet ${subnet.metadata.name ?? ''}`;
}

export function podReconciler(deps: NetworkDeps): Reconciler {
  const refusals = new Map<string, string>();
  const attachmentRefusals = new Map<string, string>();

  function choose(pod: KubeObject, view: ClusterView): Choice {
    const namespace = pod.metadata.namespace ?? '';
    const nic = nicName(pod.metadata.name ?? '', namespace);
    const candidates = deps.catalog.podCandidates(pod);
    let failure: Choice = { kind: 'wait', message: `no subnet for namespace ${namespace} exists yet` };
    for (const [i, name] of candidates.entries()) {
      const subnet = deps.catalog.get(name);
      if (!subnet) {
        failure = { kind: 'wait', message: `subnet ${name} does not exist` };
        continue;
      }
      // A VPC's NAT gateway pod lives in the controller namespace, not among the VPC's tenants.
      const natGateway = !!pod.metadata.annotations?.[ANNOTATION_VPC_NAT_GW];
      // So do its DNS pods (the Deployment `vpc-dns-<name>` labels them `k8s-app: vpc-dns-<name>`, §5).
      const vpcDns =
        namespace === CONTROLLER_NAMESPACE && !!pod.metadata.labels?.['k8s-app']?.startsWith('vpc-dns-');
      const denied =
        natGateway || vpcDns ? undefined : vpcAllows(subnet, namespace, view, deps.network.clusterRouter);
      if (denied) return { kind: 'refused', reason: 'NamespaceNotAllowed', message: denied };
      if (!deps.ipam.subnet(name)) return { kind: 'wait', message: `subnet ${name} is not ready yet` };
      const result = deps.ipam.allocate(name, nic, podRequest(pod));
      if (result.ok)
        return { kind: 'allocated', subnet, allocation: result.allocation, changed: result.changed };
      failure = { kind: 'refused', reason: result.reason, message: `subnet ${name}: ${result.message}` };
      if (result.reason !== 'NoAvailableAddress' || i === candidates.length - 1) return failure;
    }
    return failure;
  }

  /**
   * The pending pods a change of this subnet may unblock: those pinned to it, those of the namespaces its spec lists
   * (also called with the old object, so a namespace it stops listing is looked at again), and, for a subnet that can
   * serve namespaces it does not list (a default subnet), those whose namespace now has it among its subnets.
   */
  function podsAwaiting(subnet: Subnet): string[] {
    const name = subnet.metadata.name ?? '';
    const keys = deps.pendingPods.pinnedTo(name);
    const namespaces = new Set(subnet.spec?.namespaces ?? []);
    if (deps.catalog.servesUnlisted(name)) {
      for (const namespace of deps.pendingPods.namespaces())
        if (deps.catalog.namespaceCandidates(namespace).includes(name)) namespaces.add(namespace);
    }
    for (const namespace of namespaces) keys.push(...deps.pendingPods.inNamespace(namespace));
    return keys;
  }

  /** Port first, then the address: a subnet waiting for its last address must not delete its switch under us. */
  async function release(key: string, namespace: string, name: string, keepAddresses = false): Promise<void> {
    await converge(deps.nb, { owner: podOwner(namespace, name), key, desired: [] });
    if (keepAddresses) return;
    for (const subnet of deps.ipam.releaseOwnerEverywhere(nicName(name, namespace))) {
      deps.enqueue(keyOf('Subnet', subnet));
    }
    for (const subnet of releaseAttachments(name, namespace, deps.catalog.live(), deps.ipam)) {
      deps.enqueue(keyOf('Subnet', subnet));
    }
  }

  return {
    kind: 'Pod',
    watches: [
      { kind: 'Namespace', map: (ns) => deps.pendingPods.inNamespace(ns.metadata.name ?? '') },
      { kind: 'Subnet', map: (subnet) => podsAwaiting(subnet) },
      statefulSetPodsWatch,
    ],
    async reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileResult> {
      deps.bootstrap.ensure(ctx.view, ctx.log);
      const { name, namespace = '' } = ctx.ref;
      const pod = ctx.view.get('Pod', name, namespace);
      if (podGone(pod)) {
        refusals.delete(key);
        attachmentRefusals.delete(key);
        await release(key, namespace, name, keptForStatefulSet(ctx.view, namespace, name));
        return;
      }
      const choice = choose(pod!, ctx.view);
      if (choice.kind === 'wait') {
        ctx.log.debug({ reason: choice.message }, 'pod waits for its subnet');
        return { requeueAfterMs: WAIT_FOR_DEPENDENCY_MS };
      }
      if (choice.kind === 'refused') {
        await release(key, namespace, name);
        if (refusals.get(key) !== choice.message) {
          refusals.set(key, choice.message);
          ctx.log.info({ reason: choice.reason, message: choice.message }, 'pod refused an address');
          await deps.writer.event(refOf(pod!), { type: 'Warning', ...choice });
        }
        return;
      }
      refusals.delete(key);
      const { subnet, allocation } = choice;
      const subnetName = subnet.metadata.name ?? '';
      for (const other of deps.ipam.lookup(nicName(name, namespace))) {
        if (other.subnet === subnetName) continue;
        deps.ipam.release(other.subnet, other.owner);
        deps.enqueue(keyOf('Subnet', other.subnet));
      }
      if (choice.changed) deps.enqueue(keyOf('Subnet', subnetName));
      const ips = [allocation.v4, allocation.v6].filter((ip) => ip !== undefined);
      const desired = desiredPod({
        namespace,
        name,
        subnet: subnetName,
        mac: allocation.mac,
        ips,
        portSecurity: portSecurityOf(pod!),
      });
      try {
        await converge(deps.nb, { owner: podOwner(namespace, name), key, desired });
      } catch (err) {
        if (!(err instanceof MissingParentError)) throw err;
        ctx.log.debug({ reason: err.message }, 'pod waits for its logical switch');
        return { requeueAfterMs: WAIT_FOR_DEPENDENCY_MS };
      }
      const attached = allocateAttachments(pod!, deps.catalog.live(), deps.ipam);
      if (attached.kind === 'refused') {
        if (attachmentRefusals.get(key) !== attached.message) {
          attachmentRefusals.set(key, attached.message);
          ctx.log.info(
            { reason: attached.reason, message: attached.message },
            'attachment refused an address',
          );
          await deps.writer.event(refOf(pod!), {
            type: 'Warning',
            reason: attached.reason,
            message: attached.message,
          });
        }
        return { requeueAfterMs: WAIT_FOR_DEPENDENCY_MS };
      }
      attachmentRefusals.delete(key);
      for (const name of attached.changedSubnets) deps.enqueue(keyOf('Subnet', name));
      const changes = annotationChanges(pod!, {
        ...podAnnotations(pod!, subnet, allocation),
        ...attached.annotations,
      });
      if (Object.keys(changes).length) await deps.writer.patchAnnotations(refOf(pod!), changes);
      return;
    },
  };
}
