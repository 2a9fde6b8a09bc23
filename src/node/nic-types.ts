/**
 * The shape of one pod NIC as the node plumbs it: a veth whose host end is a port on the node's `br-int` (bound to
 * the OVN Logical_Switch_Port named by `ifaceId`) and whose other end is `ifname` inside the pod's namespace, with
 * the MAC, addresses, gateway and routes the controller annotated. `podNetns` may equal `nodeNetns` (a node's own
 * `ovn0` port on the join subnet). Shared by the plumbing (`nic.ts`), the node agent and the CNI server.
 */
import type { Netns } from './agent/netns-path.ts';

export interface NicRoute {
  /** CIDR, e.g. `0.0.0.0/0` or `10.16.0.0/16`. */
  dst: string;
  /** Next hop; absent for an on-link route. */
  gw?: string;
}

export interface NicSpec {
  /** Network namespace holding the node's br-int (the node's "host network"); undefined: the agent's own. */
  nodeNetns: Netns;
  /** The node's OVS run directory (its `db.sock`, the Open_vSwitch database the agent programs ports through). */
  ovsRundir: string;
  /** The pod's network namespace (must exist); the node's own for a node port. */
  podNetns: Netns;
  /** The veth end in the node namespace, a port on br-int (at most 15 characters). */
  hostIf: string;
  /** The interface name inside the pod (`eth0`, or `ovn0` for a node port). */
  ifname: string;
  /** The Logical_Switch_Port name, set as `external_ids:iface-id`. */
  ifaceId: string;
  mac: string;
  /** Addresses with prefix length, one per family, e.g. `10.0.1.2/24`. */
  ips: string[];
  /** Default gateways, one per family (empty for none). */
  gateways: string[];
  /** Extra routes (a default route via `gateways` is added unless `defaultRoute` is false). */
  routes?: NicRoute[];
  defaultRoute?: boolean;
  mtu?: number;
  /** Extra `external_ids` on the OVS interface (pod_name, pod_namespace, ...). */
  externalIds?: Record<string, string>;
}

/** A pod's own NIC: its namespace is always a named one. */
export type PodNicSpec = NicSpec & { podNetns: string };
