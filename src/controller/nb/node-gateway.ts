/**
 * The default VPC's way out of the cluster (Kube-OVN's distributed gateway, pkg/controller/node.go and subnet.go): a
 * pod's traffic to an address outside the VPC's subnets leaves through its own node, whose `ovn0` takes it and
 * whose agent SNATs it when the subnet has natOutgoing (src/node/nat-outgoing). The rows, with Kube-OVN's priorities,
 * matches and names:
 * - on the router, `0.0.0.0/0` (`::/0`) to the join subnet's gateway in the main table and in each route table a
 *   default-VPC subnet uses (`defaultVpcRoutes`, part of the Vpc's rows), so that such traffic is routed at all;
 * - per node and family, at 30000, `ip4.dst == <node address>` rerouted to the node's join address;
 * - per node and default-VPC subnet, an Address_Set `<subnet>.<node>_ip4` ('-' written '.') of that subnet's pods on
 *   that node and, at 29000, `ip4.src == $<set>` rerouted to the node's join address.
 * The 31000 allows of the subnets (subnet.ts) come first, so traffic between the VPC's subnets and to the nodes'
 * join addresses is never rerouted. Kube-OVN keeps each node's pods in a Port_Group `<subnet>.<node>` and matches the
 * address set OVN derives from it; kovn writes the address set itself from the pods' addresses, so the match reads
 * the same and no switch port has to exist first (ADR 27). Pure.
 */
import { GATEWAY_ROUTER_POLICY_PRIORITY, NODE_ROUTER_POLICY_PRIORITY } from '../../api/kinds/vpc-routes.ts';
import { formatCidr, parseIp, type Family } from '../../net/ip.ts';
import type { DesiredRow } from './model.ts';
import { ownerTags } from './owner.ts';

const ipPrefix = (family: Family): string => (family === 4 ? 'ip4' : 'ip6');
const familyOf = (ip: string): Family | undefined => parseIp(ip)?.family;

/** The Address_Set of one subnet's pods on one node: Kube-OVN's `<subnet>.<node>_ip4` (an OVN identifier). */
export function nodeGatewaySetName(subnet: string, node: string, family: Family): string {
  const base = `${subnet}.${node}`.replace(/-/g, '.');
  // OVN names start with a letter, '_' or '.'; Kubernetes names may start with a digit.
  return `${/^[a-zA-Z_.]/.test(base) ? base : `kovn.${base}`}_${ipPrefix(family)}`;
}

/** The default routes of the default VPC's router, owned with the router (the Vpc's rows). */
export function defaultVpcRoutes(input: {
  /** The join subnet's gateway addresses (one per family). */
  joinGateways: readonly string[];
  /** Route tables the default VPC's subnets name (besides the main one, ""). */
  routeTables: readonly string[];
  router: string;
  tags: Readonly<Record<string, string>>;
}): DesiredRow[] {
  const tables = [...new Set(['', ...input.routeTables])].sort();
  return input.joinGateways.flatMap((gateway) => {
    const family = familyOf(gateway);
    if (!family) return [];
    return tables.map((table): DesiredRow => ({
      table: 'Logical_Router_Static_Route',
      parent: { table: 'Logical_Router', name: input.router },
      columns: {
        ip_prefix: formatCidr({ family, network: 0n, address: 0n, prefix: 0 }),
        nexthop: gateway,
        policy: 'dst-ip',
        route_table: table,
        external_ids: input.tags,
      },
    }));
  });
}

export interface NodeGatewayInput {
  node: string;
  router: string;
  owner: string;
  /** The node's join addresses (its `ovn0`), one per family. */
  joinIps: readonly string[];
  /** The node's own addresses (status.addresses InternalIP). */
  nodeIps: readonly string[];
  /** The default VPC's subnets whose pods leave through their node, with the addresses of their pods on it. */
  subnets: readonly { name: string; podIps: readonly string[] }[];
}

const policy = (
  input: NodeGatewayInput,
  columns: { priority: number; match: string; nexthop: string; ids: Record<string, string> },
): DesiredRow => ({
  table: 'Logical_Router_Policy',
  parent: { table: 'Logical_Router', name: input.router },
  columns: {
    priority: columns.priority,
    match: columns.match,
    action: 'reroute',
    nexthops: [columns.nexthop],
    external_ids: ownerTags(input.owner, { node: input.node, ...columns.ids }),
  },
});

/** A node's reroute policies and the address sets of its pods. */
export function desiredNodeGateway(input: NodeGatewayInput): DesiredRow[] {
  const rows: DesiredRow[] = [];
  for (const joinIp of input.joinIps) {
    const family = familyOf(joinIp);
    if (!family) continue;
    const p = ipPrefix(family);
    for (const nodeIp of input.nodeIps.filter((ip) => familyOf(ip) === family))
      rows.push(
        policy(input, {
          priority: NODE_ROUTER_POLICY_PRIORITY,
          match: `${p}.dst == ${nodeIp}`,
          nexthop: joinIp,
          ids: { 'address-family': String(family) },
        }),
      );
    for (const subnet of input.subnets) {
      const set = nodeGatewaySetName(subnet.name, input.node, family);
      const addresses = [...new Set(subnet.podIps.filter((ip) => familyOf(ip) === family))].sort();
      rows.push({
        table: 'Address_Set',
        columns: {
          name: set,
          addresses,
          external_ids: ownerTags(input.owner, { node: input.node, subnet: subnet.name }),
        },
      });
      rows.push(
        policy(input, {
          priority: GATEWAY_ROUTER_POLICY_PRIORITY,
          match: `${p}.src == $${set}`,
          nexthop: joinIp,
          ids: { subnet: subnet.name },
        }),
      );
    }
  }
  return rows;
}
