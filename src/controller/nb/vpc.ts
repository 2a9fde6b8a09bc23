/**
 * A Vpc's NB rows (§3.1, §3.2): the Logical_Router named like the VPC with Kube-OVN's router options, plus the
 * user's `spec.staticRoutes` and `spec.policyRoutes` on it. Route identity is (route_table, policy, prefix) and policy
 * identity is (priority, match), so as in Kube-OVN a later spec entry with the same identity replaces an earlier one
 * (§11.4). Pure: the input is the defaulted Vpc.
 */
import type { Vpc } from '../../api/kinds/vpc.ts';
import type { DesiredRow } from './model.ts';
import { ownerTags, vpcOwner } from './owner.ts';

/** Options Kube-OVN enforces on every VPC router. */
export function routerOptions(vpc: Vpc): Record<string, string> {
  const options: Record<string, string> = { mac_binding_age_threshold: '300', dynamic_neigh_routers: 'true' };
  // Kube-OVN leaves ARP learning on where routers must learn from external or peer ARP requests.
  if (!vpc.spec?.enableExternal && !(vpc.spec?.vpcPeerings ?? []).length) {
    options['always_learn_from_arp_request'] = 'false';
  }
  return options;
}

export function desiredVpc(vpc: Vpc): DesiredRow[] {
  const name = vpc.metadata.name ?? '';
  const tags = ownerTags(vpcOwner(name));
  const parent = { table: 'Logical_Router', name } as const;
  const rows: DesiredRow[] = [
    { table: 'Logical_Router', columns: { name, external_ids: tags, options: routerOptions(vpc) } },
  ];
  for (const route of vpc.spec?.staticRoutes ?? []) {
    rows.push({
      table: 'Logical_Router_Static_Route',
      parent,
      columns: {
        ip_prefix: route.cidr,
        nexthop: route.nextHopIP,
        policy: route.policy === 'policySrc' ? 'src-ip' : 'dst-ip',
        route_table: route.routeTable ?? '',
        external_ids: tags,
      },
    });
  }
  for (const policy of vpc.spec?.policyRoutes ?? []) {
    const hops = policy.action === 'reroute' ? (policy.nextHopIP ?? '').split(',').map((h) => h.trim()) : [];
    rows.push({
      table: 'Logical_Router_Policy',
      parent,
      columns: {
        priority: policy.priority ?? 0,
        match: policy.match ?? '',
        action: policy.action ?? 'allow',
        nexthops: hops.filter((h) => h !== ''),
        external_ids: tags,
      },
    });
  }
  return rows;
}
