/**
 * Pod reconciler (Kube-OVN's pkg/controller/pod.go): absent, deleting, finished or host-network -> remove its switch
 * port and, unless its StatefulSet keeps them (`statefulset-ips.ts`), let each NIC's IP object decide about its
 * address (`pod-ips.ts`: a reservation keeps it, kovn's own record goes with it). Otherwise choose the subnet and
 * allocate (`pod-subnet.ts`: a reservation's subnet first, then the annotation, else the namespace's subnets, first
 * one with room; a refusal is one Warning Event, Kube-OVN's `ValidatePodNetworkFailed` or `AcquireAddressFailed`
 * (`pod-address-events.ts`), and no address), release an address held in another subnet, converge its
 * Logical_Switch_Port in one transaction, allocate its secondary networks, write each NIC's IP object
 * (`ip-objects.ts`), and then the pod annotations (`pod-annotations.ts`) including `routed: "true"`. The subnet is
 * enqueued when its counters change. Subnet and Namespace changes enqueue only pending pods (`pending-pods.ts`): a
 * routed pod reads neither; IP object changes enqueue the pod they name (`pod-ip-watch.ts`).
 */
import { isOvnProvider } from '../../api/constants.ts';
import type { IpObject } from '../../api/kinds/ip.ts';
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { ClusterView, KubeObject } from '../../api/types.ts';
import { MissingParentError } from '../nb/errors.ts';
import { podOwner } from '../nb/owner.ts';
import { desiredPod } from '../nb/pod.ts';
import { converge } from '../nb/send.ts';
import { keyOf } from '../../kube/queue/keys.ts';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../../kube/reconciler.ts';
import { BLOCKED_DELETE_RETRY_MS, WAIT_FOR_DEPENDENCY_MS, type NetworkDeps } from './deps.ts';
import { isReservationFor, podNicRecords, podTypeOf, requestOf } from './ip-objects.ts';
import { nicName } from './ipam-view.ts';
import { podGone } from './pending-pods.ts';
import { keptForStatefulSet, statefulSetPodsWatch } from './statefulset-ips.ts';
import { allocateAttachments, attachmentNics, attachmentProviders } from './pod-attachments.ts';
import {
  allocateOvnAttachments,
  ovnAttachmentAnnotations,
  ovnAttachmentRows,
  nadPodsWatch,
  type OvnAttachmentOutcome,
  type OvnNic,
} from './pod-ovn-attachments.ts';
import type { NadLookup } from '../../api/nad-config.ts';
import { podAnnotations } from './pod-annotations.ts';
import { nextHopWatches, portSecurityOf, vpcNextHops } from './next-hops.ts';
import { podIpWatch } from './pod-ip-watch.ts';
import { releaseNics, writeNicRecords } from './pod-ips.ts';
import { Refusals } from './pod-refusals.ts';
import { choosePodSubnet, type NicReservation, type SubnetChoice } from './pod-subnet.ts';
import { annotationChanges, refOf } from '../../kube/writer.ts';
import { labelsOrDeletionChanged, specStatusOrDeletionChanged } from './watch-predicates.ts';

type Allocated = Extract<SubnetChoice, { kind: 'allocated' }>;

/** The reservation of a NIC: a user's IP object for it that names this pod and a subnet. */
function reservationOf(
  view: ClusterView,
  nic: string,
  name: string,
  namespace: string,
): NicReservation | undefined {
  const ip = view.get('IP', nic) as IpObject | undefined;
  if (!ip?.spec?.subnet || !isReservationFor(ip, name, namespace)) return undefined;
  return { subnet: ip.spec.subnet, request: requestOf(ip) };
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
 * serve namespaces it does not list (a default subnet), those whose namespace now has it among its subnets. None
 * while an OVN subnet has no logical switch yet (a pod would only wait for it): the status write that follows
 * programming the switch is a change too, and maps them then (a deleted subnet still maps them).
 */
function podsAwaiting(deps: NetworkDeps, subnet: Subnet, view: ClusterView): string[] {
  const name = subnet.metadata.name ?? '';
  const switchless =
    isOvnProvider(subnet.spec?.provider) &&
    !subnet.metadata.deletionTimestamp &&
    view.get('Subnet', name) !== undefined &&
    deps.nb.cache.table('Logical_Switch').index('name').get(name) === undefined;
  if (switchless) return [];
  const keys = deps.pendingPods.pinnedTo(name);
  const namespaces = new Set(subnet.spec?.namespaces ?? []);
  if (deps.catalog.servesUnlisted(name)) {
    for (const namespace of deps.pendingPods.namespaces())
      if (deps.catalog.namespaceCandidates(namespace).includes(name)) namespaces.add(namespace);
  }
  for (const namespace of namespaces) keys.push(...deps.pendingPods.inNamespace(namespace));
  return keys;
}

/** A gone (or refused) pod: which pod, and the refusals of its reservations already warned about. */
interface Release {
  deps: NetworkDeps;
  key: string;
  ctx: ReconcileContext;
  reservationRefusals: Refusals;
}

/** Port first, then the addresses: a subnet waiting for its last address must not delete its switch under us. */
async function releasePod(r: Release, keepAddresses = false): Promise<ReconcileResult> {
  const { deps, key, ctx } = r;
  const { name, namespace = '' } = ctx.ref;
  await converge(deps.nb, { owner: podOwner(namespace, name), key, desired: [] });
  if (keepAddresses) return;
  const released = await releaseNics(deps, ctx.view, name, namespace);
  for (const subnet of new Set(released.changedSubnets)) deps.enqueue(keyOf('Subnet', subnet));
  for (const ipName of released.held) r.reservationRefusals.forget(ipName);
  for (const { ip, reason, message } of released.refusals) {
    if (!r.reservationRefusals.isNew(ip.metadata.name ?? '', message)) continue;
    ctx.log.info({ ip: ip.metadata.name, reason, message }, 'reservation refused its address');
    await deps.writer.event(refOf(ip), { type: 'Warning', reason, message });
  }
  // A refused reservation is looked at again like a blocked deletion: what blocks it may go at any time.
  if (released.refusals.length) return { requeueAfterMs: BLOCKED_DELETE_RETRY_MS };
  if (released.waiting) return { requeueAfterMs: WAIT_FOR_DEPENDENCY_MS };
  return;
}

/** Whether a gone pod's addresses stay with its StatefulSet; the pod (if cached) or its IP object says if it is one. */
function keptForItsStatefulSet(
  view: ClusterView,
  pod: KubeObject | undefined,
  name: string,
  namespace: string,
): boolean {
  const record = view.get('IP', nicName(name, namespace)) as IpObject | undefined;
  const podType = pod ? podTypeOf(pod) : record?.spec?.podType;
  return keptForStatefulSet(view, namespace, name, podType);
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

/** The NADs a pod's attachments name, from the cache. */
const nadsOf =
  (view: ClusterView): NadLookup =>
  (namespace, name) =>
    view.get('NetworkAttachmentDefinition', name, namespace);

/**
 * Every NIC's Logical_Switch_Port (the primary one unless kovn is not the pod's primary network, and each OVN
 * attachment's) in one NB transaction; false while a logical switch does not exist yet.
 */
async function convergePorts(
  { deps, key, pod, ctx }: PodStep,
  primary: Allocated | undefined,
  attachments: readonly OvnNic[],
): Promise<boolean> {
  const { name, namespace = '' } = ctx.ref;
  const security = (subnet: Subnet, ips: readonly string[]) =>
    portSecurityOf(pod, ips, vpcNextHops(ctx.view, subnet.spec?.vpc || deps.network.clusterRouter));
  const primaryIps = primary
    ? [primary.allocation.v4, primary.allocation.v6].filter((ip) => ip !== undefined)
    : [];
  const desired = [
    ...(primary
      ? desiredPod({
          namespace,
          name,
          subnet: primary.subnet.metadata.name ?? '',
          mac: primary.allocation.mac,
          ips: primaryIps,
          portSecurity: security(primary.subnet, primaryIps),
        })
      : []),
    ...ovnAttachmentRows(pod, attachments, (nic, ips) => security(nic.subnet, ips)),
  ];
  try {
    await converge(deps.nb, { owner: podOwner(namespace, name), key, desired });
    return true;
  } catch (err) {
    if (!(err instanceof MissingParentError)) throw err;
    ctx.log.debug({ reason: err.message }, 'pod waits for its logical switch');
    return false;
  }
}

/** A refused attachment: one Warning Event per distinct message, and a retry. */
async function attachmentRefused(
  { deps, key, pod, ctx }: PodStep,
  refusals: Refusals,
  refusal: { reason: string; message: string },
): Promise<ReconcileResult> {
  if (refusals.isNew(key, refusal.message)) {
    ctx.log.info({ reason: refusal.reason, message: refusal.message }, 'attachment refused an address');
    await deps.writer.event(refOf(pod), {
      type: 'Warning',
      reason: refusal.reason,
      message: refusal.message,
    });
  }
  return { requeueAfterMs: WAIT_FOR_DEPENDENCY_MS };
}

/** The NICs of the pod's attachments: OVN ones allocated here, before their ports; IPAM-only ones in `annotatePod`. */
function allocateOvnNics(step: PodStep, primary: Allocated | undefined): OvnAttachmentOutcome {
  const { deps, pod, ctx } = step;
  const { name, namespace = '' } = ctx.ref;
  const providers = attachmentProviders(pod, nadsOf(ctx.view));
  const reserved = (owner: string) => reservationOf(ctx.view, owner, name, namespace);
  const outcome = allocateOvnAttachments(
    pod,
    providers,
    deps.catalog.live(),
    deps.ipam,
    primary?.subnet,
    reserved,
  );
  if (outcome.kind === 'allocated') for (const s of outcome.changedSubnets) deps.enqueue(keyOf('Subnet', s));
  return outcome;
}

/** The IPAM-only attachments' addresses, every NIC's IP object, then every annotation of the pod in one patch. */
async function annotatePod(
  step: PodStep,
  primary: Allocated | undefined,
  ovnNics: readonly OvnNic[],
  refusals: Refusals,
): Promise<ReconcileResult> {
  const { deps, key, pod, ctx } = step;
  const { name, namespace = '' } = ctx.ref;
  const subnets = deps.catalog.live();
  const nads = nadsOf(ctx.view);
  const reserved = (owner: string) => reservationOf(ctx.view, owner, name, namespace);
  const attached = allocateAttachments(pod, subnets, deps.ipam, reserved, nads);
  if (attached.kind === 'refused') return attachmentRefused(step, refusals, attached);
  refusals.forget(key);
  for (const subnet of attached.changedSubnets) deps.enqueue(keyOf('Subnet', subnet));
  const nics = podNicRecords(
    pod,
    primary && { subnet: primary.subnet.metadata.name ?? '', allocation: primary.allocation },
    [
      ...ovnNics.map((n) => ({
        owner: n.owner,
        subnet: n.subnet.metadata.name ?? '',
        allocation: n.allocation,
      })),
      ...attachmentNics(pod, subnets, deps.ipam, nads),
    ],
  );
  await writeNicRecords(deps.writer, ctx.view, nics);
  const changes = annotationChanges(pod, {
    ...(primary ? podAnnotations(pod, primary.subnet, primary.allocation) : {}),
    ...ovnAttachmentAnnotations(pod, ovnNics),
    ...attached.annotations,
  });
  if (Object.keys(changes).length) await deps.writer.patchAnnotations(refOf(pod), changes);
  return;
}

/** A pod with its primary subnet chosen (or, in non-primary mode, none): its attachments, ports and annotations. */
async function attachPod(
  step: PodStep,
  primary: Allocated | undefined,
  refusals: Refusals,
): Promise<ReconcileResult> {
  if (primary) settleAddress(step, primary);
  const ovn = allocateOvnNics(step, primary);
  if (ovn.kind === 'refused') return attachmentRefused(step, refusals, ovn);
  if (ovn.kind === 'wait') {
    step.ctx.log.debug({ reason: ovn.message }, 'pod attachment waits for its subnet');
    return { requeueAfterMs: WAIT_FOR_DEPENDENCY_MS };
  }
  if (!(await convergePorts(step, primary, ovn.nics))) return { requeueAfterMs: WAIT_FOR_DEPENDENCY_MS };
  return annotatePod(step, primary, ovn.nics, refusals);
}

export function podReconciler(deps: NetworkDeps): Reconciler {
  const refusals = new Refusals();
  const attachmentRefusals = new Refusals();
  const reservationRefusals = new Refusals();
  return {
    kind: 'Pod',
    watches: [
      // A pod reads no namespace annotation (those the Namespace reconciler writes are derived from the subnets).
      {
        kind: 'Namespace',
        map: (ns) => deps.pendingPods.inNamespace(ns.metadata.name ?? ''),
        changed: labelsOrDeletionChanged,
      },
      // Readiness and room are in the status; a finalizer write changes nothing a pod waits for.
      {
        kind: 'Subnet',
        map: (subnet, view) => podsAwaiting(deps, subnet, view),
        changed: specStatusOrDeletionChanged,
      },
      statefulSetPodsWatch,
      podIpWatch(deps.ipam),
      nadPodsWatch,
      ...nextHopWatches(deps),
    ],
    async reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileResult> {
      deps.bootstrap.ensure(ctx.view, ctx.log);
      const { name, namespace = '' } = ctx.ref;
      const pod = ctx.view.get('Pod', name, namespace);
      const release: Release = { deps, key, ctx, reservationRefusals };
      if (podGone(pod)) {
        refusals.forget(key);
        attachmentRefusals.forget(key);
        return releasePod(release, keptForItsStatefulSet(ctx.view, pod, name, namespace));
      }
      // Non-primary mode (Kube-OVN's --non-primary-cni-mode): the cluster's own CNI owns eth0; only attachments here.
      if (deps.nonPrimaryCni) return attachPod({ deps, key, pod: pod!, ctx }, undefined, attachmentRefusals);
      const reservation = reservationOf(ctx.view, nicName(name, namespace), name, namespace);
      const choice = choosePodSubnet(deps, pod!, ctx.view, reservation);
      if (choice.kind === 'wait') {
        ctx.log.debug({ reason: choice.message }, 'pod waits for its subnet');
        return { requeueAfterMs: WAIT_FOR_DEPENDENCY_MS };
      }
      if (choice.kind === 'refused') {
        const released = await releasePod(release);
        if (refusals.isNew(key, choice.message)) {
          ctx.log.info({ reason: choice.reason, message: choice.message }, 'pod refused an address');
          await deps.writer.event(refOf(pod!), {
            type: 'Warning',
            reason: choice.reason,
            message: choice.message,
          });
        }
        return released;
      }
      refusals.forget(key);
      return attachPod({ deps, key, pod: pod!, ctx }, choice, attachmentRefusals);
    },
  };
}
