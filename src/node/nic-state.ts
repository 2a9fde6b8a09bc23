/**
 * A pod NIC as observed (links, addresses, routes, checksum offload, the OVS interface) and the pure comparison of
 * that observation with a `NicSpec`: `nicProblems(spec, observed)` lists every difference as a sentence, which is
 * what CNI CHECK reports and what `plugNic` uses to decide whether anything needs doing. No I/O here (see
 * nic-observe.ts for reading the state).
 */
import type { NicRoute, NicSpec } from './nic-types.ts';
import { netnsLabel } from './agent/netns-path.ts';

export const INTEGRATION_BRIDGE = 'br-int';

export interface LinkState {
  name: string;
  ifindex: number;
  /** The veth peer: its name when in the same namespace, else its ifindex (in the peer's namespace). */
  peerName?: string;
  peerIndex?: number;
  kind: string | undefined;
  mac: string;
  mtu: number;
  up: boolean;
  /** Global-scope addresses as `ip/prefix`. */
  addrs: string[];
  /** Transmit checksum offload (`ethtool -k`: tx-checksumming); undefined if unknown. */
  txChecksum: boolean | undefined;
}

export interface RouteState {
  /** CIDR (`default` normalised to 0.0.0.0/0 or ::/0). */
  dst: string;
  gw: string | undefined;
}

export interface OvsInterfaceState {
  bridge: string | undefined;
  externalIds: Record<string, string>;
  ofport: number | undefined;
  error: string | undefined;
}

export interface ObservedNic {
  podNetnsExists: boolean;
  nodeNetnsExists: boolean;
  pod: LinkState | undefined;
  host: LinkState | undefined;
  /** Non-kernel routes through the pod interface. */
  routes: RouteState[];
  ovs: OvsInterfaceState | undefined;
}

export function isIpv6(addr: string): boolean {
  return addr.includes(':');
}

export function defaultDst(gw: string): string {
  return isIpv6(gw) ? '::/0' : '0.0.0.0/0';
}

/** `10.0.0.0/8` stays, a bare address gets /32 or /128, `default` becomes the family's default. */
export function normaliseDst(dst: string, family: 4 | 6): string {
  if (dst === 'default') return family === 6 ? '::/0' : '0.0.0.0/0';
  if (dst.includes('/')) return dst.toLowerCase();
  return `${dst.toLowerCase()}/${family === 6 ? 128 : 32}`;
}

/** The routes the spec asks for: a default route per gateway (unless `defaultRoute === false`), then `routes`. */
export function desiredRoutes(spec: NicSpec): RouteState[] {
  const defaults: NicRoute[] =
    spec.defaultRoute === false ? [] : spec.gateways.map((gw) => ({ dst: defaultDst(gw), gw }));
  return [...defaults, ...(spec.routes ?? [])].map((r) => ({
    dst: normaliseDst(r.dst, isIpv6(r.dst) || (r.gw !== undefined && isIpv6(r.gw)) ? 6 : 4),
    gw: r.gw?.toLowerCase(),
  }));
}

export function routeKey(r: RouteState): string {
  return `${r.dst} via ${r.gw ?? 'on-link'}`;
}

/**
 * The `external_ids` the OVS interface must carry: `iface-id` plus the spec's extras. Other keys are allowed
 * (ovn-controller adds `ovn-installed` once the port's flows are in).
 */
export function desiredExternalIds(spec: NicSpec): Record<string, string> {
  return { ...spec.externalIds, 'iface-id': spec.ifaceId };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a.map((x) => x.toLowerCase()));
  const sb = new Set(b.map((x) => x.toLowerCase()));
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

/** Are the two links the two ends of one veth pair? */
export function arePeers(spec: NicSpec, pod: LinkState, host: LinkState): boolean {
  if (spec.podNetns === spec.nodeNetns) return pod.peerName === host.name && host.peerName === pod.name;
  return pod.peerIndex === host.ifindex && host.peerIndex === pod.ifindex;
}

function linkProblems(where: string, link: LinkState, mtu: number | undefined): string[] {
  const out: string[] = [];
  if (link.kind !== 'veth') out.push(`${where} is a ${link.kind ?? 'plain'} link, not a veth`);
  if (!link.up) out.push(`${where} is down`);
  if (mtu !== undefined && link.mtu !== mtu) out.push(`${where} has MTU ${link.mtu}, want ${mtu}`);
  if (link.txChecksum === true) out.push(`${where} has transmit checksum offload on`);
  return out;
}

/** Every way `observed` differs from `spec`; empty when the NIC is exactly as specified. */
export function nicProblems(spec: NicSpec, observed: ObservedNic): string[] {
  const podIf = `${spec.ifname} in ${netnsLabel(spec.podNetns)}`;
  const hostIf = `${spec.hostIf} in ${netnsLabel(spec.nodeNetns)}`;
  if (!observed.nodeNetnsExists)
    return [`node network namespace ${netnsLabel(spec.nodeNetns)} does not exist`];
  if (!observed.podNetnsExists) return [`pod network namespace ${netnsLabel(spec.podNetns)} does not exist`];
  const out: string[] = [];
  const { pod, host } = observed;
  if (!pod) out.push(`${podIf} does not exist`);
  if (!host) out.push(`${hostIf} does not exist`);
  if (pod && host && !arePeers(spec, pod, host)) out.push(`${podIf} and ${hostIf} are not one veth pair`);
  if (pod) {
    out.push(...linkProblems(podIf, pod, spec.mtu));
    if (pod.mac.toLowerCase() !== spec.mac.toLowerCase())
      out.push(`${podIf} has MAC ${pod.mac}, want ${spec.mac}`);
    if (!sameSet(pod.addrs, spec.ips))
      out.push(`${podIf} has addresses [${pod.addrs.join(', ')}], want [${spec.ips.join(', ')}]`);
    const have = new Set(observed.routes.map(routeKey));
    const want = desiredRoutes(spec);
    const wantKeys = new Set(want.map(routeKey));
    for (const r of want) if (!have.has(routeKey(r))) out.push(`${podIf}: route ${routeKey(r)} is missing`);
    for (const r of observed.routes)
      if (!wantKeys.has(routeKey(r))) out.push(`${podIf}: unexpected route ${routeKey(r)}`);
  }
  if (host) out.push(...linkProblems(hostIf, host, spec.mtu));
  const ovs = observed.ovs;
  if (!ovs || ovs.bridge === undefined) out.push(`${spec.hostIf} is not a port of ${INTEGRATION_BRIDGE}`);
  else {
    if (ovs.bridge !== INTEGRATION_BRIDGE)
      out.push(`${spec.hostIf} is a port of ${ovs.bridge}, not ${INTEGRATION_BRIDGE}`);
    if (ovs.error) out.push(`OVS interface ${spec.hostIf}: ${ovs.error}`);
    else if (ovs.ofport === undefined || ovs.ofport < 0)
      out.push(`OVS interface ${spec.hostIf} has no OpenFlow port`);
    const want = desiredExternalIds(spec);
    for (const [k, v] of Object.entries(want))
      if (ovs.externalIds[k] !== v)
        out.push(
          `OVS interface ${spec.hostIf}: external_ids:${k} is ${JSON.stringify(ovs.externalIds[k] ?? null)}, want ${JSON.stringify(v)}`,
        );
  }
  return out;
}
