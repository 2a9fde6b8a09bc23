/**
 * Validation of a Vpc's `spec.staticRoutes` and `spec.policyRoutes` (Kube-OVN's pkg/util/validator.go ValidateVpc,
 * plus kovn's own rules, ADR 2 and 12): route policies and addresses; policy actions and reroute next hops; the
 * match, checked by the OVN match-language parser so ovn-controller never receives one it would refuse. Warnings,
 * not refusals: a policy in the range Kube-OVN keeps for its own (29000-31000), next to the `allow` policies kovn
 * writes at 31000 for each subnet of the VPC (and, in the default VPC, the node gateways' reroutes at 30000 and 29000); two entries with the same priority and match (the later replaces the
 * earlier, as in Kube-OVN); a route table name OVN takes as written. Each issue names the entry's field path. Pure.
 */
import { invalid, notSupported, warning } from '../issues.ts';
import { matchError } from '../ovn-match/parser.ts';
import { formatCidr, parseCidrOrIp, parseIp, type Cidr } from '../../net/ip.ts';
import type { FieldIssue } from '../types.ts';

export const ROUTE_POLICIES = ['policyDst', 'policySrc'] as const;
export const POLICY_ACTIONS = ['allow', 'drop', 'reroute'] as const;

/** The priority of the `allow` policy kovn writes for each CIDR of a VPC's subnets (controller/nb/subnet.ts). */
export const SUBNET_ALLOW_PRIORITY = 31000;

/** Kube-OVN's NodeRouterPolicyPriority: in the default VPC, traffic to a node's address goes to that node's ovn0. */
export const NODE_ROUTER_POLICY_PRIORITY = 30000;
/** Kube-OVN's GatewayRouterPolicyPriority: in the default VPC, a pod's traffic out of the cluster goes to its node. */
export const GATEWAY_ROUTER_POLICY_PRIORITY = 29000;

/** The match of that policy for one subnet CIDR: `ip4.dst == 10.0.1.0/24`. */
export const subnetAllowMatch = (cidr: Cidr): string =>
  `${cidr.family === 4 ? 'ip4' : 'ip6'}.dst == ${formatCidr(cidr)}`;

/**
 * The policy priorities Kube-OVN keeps for its own policies (31000 = the per-subnet allow, the rest for its gateway,
 * egress and U2O features). A user policy there is written as given, with a warning (ADR 12).
 */
export const KUBE_OVN_POLICY_PRIORITIES = { min: 29000, max: SUBNET_ALLOW_PRIORITY } as const;

export interface StaticRouteSpec {
  policy?: string;
  cidr: string;
  nextHopIP: string;
  routeTable?: string;
}

export interface PolicyRouteSpec {
  priority?: number;
  match?: string;
  action?: string;
  nextHopIP?: string;
}

export function validateStaticRoutes(routes: readonly StaticRouteSpec[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  routes.forEach((route, i) => {
    const at = `spec.staticRoutes[${i}]`;
    if (route.policy && !(ROUTE_POLICIES as readonly string[]).includes(route.policy)) {
      issues.push(notSupported(`${at}.policy`, route.policy, ROUTE_POLICIES));
    }
    const cidr = parseCidrOrIp(route.cidr);
    if (!cidr) {
      const what = route.cidr.includes('/') ? 'CIDR' : 'IP address';
      issues.push(invalid(`${at}.cidr`, route.cidr, `not a valid ${what}`));
    }
    const hop = parseIp(route.nextHopIP);
    if (!hop) issues.push(invalid(`${at}.nextHopIP`, route.nextHopIP, 'not a valid IP address'));
    if (cidr && hop && cidr.family !== hop.family) {
      issues.push(invalid(`${at}.nextHopIP`, route.nextHopIP, `IP family differs from cidr ${route.cidr}`));
    }
    if (route.routeTable !== undefined && !/^[A-Za-z0-9_.-]*$/.test(route.routeTable)) {
      issues.push(
        warning(
          `${at}.routeTable`,
          `${JSON.stringify(route.routeTable)} is not a plain name (letters, digits, "_", "." and "-"); OVN takes it as written, and only a Subnet with exactly this spec.routeTable uses the route`,
        ),
      );
    }
  });
  return issues;
}

/** The `allow` policies kovn writes for the subnets of a VPC: subnet name and match, at SUBNET_ALLOW_PRIORITY. */
export interface SubnetAllow {
  subnet: string;
  match: string;
}

const sameMatch = (a: string, b: string): boolean => a.replace(/\s+/g, '') === b.replace(/\s+/g, '');

/**
 * What a user policy at a priority Kube-OVN keeps for itself does next to kovn's per-subnet allows (none outside
 * 29000-31000): below 31000 traffic to the VPC's subnets is allowed before it; at 31000 OVN holds both policies and
 * applies one of them, which one is undefined, to traffic both match.
 */
function neighbourWarning(at: string, policy: PolicyRouteSpec, allows: readonly SubnetAllow[]): FieldIssue[] {
  const priority = policy.priority ?? 0;
  const { min, max } = KUBE_OVN_POLICY_PRIORITIES;
  if (priority < min || priority > max) return [];
  const range = `${min}-${max} is the range Kube-OVN keeps for its own policies`;
  if (priority < SUBNET_ALLOW_PRIORITY) {
    return [
      warning(
        `${at}.priority`,
        `${priority} is below the allow policies at ${SUBNET_ALLOW_PRIORITY} for each subnet of this VPC: traffic to the VPC's own subnets is allowed there and never reaches this policy (${range})`,
      ),
    ];
  }
  const same = allows.find((a) => sameMatch(a.match, policy.match ?? ''));
  const message = same
    ? policy.action === 'allow'
      ? `same priority, match and action as the allow policy of subnet ${same.subnet}: both are programmed, to the same effect`
      : `same priority and match as the allow policy of subnet ${same.subnet}: both are programmed, and OVN applies one of them, which one is undefined`
    : `${priority} is the priority of the allow policy of each subnet of this VPC: for traffic this policy and one of those both match, OVN applies one of the two, which one is undefined (${range})`;
  return [warning(`${at}.priority`, message)];
}

/**
 * The issues of `spec.policyRoutes`; `allows` are the allow policies kovn writes for the subnets of this VPC (those
 * known), which warnings about 29000-31000 name.
 */
export function validatePolicyRoutes(
  policies: readonly PolicyRouteSpec[],
  allows: readonly SubnetAllow[] = [],
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const seen = new Map<string, number>();
  policies.forEach((policy, i) => {
    const at = `spec.policyRoutes[${i}]`;
    if (!policy.action || !(POLICY_ACTIONS as readonly string[]).includes(policy.action)) {
      issues.push(notSupported(`${at}.action`, policy.action ?? '', POLICY_ACTIONS));
    }
    issues.push(...neighbourWarning(at, policy, allows));
    const why = matchError(policy.match ?? '');
    if (why) issues.push(invalid(`${at}.match`, policy.match ?? '', `not a valid OVN match: ${why}`));
    const key = `${policy.priority ?? 0}|${policy.match ?? ''}`;
    const first = seen.get(key);
    if (first !== undefined) {
      issues.push(
        warning(
          `${at}.match`,
          `same priority and match as spec.policyRoutes[${first}]: only this later entry is programmed (one policy per priority and match, as in Kube-OVN)`,
        ),
      );
    }
    seen.set(key, i);
    if (policy.action === 'reroute') {
      const hops = (policy.nextHopIP ?? '').split(',').map((h) => h.trim());
      if (!policy.nextHopIP || hops.some((h) => !parseIp(h))) {
        issues.push(
          invalid(
            `${at}.nextHopIP`,
            policy.nextHopIP ?? '',
            'reroute needs one or more comma-separated next hop IPs',
          ),
        );
      } else if (new Set(hops.map((h) => parseIp(h)!.family)).size > 1) {
        issues.push(invalid(`${at}.nextHopIP`, policy.nextHopIP, 'next hops must all be IPv4 or all IPv6'));
      }
    }
  });
  return issues;
}
