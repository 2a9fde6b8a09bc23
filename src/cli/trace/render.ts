/**
 * The few lines `kovn trace` prints for a summarised trace: the path, per router the route and policy that decided
 * (with the Vpc spec entries they came from, or what kovn wrote it for: the per-subnet allows, the default VPC's node
 * gateways), the next hop, and the verdict. Pure.
 */
import { DEFAULT_VPC } from '../../api/constants.ts';
import type { VpcSpec } from '../../api/kinds/vpc.ts';
import {
  GATEWAY_ROUTER_POLICY_PRIORITY,
  NODE_ROUTER_POLICY_PRIORITY,
  SUBNET_ALLOW_PRIORITY,
} from '../../api/kinds/vpc-routes.ts';
import { specPolicy, specRoutes, type RouterHop, type TraceSummary } from './summary.ts';

function routeLine(hop: RouterHop, spec: VpcSpec | undefined): string {
  const r = hop.route;
  if (!r) return 'not reached';
  if (r.kind === 'none')
    return `no route matched: dropped (${hop.table ? `table ${hop.table}` : 'main table'})`;
  if (r.kind === 'connected') return `directly connected ${r.prefix} out ${r.outport ?? '?'}`;
  const table = hop.table ? `table ${hop.table}` : 'main table';
  const ecmp = r.ecmp > 1 ? `, ECMP group of ${r.ecmp} (ovn-trace picks one member at random)` : '';
  const from = specRoutes(r, hop.table, spec);
  const origin = from.length
    ? ` <- ${from.join(', ')}`
    : hop.router === DEFAULT_VPC && /^(0\.0\.0\.0|::)\/0$/.test(r.prefix)
      ? " (kovn: the default VPC's way out, on to the node gateways' reroutes)"
      : ' (not from the Vpc spec)';
  return `${r.policy} ${r.prefix} via ${r.nexthop ?? '?'} (${table}${ecmp})${origin}`;
}

/** What a policy kovn writes itself is for, by priority (the default VPC's node gateways: nb/node-gateway.ts). */
function kovnPolicy(router: string, priority: number): string | undefined {
  if (priority === SUBNET_ALLOW_PRIORITY) return 'kovn: per-subnet allow';
  if (router !== DEFAULT_VPC) return undefined;
  if (priority === NODE_ROUTER_POLICY_PRIORITY) return "kovn: a node's address, to that node's ovn0";
  if (priority === GATEWAY_ROUTER_POLICY_PRIORITY)
    return "kovn: a node's pods leave the cluster through its ovn0 (natOutgoing SNATs there)";
  return undefined;
}

function policyLine(hop: RouterHop, spec: VpcSpec | undefined): string {
  const p = hop.policy;
  if (!p) return hop.policyReached ? 'none matched (allow)' : 'not reached';
  const via = p.action === 'reroute' ? ` via ${p.nexthop ?? '?'}` : '';
  const entry = specPolicy(p, spec);
  const origin = entry
    ? ` <- ${entry}`
    : ` (${kovnPolicy(hop.router, p.priority) ?? 'not from the Vpc spec'})`;
  return `priority ${p.priority} ${p.action}${via}: ${p.match}${origin}`;
}

function nextHopLine(hop: RouterHop): string {
  if (hop.policy?.action === 'drop') return 'none (dropped by policy)';
  if (hop.policy?.action === 'reroute') return `${hop.policy.nexthop ?? '?'} (policy reroute)`;
  if (!hop.route || hop.route.kind === 'none') return 'none';
  if (hop.route.kind === 'connected') return `the destination itself, out ${hop.route.outport ?? '?'}`;
  return `${hop.route.nexthop ?? '?'} out ${hop.route.outport ?? '?'}`;
}

export function renderSummary(
  summary: TraceSummary,
  specOf: (router: string) => VpcSpec | undefined,
): string[] {
  const lines = [`path:      ${summary.path.join(' -> ')}`];
  for (const hop of summary.routers) lines.push(...renderRouter(hop, specOf(hop.router)));
  lines.push(`verdict:   ${renderVerdict(summary.verdict)}`);
  return lines;
}

/** One router's lines: where the packet came in, the route and policy that decided, the next hop. */
export function renderRouter(hop: RouterHop, spec: VpcSpec | undefined): string[] {
  return [
    `router ${hop.router} (in from ${hop.inport}${hop.table ? `, route table ${hop.table}` : ''}):`,
    `  route:    ${routeLine(hop, spec)}`,
    `  policy:   ${policyLine(hop, spec)}`,
    `  next hop: ${nextHopLine(hop)}`,
  ];
}

export function renderVerdict(v: TraceSummary['verdict']): string {
  if (v.kind === 'output') return `delivered to ${v.port}`;
  if (v.kind === 'drop') return `dropped in ${v.stage} (${v.match})`;
  return 'unknown (see --raw)';
}
