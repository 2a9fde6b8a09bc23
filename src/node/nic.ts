/**
 * Pod NIC plumbing, as a CNI plugin does it: a veth from the node's namespace (a port on `br-int` bound to the
 * Logical_Switch_Port `ifaceId`) into the pod's namespace (`ifname`, with the MAC, addresses, MTU, routes and
 * transmit checksum offload off, which the userspace datapath needs for TCP). The veth is created directly inside
 * the two namespaces (`ip link add H netns N type veth peer name P netns Q`), so the root namespace never sees it.
 *
 * `plugNic` is idempotent: it observes first and changes nothing when `checkNic` finds no problem; otherwise it
 * converges (recreating the pair only when the two ends are missing or not one pair). `unplugNic` removes the OVS
 * port and the veth, and succeeds when they are already gone. The OVS port goes through the agent's own OVSDB
 * connection (ovs-db.ts: one transaction per change, none when it already matches); links through `ip`/`ethtool`. `podNetns === nodeNetns` plumbs a node's own port
 * (`ovn0` on the join subnet): both ends then live in the node namespace.
 */
import { check, type ProcessRunner } from '../util/exec.ts';
import { observeNic, readLink, readRoutes } from './nic-observe.ts';
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
import { ipNetnsArgs, netnsLabel, type Netns } from './agent/netns-path.ts';

export { INTEGRATION_BRIDGE } from './nic-state.ts';
export type PlugOutcome = 'created' | 'updated' | 'unchanged';

/** What `unplugNic` needs: where the host end is. */
export type NicRef = Pick<NicSpec, 'nodeNetns' | 'ovsRundir' | 'hostIf'>;

function ip(runner: ProcessRunner, netns: Netns, ...args: string[]): Promise<string> {
  return check(runner, 'ip', [...ipNetnsArgs(netns), ...args]);
}

/** The problems `plugNic` would fix; empty when the NIC matches `spec` exactly (CNI CHECK). */
export async function checkNic(runner: ProcessRunner, ovs: NodeOvsDb, spec: NicSpec): Promise<string[]> {
  return nicProblems(spec, await observeNic(runner, ovs, spec));
}

async function createPair(runner: ProcessRunner, spec: NicSpec): Promise<void> {
  if (spec.podNetns === spec.nodeNetns) {
    await ip(runner, spec.nodeNetns, 'link', 'add', spec.hostIf, 'type', 'veth', 'peer', 'name', spec.ifname);
  } else {
    await check(runner, 'ip', [
      ...[...ipNetnsArgs(spec.nodeNetns), 'link', 'add', spec.hostIf, 'type', 'veth'],
      // A pid names the namespace of that process: this one's, when the pod end goes to the agent's own.
      ...['peer', 'name', spec.ifname, 'netns', spec.podNetns ?? String(process.pid)],
    ]);
  }
}

async function configureLink(
  runner: ProcessRunner,
  netns: Netns,
  link: LinkState,
  want: { mac?: string; mtu?: number },
): Promise<void> {
  if (want.mac !== undefined && link.mac.toLowerCase() !== want.mac.toLowerCase()) {
    await ip(runner, netns, 'link', 'set', link.name, 'down');
    await ip(runner, netns, 'link', 'set', link.name, 'address', want.mac);
  }
  if (want.mtu !== undefined && link.mtu !== want.mtu)
    await ip(runner, netns, 'link', 'set', link.name, 'mtu', String(want.mtu));
  await ip(runner, netns, 'link', 'set', link.name, 'up');
  if (link.txChecksum !== false) await check(runner, 'ethtool', ['-K', link.name, 'tx', 'off'], { netns });
}

async function configureAddresses(runner: ProcessRunner, spec: NicSpec, link: LinkState): Promise<void> {
  const want = new Set(spec.ips.map((a) => a.toLowerCase()));
  for (const have of link.addrs)
    if (!want.has(have.toLowerCase()))
      await ip(runner, spec.podNetns, 'addr', 'del', have, 'dev', spec.ifname);
  const have = new Set(link.addrs.map((a) => a.toLowerCase()));
  for (const addr of spec.ips) {
    if (have.has(addr.toLowerCase())) continue;
    const v6 = isIpv6(addr) ? ['nodad'] : [];
    await ip(runner, spec.podNetns, 'addr', 'add', addr, 'dev', spec.ifname, ...v6);
  }
}

async function configureRoutes(runner: ProcessRunner, spec: NicSpec): Promise<void> {
  const want = desiredRoutes(spec);
  const wantKeys = new Set(want.map(routeKey));
  for (const r of await readRoutes(runner, spec.podNetns, spec.ifname)) {
    if (wantKeys.has(routeKey(r))) continue;
    const family = isIpv6(r.dst) ? '-6' : '-4';
    await ip(
      runner,
      spec.podNetns,
      family,
      'route',
      'del',
      r.dst,
      ...(r.gw ? ['via', r.gw] : []),
      'dev',
      spec.ifname,
    );
  }
  for (const r of want) {
    const family = isIpv6(r.dst) ? '-6' : '-4';
    const via = r.gw ? ['via', r.gw] : [];
    await ip(runner, spec.podNetns, family, 'route', 'replace', r.dst, ...via, 'dev', spec.ifname);
  }
}

/**
 * A pair just created is in a known state (both ends down, random MACs, no addresses or routes, offload on), so it
 * is configured without reading it back: one `ip -batch` per namespace and one `ethtool` per end, instead of a
 * command and a read per setting (the difference is most of a pod's plumbing time when many start at once).
 */
async function configureNewPair(runner: ProcessRunner, spec: NicSpec): Promise<void> {
  const mtu = (dev: string) => (spec.mtu === undefined ? [] : [`link set dev ${dev} mtu ${spec.mtu}`]);
  await ipBatch(runner, spec.nodeNetns, [...mtu(spec.hostIf), `link set dev ${spec.hostIf} up`]);
  await ipBatch(runner, spec.podNetns, [
    `link set dev ${spec.ifname} address ${spec.mac}`,
    ...mtu(spec.ifname),
    `link set dev ${spec.ifname} up`,
    ...spec.ips.map((a) => `addr add ${a} dev ${spec.ifname}${isIpv6(a) ? ' nodad' : ''}`),
    ...desiredRoutes(spec).map(
      (r) => `route replace ${r.dst}${r.gw ? ` via ${r.gw}` : ''} dev ${spec.ifname}`,
    ),
  ]);
  await check(runner, 'ethtool', ['-K', spec.hostIf, 'tx', 'off'], { netns: spec.nodeNetns });
  await check(runner, 'ethtool', ['-K', spec.ifname, 'tx', 'off'], { netns: spec.podNetns });
}

function ipBatch(runner: ProcessRunner, netns: Netns, lines: readonly string[]): Promise<string> {
  return check(runner, 'ip', [...ipNetnsArgs(netns), '-batch', '-'], { input: `${lines.join('\n')}\n` });
}

async function configurePort(ovs: NodeOvsDb, spec: NicSpec): Promise<void> {
  await ovs.ensurePort(INTEGRATION_BRIDGE, spec.hostIf, desiredExternalIds(spec));
}

/** Makes the NIC exactly `spec`; returns what it had to do. The pod namespace must exist. */
export async function plugNic(runner: ProcessRunner, ovs: NodeOvsDb, spec: NicSpec): Promise<PlugOutcome> {
  const observed = await observeNic(runner, ovs, spec);
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
    if (host) await ip(runner, spec.nodeNetns, 'link', 'del', spec.hostIf);
    if (pod && (await readLink(runner, spec.podNetns, spec.ifname)))
      await ip(runner, spec.podNetns, 'link', 'del', spec.ifname);
    await createPair(runner, spec);
    // The port first (as Kube-OVN's CNI does): ovn-controller binds it while the addresses are being set.
    await configurePort(ovs, spec);
    await configureNewPair(runner, spec);
    return 'created';
  }
  await configureLink(runner, spec.nodeNetns, host, spec.mtu === undefined ? {} : { mtu: spec.mtu });
  await configureLink(runner, spec.podNetns, pod, {
    mac: spec.mac,
    ...(spec.mtu === undefined ? {} : { mtu: spec.mtu }),
  });
  await configureAddresses(runner, spec, pod);
  await configureRoutes(runner, spec);
  await configurePort(ovs, spec);
  return 'updated';
}

/**
 * After a NIC is (re)plugged: wait (bounded) until its IPv4 gateway answers — the port is bound and the router
 * knows the pod — then announce each IPv4 address with unsolicited ARP, so neighbours that cached an earlier owner
 * of the address (a re-created pod with a new MAC) update at once instead of after their cache times out.
 * One `ping` probes every 100 ms and exits at the first answer (the port is usually bound within a few hundred ms;
 * a ping per second would round that up to whole seconds). The ARP goes out as soon as `arping` starts, but
 * `arping` itself lingers a second for replies that never come to an unsolicited ARP, so it is not awaited.
 * Returns whether the gateway answered. Best effort: failures are reported, not thrown.
 */
export async function announceNic(
  runner: ProcessRunner,
  spec: NicSpec,
  options: { timeoutSeconds?: number } = {},
): Promise<boolean> {
  const v4 = spec.ips.filter((ip) => !ip.includes(':')).map((ip) => ip.split('/')[0]!);
  const gateway = spec.gateways.find((g) => !g.includes(':'));
  let reached = false;
  if (gateway) {
    const deadline = String(options.timeoutSeconds ?? 20);
    const r = await runner.run(
      'ping',
      ['-c', '1', '-i', '0.1', '-W', '1', '-w', deadline, '-I', spec.ifname, gateway],
      { netns: spec.podNetns },
    );
    reached = r.code === 0;
  }
  for (const ip of v4) {
    void runner
      .run('arping', ['-q', '-U', '-c', '1', '-I', spec.ifname, ip], { netns: spec.podNetns })
      .catch(() => undefined);
  }
  return reached;
}

/** Removes the OVS port and the veth pair (its pod end goes with it); a no-op when both are gone. */
export async function unplugNic(runner: ProcessRunner, ovs: NodeOvsDb, ref: NicRef): Promise<void> {
  await ovs.removePort(INTEGRATION_BRIDGE, ref.hostIf);
  if (await readLink(runner, ref.nodeNetns, ref.hostIf).catch(() => undefined))
    await ip(runner, ref.nodeNetns, 'link', 'del', ref.hostIf);
}
