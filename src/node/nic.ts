/**
 * Pod NIC plumbing, as a CNI plugin does it: a veth from the node's namespace (a port on `br-int` bound to the
 * Logical_Switch_Port `ifaceId`) into the pod's namespace (`ifname`, with the MAC, addresses, MTU, routes and
 * transmit checksum offload off, which the userspace datapath needs for TCP). The veth is created directly inside
 * the two namespaces (one RTM_NEWLINK naming both namespaces), so the root namespace never sees it; its host end
 * gets no IPv6 link-local address (the pod's end keeps its own).
 *
 * `plugNic` is idempotent: it observes first and changes nothing when `checkNic` finds no problem; otherwise it
 * converges (recreating the pair only when the two ends are missing or not one pair). `unplugNic` removes the OVS
 * port and the veth, and succeeds when they are already gone. The OVS port goes through the agent's own OVSDB
 * connection (ovs-db.ts: one transaction per change, none when it already matches); links, addresses and routes
 * through the agent's link helper (netlink/link-helper.ts: one request per step group, no process). `podNetns ===
 * nodeNetns` plumbs a node's own port (`ovn0` on the join subnet): both ends then live in the node namespace.
 */
import type { Announcement, LinkOps, LinkStep } from './netlink/link-helper.ts';
import { observeNic } from './nic-observe.ts';
import type { NodeOvsDb } from './ovs-db.ts';
import {
  arePeers,
  desiredExternalIds,
  desiredRoutes,
  INTEGRATION_BRIDGE,
  isIpv6,
  nicProblems,
  routeKey,
  type LinkState,
} from './nic-state.ts';
import type { NicSpec } from './nic-types.ts';
import { netnsLabel, type Netns } from './agent/netns-path.ts';

export { INTEGRATION_BRIDGE } from './nic-state.ts';
export type PlugOutcome = 'created' | 'updated' | 'unchanged';

/** What `unplugNic` needs: where the host end is. */
export type NicRef = Pick<NicSpec, 'nodeNetns' | 'ovsRundir' | 'hostIf'>;

/** The problems `plugNic` would fix; empty when the NIC matches `spec` exactly (CNI CHECK). */
export async function checkNic(links: LinkOps, ovs: NodeOvsDb, spec: NicSpec): Promise<string[]> {
  return nicProblems(spec, await observeNic(links, ovs, spec));
}

/** The steps that bring an existing link to `want` (the MAC is changed with the link down, as the kernel wants). */
function linkSteps(netns: Netns, link: LinkState, want: { mac?: string; mtu?: number }): LinkStep[] {
  const macChange = want.mac !== undefined && link.mac.toLowerCase() !== want.mac.toLowerCase();
  const mtuChange = want.mtu !== undefined && link.mtu !== want.mtu;
  return [
    {
      op: 'set',
      netns,
      name: link.name,
      ...(macChange ? { mac: want.mac } : {}),
      ...(mtuChange ? { mtu: want.mtu } : {}),
      up: true,
    },
    ...(link.txChecksum !== false ? [{ op: 'tx-off' as const, netns, name: link.name }] : []),
  ];
}

function addressSteps(spec: NicSpec, link: LinkState): LinkStep[] {
  const want = new Set(spec.ips.map((a) => a.toLowerCase()));
  const have = new Set(link.addrs.map((a) => a.toLowerCase()));
  const netns = spec.podNetns;
  return [
    ...link.addrs
      .filter((a) => !want.has(a.toLowerCase()))
      .map((addr): LinkStep => ({ op: 'addr-del', netns, name: spec.ifname, addr })),
    ...spec.ips
      .filter((a) => !have.has(a.toLowerCase()))
      .map((addr): LinkStep => ({ op: 'addr-add', netns, name: spec.ifname, addr })),
  ];
}

async function routeSteps(links: LinkOps, spec: NicSpec): Promise<LinkStep[]> {
  const want = desiredRoutes(spec);
  const wantKeys = new Set(want.map(routeKey));
  const netns = spec.podNetns;
  const stale = (await links.readRoutes(netns, spec.ifname)).filter((r) => !wantKeys.has(routeKey(r)));
  const route = (
    op: 'route-del' | 'route-replace',
    r: { dst: string; gw: string | undefined },
  ): LinkStep => ({
    op,
    netns,
    name: spec.ifname,
    dst: r.dst,
    ...(r.gw ? { gw: r.gw } : {}),
  });
  return [...stale.map((r) => route('route-del', r)), ...want.map((r) => route('route-replace', r))];
}

/**
 * A pair just created is in a known state (both ends down, random MACs, no addresses or routes, offload on), so it
 * is configured without reading it back, in the same request that creates it.
 */
function newPairSteps(spec: NicSpec): LinkStep[] {
  const mtu = spec.mtu === undefined ? {} : { mtu: spec.mtu };
  const pod = spec.podNetns;
  return [
    { op: 'set', netns: spec.nodeNetns, name: spec.hostIf, ...mtu, up: true },
    { op: 'set', netns: pod, name: spec.ifname, mac: spec.mac, ...mtu, up: true },
    ...spec.ips.map((addr): LinkStep => ({ op: 'addr-add', netns: pod, name: spec.ifname, addr })),
    ...desiredRoutes(spec).map((r): LinkStep => ({
      op: 'route-replace',
      netns: pod,
      name: spec.ifname,
      dst: r.dst,
      ...(r.gw ? { gw: r.gw } : {}),
    })),
    { op: 'tx-off', netns: spec.nodeNetns, name: spec.hostIf },
    { op: 'tx-off', netns: pod, name: spec.ifname },
  ];
}

async function configurePort(ovs: NodeOvsDb, spec: NicSpec): Promise<void> {
  await ovs.ensurePort(INTEGRATION_BRIDGE, spec.hostIf, desiredExternalIds(spec));
}

/** Makes the NIC exactly `spec`; returns what it had to do. The pod namespace must exist. */
export async function plugNic(links: LinkOps, ovs: NodeOvsDb, spec: NicSpec): Promise<PlugOutcome> {
  const observed = await observeNic(links, ovs, spec);
  const problems = nicProblems(spec, observed);
  if (problems.length === 0) return 'unchanged';
  if (!observed.nodeNetnsExists || !observed.podNetnsExists)
    throw new Error(`plug ${spec.ifaceId}: ${problems[0]}`);
  const { pod, host } = observed;
  if (!pod || !host || !arePeers(spec, pod, host)) {
    if (pod && pod.kind !== 'veth')
      throw new Error(
        `plug ${spec.ifaceId}: ${spec.ifname} in ${netnsLabel(spec.podNetns)} exists and is not a veth`,
      );
    // The host end's name is ours (derived from the pod); a stale one or a half pair is removed and rebuilt.
    const stale: LinkStep[] = [
      ...(host ? [{ op: 'link-del' as const, netns: spec.nodeNetns, name: spec.hostIf }] : []),
      // Gone with the host end when the two were one pair.
      ...(pod ? [{ op: 'link-del' as const, netns: spec.podNetns, name: spec.ifname, ifExists: true }] : []),
    ];
    // Both ends are created directly in their namespaces, so the root namespace never sees the pod's end. The host
    // end gets no IPv6 link-local address: it carries no IP traffic of its own, and each address and its IPv6
    // routes in the node namespace make ovs-vswitchd's route and tunnel-address table rebuilds (on every link or
    // route change there) dearer for every pod after (docs/benchmarks.md, "ovs-vswitchd per pod").
    await links.apply([
      ...stale,
      {
        op: 'veth',
        netns: spec.nodeNetns,
        name: spec.hostIf,
        peer: spec.ifname,
        peerNetns: spec.podNetns,
        noIpv6LinkLocal: true,
      },
    ]);
    // The port first (as Kube-OVN's CNI does): ovn-controller binds it while the addresses are being set.
    await configurePort(ovs, spec);
    await links.apply(newPairSteps(spec));
    return 'created';
  }
  const mtu = spec.mtu === undefined ? {} : { mtu: spec.mtu };
  await links.apply([
    ...linkSteps(spec.nodeNetns, host, mtu),
    ...linkSteps(spec.podNetns, pod, { mac: spec.mac, ...mtu }),
    ...addressSteps(spec, pod),
    ...(await routeSteps(links, spec)),
  ]);
  await configurePort(ovs, spec);
  return 'updated';
}

/**
 * After a NIC is (re)plugged: wait (bounded) until its IPv4 gateway answers — the port is bound and the router
 * knows the pod — then announce each IPv4 address with unsolicited ARP, so neighbours that cached an earlier owner
 * of the address (a re-created pod with a new MAC) update at once instead of after their cache times out. The link
 * helper sends an ICMP echo every 100 ms and stops at the first answer (the port is usually bound within a few
 * hundred ms). Returns whether the gateway answered. Best effort: failures are reported, not thrown.
 */
export async function announceNic(
  links: LinkOps,
  spec: NicSpec,
  options: { timeoutSeconds?: number } = {},
): Promise<boolean> {
  const gateway = spec.gateways.find((g) => !isIpv6(g));
  const announcement: Announcement = {
    netns: spec.podNetns,
    ifname: spec.ifname,
    ...(gateway ? { gateway } : {}),
    addrs: spec.ips.filter((ip) => !isIpv6(ip)).map((ip) => ip.split('/')[0]!),
    timeoutMs: (options.timeoutSeconds ?? 20) * 1000,
  };
  return links.announce(announcement).catch(() => false);
}

/** Removes the OVS port and the veth pair (its pod end goes with it); a no-op when both are gone. */
export async function unplugNic(links: LinkOps, ovs: NodeOvsDb, ref: NicRef): Promise<void> {
  await ovs.removePort(INTEGRATION_BRIDGE, ref.hostIf);
  if (await links.readLink(ref.nodeNetns, ref.hostIf).catch(() => undefined))
    await links.apply([{ op: 'link-del', netns: ref.nodeNetns, name: ref.hostIf }]);
}
