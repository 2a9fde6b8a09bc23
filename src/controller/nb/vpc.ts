/**
 * A Vpc's NB rows (Kube-OVN's pkg/controller/vpc.go): the Logical_Router named like the VPC with Kube-OVN's router
 * options, plus the user's `spec.staticRoutes` and `spec.policyRoutes` on it. A static route's identity is
 * (route_table, policy, prefix, next hop), so entries that differ only in the next hop coexist as an ECMP group
 * (Kube-OVN keeps one, its `AddLogicalRouterStaticRoute` replacing the others; ADR 12). Prefixes are normalised
 * (bare IP -> /32 or /128, host bits cleared) so identities are stable and the diff does not churn. A policy's
 * identity is (priority, match): a later spec entry with the same pair replaces an earlier one. Pure: the input is
 * the defaulted Vpc.
 */
import type { Vpc } from '../../api/kinds/vpc.ts';
import { normalizeIp, normalizePrefix } from '../../net/ip.ts';
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

/** The reroute next hops of a policy entry: the comma-separated list, normalised, deduplicated, sorted. */
export function policyNextHops(action: string | undefined, nextHopIP: string | undefined): string[] {
  if (action !== 'reroute') return [];
  const hops = (nextHopIP ?? '').split(',').map(normalizeIp);
  return [...new Set(hops.filter((h) => h !== ''))].sort();
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
        ip_prefix: normalizePrefix(route.cidr),
        nexthop: normalizeIp(route.nextHopIP),
        policy: route.policy === 'policySrc' ? 'src-ip' : 'dst-ip',
        route_table: route.routeTable ?? '',
        external_ids: tags,
      },
    });
  }
  for (const policy of vpc.spec?.policyRoutes ?? []) {
    rows.push({
      table: 'Logical_Router_Policy',
      parent,
      columns: {
        priority: policy.priority ?? 0,
        match: policy.match ?? '',
        action: policy.action ?? 'allow',
        nexthops: policyNextHops(policy.action, policy.nextHopIP),
        external_ids: tags,
      },
    });
  }
  return rows;
}
