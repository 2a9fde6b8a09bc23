/**
 * From a pod's network (pod-network.ts) to the `NicSpec` the plumbing realises: the veth's host-end name (a hash of
 * the pod for `eth0`, one that also covers the interface name for further NICs), the switch-port name as
 * `iface-id`, the OVS `external_ids` Kube-OVN sets on a pod port, and the default route (the NIC's gateways, unless
 * the routes already carry a default for that family). Pure.
 */
import { createHash } from 'node:crypto';
import { portName } from '../api/constants.ts';
import type { NicRoute, PodNicSpec } from './nic-types.ts';
import { defaultDestination, isDefaultDestination, isV6, type PodNetwork } from './pod-network.ts';
import type { Netns } from './agent/netns-path.ts';

/** The pod's `eth0` veth end in the node namespace (stable per pod, 13 characters). */
export function hostVethName(namespace: string, pod: string): string {
  return `${createHash('sha1').update(`${namespace}/${pod}`).digest('hex').slice(0, 10)}_h`;
}

/** The veth end in the node namespace for a pod NIC (at most 13 characters). */
export function hostIfName(namespace: string, pod: string, ifname: string): string {
  if (ifname === 'eth0') return hostVethName(namespace, pod);
  return `${createHash('sha1').update(`${namespace}/${pod}/${ifname}`).digest('hex').slice(0, 10)}_h`;
}

export interface NicPlace {
  nodeNetns: Netns;
  ovsRundir: string;
  podNetns: string;
  podName: string;
  podNamespace: string;
  ifname: string;
  mtu?: number;
}

/** Routes plus explicit default routes: the gateways' (if this NIC takes the default route) except for families the routes already default. */
export function nicRoutes(network: Pick<PodNetwork, 'gateways' | 'routes' | 'defaultRoute'>): NicRoute[] {
  const covered = new Set(
    network.routes.filter((r) => isDefaultDestination(r.dst)).map((r) => isV6(r.dst) || isV6(r.gw ?? '')),
  );
  const defaults = network.defaultRoute
    ? network.gateways
        .filter((gw) => !covered.has(isV6(gw)))
        .map((gw) => ({ dst: defaultDestination(gw), gw }))
    : [];
  return [...defaults, ...network.routes];
}

export function podNicSpec(network: PodNetwork, place: NicPlace): PodNicSpec {
  const ifaceId = portName(place.podName, place.podNamespace, network.provider);
  return {
    nodeNetns: place.nodeNetns,
    ovsRundir: place.ovsRundir,
    podNetns: place.podNetns,
    hostIf: hostIfName(place.podNamespace, place.podName, place.ifname),
    ifname: place.ifname,
    ifaceId,
    mac: network.mac,
    ips: network.ips,
    gateways: network.gateways,
    routes: nicRoutes(network),
    defaultRoute: false,
    ...(place.mtu === undefined ? {} : { mtu: place.mtu }),
    externalIds: {
      pod_name: place.podName,
      pod_namespace: place.podNamespace,
      pod_netns: place.podNetns,
      ip: network.ips.map((ip) => ip.split('/')[0]).join(','),
      vendor: 'kube-ovn',
    },
  };
}
