/**
 * Pod reconciler (Kube-OVN's pkg/controller/pod.go): absent, deleting, finished or host-network -> release its
 * addresses and remove its switch port. Otherwise choose the subnet and allocate (`pod-subnet.ts`: annotation, else
 * the namespace's subnets, first one with room; a refusal is one Warning Event and no address), release an address
 * held in another subnet, converge its Logical_Switch_Port in one transaction, allocate its secondary networks and
 * then write the pod annotations (`pod-annotations.ts`) including `routed: "true"`. The subnet is enqueued when its
 * counters change. Subnet and Namespace changes enqueue only pending pods (`pending-pods.ts`): a routed pod reads
 * neither.
 */
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { KubeObject } from '../../api/types.ts';
import { MissingParentError } from '../nb/errors.ts';
import { podOwner } from '../nb/owner.ts';
import { desiredPod } from '../nb/pod.ts';
import { converge } from '../nb/send.ts';
import { keyOf } from '../../kube/queue/keys.ts';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../../kube/reconciler.ts';
import { WAIT_FOR_DEPENDENCY_MS, type NetworkDeps } from './deps.ts';
import { nicName } from './ipam-view.ts';
import { podGone } from './pending-pods.ts';
import { keptForStatefulSet, statefulSetPodsWatch } from './statefulset-ips.ts';
import { allocateAttachments, releaseAttachments } from './pod-attachments.ts';
import { podAnnotations, portSecurityOf } from './pod-annotations.ts';
import { choosePodSubnet, type SubnetChoice } from './pod-subnet.ts';
import { annotationChanges, refOf } from '../../kube/writer.ts';

type Allocated = Extract<SubnetChoice, { kind: 'allocated' }>;

/** The last refusal warned about, per pod key: a refusal gives one Event, not one per retry. */
class Refusals {
  readonly #last = new Map<string, string>();

  /** True (and remembered) when this message is not the one last warned about for the key. */
  isNew(key: string, message: string): boolean {
    if (this.#last.get(key) === message) return false;
    this.#last.set(key, message);
    return true;
  }

  forget(key: string): void {
    this.#last.delete(key);
  }
}

/** What every step of one Pod reconcile reads. */
interface PodStep {
  deps: NetworkDeps;
  key: string;
  pod: KubeObject;
  ctx: ReconcileContext;
}

/**
 * The pending pods a change of this subnet may unblock: those pinned to it, those of the namespaces its spec lists
 * (also called with the old object, so a namespace it stops listing is looked at again), and, for a subnet that can
 * serve namespaces it does not list (a default subnet), those whose namespace now has it among its subnets.
 */
function podsAwaiting(deps: NetworkDeps, subnet: Subnet): string[] {
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
async function releasePod(
  deps: NetworkDeps,
  key: string,
  namespace: string,
  name: string,
  keepAddresses = false,
): Promise<void> {
  await converge(deps.nb, { owner: podOwner(namespace, name), key, desired: [] });
  if (keepAddresses) return;
  for (const subnet of deps.ipam.releaseOwnerEverywhere(nicName(name, namespace))) {
    deps.enqueue(keyOf('Subnet', subnet));
  }
  for (const subnet of releaseAttachments(name, namespace, deps.catalog.live(), deps.ipam)) {
    deps.enqueue(keyOf('Subnet', subnet));
  }
}

/** The address lives in the chosen subnet only: one held elsewhere is released (its subnet's counters change). */
function settleAddress({ deps, ctx }: PodStep, choice: Allocated): void {
  const { name, namespace = '' } = ctx.ref;
  const subnetName = choice.subnet.metadata.name ?? '';
  for (const other of deps.ipam.lookup(nicName(name, namespace))) {
    if (other.subnet === subnetName) continue;
    deps.ipam.release(other.subnet, other.owner);
    deps.enqueue(keyOf('Subnet', other.subnet));
  }
  if (choice.changed) deps.enqueue(keyOf('Subnet', subnetName));
}

/** The pod's Logical_Switch_Port in one NB transaction; false while its logical switch does not exist yet. */
async function convergePort({ deps, key, pod, ctx }: PodStep, choice: Allocated): Promise<boolean> {
  const { name, namespace = '' } = ctx.ref;
  const { allocation } = choice;
  const desired = desiredPod({
    namespace,
    name,
    subnet: choice.subnet.metadata.name ?? '',
    mac: allocation.mac,
    ips: [allocation.v4, allocation.v6].filter((ip) => ip !== undefined),
    portSecurity: portSecurityOf(pod),
  });
  try {
    await converge(deps.nb, { owner: podOwner(namespace, name), key, desired });
    return true;
  } catch (err) {
    if (!(err instanceof MissingParentError)) throw err;
    ctx.log.debug({ reason: err.message }, 'pod waits for its logical switch');
    return false;
  }
}

/** The secondary networks' addresses, then every annotation of the pod in one patch. */
async function annotatePod(step: PodStep, choice: Allocated, refusals: Refusals): Promise<ReconcileResult> {
  const { deps, key, pod, ctx } = step;
  const attached = allocateAttachments(pod, deps.catalog.live(), deps.ipam);
  if (attached.kind === 'refused') {
    if (refusals.isNew(key, attached.message)) {
      ctx.log.info({ reason: attached.reason, message: attached.message }, 'attachment refused an address');
      await deps.writer.event(refOf(pod), {
        type: 'Warning',
        reason: attached.reason,
        message: attached.message,
      });
    }
    return { requeueAfterMs: WAIT_FOR_DEPENDENCY_MS };
  }
  refusals.forget(key);
  for (const name of attached.changedSubnets) deps.enqueue(keyOf('Subnet', name));
  const changes = annotationChanges(pod, {
    ...podAnnotations(pod, choice.subnet, choice.allocation),
    ...attached.annotations,
  });
  if (Object.keys(changes).length) await deps.writer.patchAnnotations(refOf(pod), changes);
  return;
}

export function podReconciler(deps: NetworkDeps): Reconciler {
  const refusals = new Refusals();
  const attachmentRefusals = new Refusals();
  return {
    kind: 'Pod',
    watches: [
      { kind: 'Namespace', map: (ns) => deps.pendingPods.inNamespace(ns.metadata.name ?? '') },
      { kind: 'Subnet', map: (subnet) => podsAwaiting(deps, subnet) },
      statefulSetPodsWatch,
    ],
    async reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileResult> {
      deps.bootstrap.ensure(ctx.view, ctx.log);
      const { name, namespace = '' } = ctx.ref;
      const pod = ctx.view.get('Pod', name, namespace);
      if (podGone(pod)) {
        refusals.forget(key);
        attachmentRefusals.forget(key);
        await releasePod(deps, key, namespace, name, keptForStatefulSet(ctx.view, namespace, name));
        return;
      }
      const choice = choosePodSubnet(deps, pod!, ctx.view);
      if (choice.kind === 'wait') {
        ctx.log.debug({ reason: choice.message }, 'pod waits for its subnet');
        return { requeueAfterMs: WAIT_FOR_DEPENDENCY_MS };
      }
      if (choice.kind === 'refused') {
        await releasePod(deps, key, namespace, name);
        if (refusals.isNew(key, choice.message)) {
          ctx.log.info({ reason: choice.reason, message: choice.message }, 'pod refused an address');
          await deps.writer.event(refOf(pod!), { type: 'Warning', ...choice });
        }
        return;
      }
      refusals.forget(key);
      const step: PodStep = { deps, key, pod: pod!, ctx };
      settleAddress(step, choice);
      if (!(await convergePort(step, choice))) return { requeueAfterMs: WAIT_FOR_DEPENDENCY_MS };
      return annotatePod(step, choice, attachmentRefusals);
    },
  };
}
