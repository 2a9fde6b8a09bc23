/**
 * Validation of a Vpc's `spec.staticRoutes` and `spec.policyRoutes` (Kube-OVN's pkg/webhook/vpc.go plus kovn's own
 * rules, ADR 12): route policies and addresses; policy actions and reroute next hops; the match, checked by the OVN
 * match-language parser so ovn-controller never receives one it would refuse; user priorities outside the range kovn
 * reserves for its own policies; no two policies with the same priority and match (OVN would keep both and pick
 * either). Each issue names the entry's field path. Pure.
 */
import { invalid, notSupported } from '../issues.ts';
import { matchError } from '../ovn-match/parser.ts';
import { parseCidrOrIp, parseIp } from '../../net/ip.ts';
import type { FieldIssue } from '../types.ts';

export const ROUTE_POLICIES = ['policyDst', 'policySrc'] as const;
export const POLICY_ACTIONS = ['allow', 'drop', 'reroute'] as const;

/** Policy priorities kovn keeps for itself (Kube-OVN's own 29000-31000, ADR 12); users get 0-28999 and 31001-32767. */
export const RESERVED_POLICY_PRIORITIES = { min: 29000, max: 31000 } as const;

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
      issues.push(invalid(`${at}.routeTable`, route.routeTable, 'letters, digits, "_", "." and "-" only'));
    }
  });
  return issues;
}

function reservedIssue(at: string, priority: number): FieldIssue | undefined {
  const { min, max } = RESERVED_POLICY_PRIORITIES;
  if (priority < min || priority > max) return undefined;
  return invalid(
    `${at}.priority`,
    priority,
    `priorities ${min}-${max} are reserved for kovn's own policies (31000: per-subnet allow); use 0-${min - 1} or ${max + 1}-32767`,
  );
}

export function validatePolicyRoutes(policies: readonly PolicyRouteSpec[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const seen = new Map<string, number>();
  policies.forEach((policy, i) => {
    const at = `spec.policyRoutes[${i}]`;
    if (!policy.action || !(POLICY_ACTIONS as readonly string[]).includes(policy.action)) {
      issues.push(notSupported(`${at}.action`, policy.action ?? '', POLICY_ACTIONS));
    }
    const reserved = reservedIssue(at, policy.priority ?? 0);
    if (reserved) issues.push(reserved);
    const why = matchError(policy.match ?? '');
    if (why) issues.push(invalid(`${at}.match`, policy.match ?? '', `not a valid OVN match: ${why}`));
    const key = `${policy.priority ?? 0}|${policy.match ?? ''}`;
    const first = seen.get(key);
    if (first !== undefined) {
      issues.push(
        invalid(`${at}.match`, policy.match ?? '', `same priority and match as spec.policyRoutes[${first}]`),
      );
    } else seen.set(key, i);
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
