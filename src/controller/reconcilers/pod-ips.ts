/**
 * A pod's IP objects and what becomes of each NIC's address when the pod goes (Kube-OVN's handleDeletePod and
 * handleAddReservedIP, pkg/controller/pod.go and ip.go), through the ObjectWriter. While the pod lives, each NIC's
 * record is written only when it differs (one write per NIC change, nothing on a converged resync). When it goes
 * (and its StatefulSet does not keep it, the caller's decision), each NIC's object decides: a reservation (a user's
 * object, `ip_reserved` not `"false"`) keeps its address, or takes it if it names one nobody holds, is filled in
 * and never deleted; kovn's own record is deleted and the address released; with no object the address is released.
 * An object being deleted that still carries Kube-OVN's finalizer (made by kube-ovn-controller, which kovn stands in
 * for) loses it, so it can go.
 */
import { FINALIZER, isOvnProvider, OVN_PROVIDER } from '../../api/constants.ts';
import type { IpObject } from '../../api/kinds/ip.ts';
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { ClusterView, KubeObject } from '../../api/types.ts';
import type { Ipam } from '../../ipam/index.ts';
import { changeFinalizers, refOf, type ObjectWriter } from '../../kube/writer.ts';
import { attachmentOwner, nicName } from './ipam-view.ts';
import { goesWithPod, ipObjectWrite, isReservationFor, requestOf, type NicRecord } from './ip-objects.ts';

/** Kube-OVN's finalizers on IP objects (`KubeOVNControllerFinalizer` and the deprecated `DeprecatedFinalizerName`). */
const KUBE_OVN_IP_FINALIZERS = [FINALIZER, 'kube-ovn-controller'];

/** What the IP-object steps use (a part of `NetworkDeps`). */
export interface PodIpDeps {
  writer: ObjectWriter;
  ipam: Pick<Ipam, 'subnet' | 'allocate' | 'release' | 'releaseOwnerEverywhere' | 'lookup'>;
}

/** A reservation that could not take its address: why, for one Warning Event on the IP object. */
export interface ReservationRefusal {
  ip: IpObject;
  reason: string;
  message: string;
}

export interface NicRelease {
  /** Subnets whose counters changed. */
  changedSubnets: string[];
  refusals: ReservationRefusal[];
  /** Reservations that hold their address (by IP object name). */
  held: string[];
  /** A reservation waits for its subnet to reach IPAM. */
  waiting: boolean;
}

const cachedIp = (view: ClusterView, name: string): IpObject | undefined => view.get('IP', name);

/** Drops Kube-OVN's finalizers from an IP object being deleted (nothing else would). */
async function letGo(writer: ObjectWriter, ip: IpObject): Promise<void> {
  await changeFinalizers(writer, ip, { remove: KUBE_OVN_IP_FINALIZERS });
}

/** Writes each NIC's record where it differs; an object being deleted is let go, and re-created once gone. */
export async function writeNicRecords(
  writer: ObjectWriter,
  view: ClusterView,
  nics: readonly NicRecord[],
): Promise<void> {
  for (const nic of nics) {
    const current = cachedIp(view, nic.name);
    if (current?.metadata.deletionTimestamp) {
      await letGo(writer, current);
      continue;
    }
    const write = ipObjectWrite(nic, current);
    if (write?.verb === 'create') await writer.create(write.object);
    else if (write) await writer.update(write.object);
  }
}

/**
 * The NICs a pod may hold addresses for: its primary NIC and one per attachment provider, those the subnets name
 * (`<nad>.<ns>` and `<nad>.<ns>.ovn`) and those the pod's annotations record (an OVN attachment placed in a subnet of
 * another provider by its `logical_switch` annotation), when the pod is still cached.
 */
export function podNicNames(
  name: string,
  namespace: string,
  subnets: readonly Subnet[],
  pod?: KubeObject,
): string[] {
  const providers = new Set(
    subnets
      .map((s) => s.spec?.provider ?? '')
      .filter((provider) => provider !== '' && provider !== OVN_PROVIDER),
  );
  for (const key of Object.keys(pod?.metadata.annotations ?? {})) {
    const provider = /^(.+)\.kubernetes\.io\/allocated$/.exec(key)?.[1];
    if (provider && provider !== OVN_PROVIDER) providers.add(provider);
  }
  return [nicName(name, namespace), ...[...providers].map((p) => attachmentOwner(name, namespace, p))];
}

type Hold = { kind: 'held'; changedSubnets: string[] } | { kind: 'wait' } | ReservationRefusal;

/**
 * Holds a reservation's address for its NIC (the object's name) in its subnet only, and fills the object in; on a
 * non-OVN subnet the NIC has no MAC (none asked for, none recorded), as Kube-OVN's ipAcquireAddress.
 */
async function holdReservation(deps: PodIpDeps, view: ClusterView, ip: IpObject): Promise<Hold> {
  const owner = ip.metadata.name ?? '';
  const subnet = ip.spec?.subnet ?? '';
  const ovn = isOvnProvider((view.get('Subnet', subnet) as Subnet | undefined)?.spec?.provider);
  if (!subnet)
    return { ip, reason: 'SubnetMissing', message: 'spec.subnet is empty: no subnet to reserve in' };
  if (!deps.ipam.subnet(subnet)) return { kind: 'wait' };
  const changedSubnets: string[] = [];
  for (const other of deps.ipam.lookup(owner)) {
    if (other.subnet === subnet) continue;
    deps.ipam.release(other.subnet, owner);
    changedSubnets.push(other.subnet);
  }
  const result = deps.ipam.allocate(subnet, owner, requestOf(ip, ovn));
  if (!result.ok) return { ip, reason: result.reason, message: `subnet ${subnet}: ${result.message}` };
  if (result.changed) changedSubnets.push(subnet);
  const spec = ip.spec ?? {};
  const nic: NicRecord = {
    name: owner,
    podName: spec.podName ?? '',
    namespace: spec.namespace ?? '',
    subnet,
    nodeName: spec.nodeName ?? '',
    podType: spec.podType ?? '',
    allocation: ovn ? result.allocation : { ...result.allocation, mac: '' },
  };
  const write = ipObjectWrite(nic, ip);
  if (write) await deps.writer.update(write.object);
  return { kind: 'held', changedSubnets };
}

/** A gone pod's NICs: reservations held, kovn's records deleted, every other address released. */
export async function releaseNics(
  deps: PodIpDeps,
  view: ClusterView,
  name: string,
  namespace: string,
): Promise<NicRelease> {
  const out: NicRelease = { changedSubnets: [], refusals: [], held: [], waiting: false };
  const pod = view.get('Pod', name, namespace);
  for (const nic of podNicNames(name, namespace, view.list('Subnet'), pod)) {
    const ip = cachedIp(view, nic);
    if (ip?.metadata.deletionTimestamp) await letGo(deps.writer, ip);
    if (isReservationFor(ip, name, namespace)) {
      const held = await holdReservation(deps, view, ip!);
      if (!('kind' in held)) out.refusals.push(held);
      else if (held.kind === 'wait') out.waiting = true;
      else {
        out.held.push(nic);
        out.changedSubnets.push(...held.changedSubnets);
      }
      continue;
    }
    if (ip && goesWithPod(ip) && !ip.metadata.deletionTimestamp) await deps.writer.remove(refOf(ip));
    out.changedSubnets.push(...deps.ipam.releaseOwnerEverywhere(nic));
  }
  return out;
}
