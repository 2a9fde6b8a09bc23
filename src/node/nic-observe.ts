/**
 * Reads a pod NIC's actual state: both veth ends with their addresses (`ip -j -d addr`), the pod interface's routes
 * (`ip -j route`), transmit checksum offload (`ethtool -k`) and the OVS interface row (bridge, external_ids,
 * ofport, error) from the agent's OVSDB cache (ovs-db.ts). Everything absent is reported as absent, never thrown; nic-state.ts compares it with the spec.
 */
import { ipNetnsArgs, netnsExists, type Netns } from './agent/netns-path.ts';
import type { ProcessRunner } from '../util/exec.ts';
import { normaliseDst, type LinkState, type ObservedNic, type RouteState } from './nic-state.ts';
import type { NicSpec } from './nic-types.ts';
import type { NodeOvsDb } from './ovs-db.ts';

interface IpLink {
  ifindex: number;
  ifname: string;
  link?: string;
  link_index?: number;
  mtu: number;
  address: string;
  flags: string[];
  linkinfo?: { info_kind?: string };
  addr_info?: { family: string; local: string; prefixlen: number; scope: string }[];
}

interface IpRoute {
  dst: string;
  gateway?: string;
  protocol?: string;
}

/** `ip -j` output of `args` in `netns`, or undefined when the command fails (no such device). */
async function ipJson<T>(runner: ProcessRunner, netns: Netns, args: string[]): Promise<T | undefined> {
  const r = await runner.run('ip', [...ipNetnsArgs(netns), '-j', ...args]);
  if (r.code !== 0) return undefined;
  return JSON.parse(r.stdout || '[]') as T;
}

/** Is transmit checksum offload on? undefined when ethtool cannot tell. */
export async function txChecksum(
  runner: ProcessRunner,
  netns: Netns,
  ifname: string,
): Promise<boolean | undefined> {
  const r = await runner.run('ethtool', ['-k', ifname], { netns });
  const m = /^tx-checksumming: (on|off)/m.exec(r.stdout);
  return m ? m[1] === 'on' : undefined;
}

export async function readLink(
  runner: ProcessRunner,
  netns: Netns,
  ifname: string,
): Promise<LinkState | undefined> {
  // `-d addr show` carries the link's details (kind, peer) and its addresses in one answer.
  const [link] = (await ipJson<IpLink[]>(runner, netns, ['-d', 'addr', 'show', 'dev', ifname])) ?? [];
  if (!link) return undefined;
  const addrs = (link.addr_info ?? [])
    .filter((a) => a.scope === 'global')
    .map((a) => `${a.local}/${a.prefixlen}`);
  return {
    name: link.ifname,
    ifindex: link.ifindex,
    ...(link.link === undefined ? {} : { peerName: link.link }),
    ...(link.link_index === undefined ? {} : { peerIndex: link.link_index }),
    kind: link.linkinfo?.info_kind,
    mac: link.address,
    mtu: link.mtu,
    up: link.flags.includes('UP'),
    addrs,
    txChecksum: await txChecksum(runner, netns, ifname),
  };
}

export async function readRoutes(runner: ProcessRunner, netns: Netns, ifname: string): Promise<RouteState[]> {
  const out: RouteState[] = [];
  for (const family of [4, 6] as const) {
    const routes =
      (await ipJson<IpRoute[]>(runner, netns, [`-${family}`, 'route', 'show', 'dev', ifname])) ?? [];
    for (const r of routes) {
      if (r.protocol === 'kernel') continue;
      out.push({ dst: normaliseDst(r.dst, family), gw: r.gateway?.toLowerCase() });
    }
  }
  return out;
}

/** Observes everything `nicProblems` compares. */
export async function observeNic(runner: ProcessRunner, ovs: NodeOvsDb, spec: NicSpec): Promise<ObservedNic> {
  const nodeNetnsExists = netnsExists(spec.nodeNetns);
  const podNetnsExists = spec.podNetns === spec.nodeNetns ? nodeNetnsExists : netnsExists(spec.podNetns);
  const pod = podNetnsExists ? await readLink(runner, spec.podNetns, spec.ifname) : undefined;
  return {
    nodeNetnsExists,
    podNetnsExists,
    pod,
    host: nodeNetnsExists ? await readLink(runner, spec.nodeNetns, spec.hostIf) : undefined,
    routes: pod ? await readRoutes(runner, spec.podNetns, spec.ifname) : [],
    ovs: await ovs.portState(spec.hostIf),
  };
}
