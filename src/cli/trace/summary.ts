/**
 * What a trace means, in a few lines: the datapaths crossed (routers marked), for each router the static route that
 * decided (`lr_in_ip_routing`: prefix, dst/src, next hop, ECMP group) and the policy that matched (`lr_in_policy`:
 * priority, match, allow/drop/reroute), the next hop, and the verdict (output to a port, or dropped at a stage, an
 * ACL's drop included).
 * Routes and policies are mapped back to the Vpc spec entries that produced them when they are ours. Pure.
 */
import type { VpcSpec } from '../../api/kinds/vpc.ts';
import { normalizeIp, normalizePrefix } from '../../net/ip.ts';
import { endsPacket, isAclStage } from './acl.ts';
import { assigned, type TraceFlow, type TraceSection } from './parse.ts';

export interface RouteHit {
  kind: 'connected' | 'static' | 'none';
  policy: 'dst-ip' | 'src-ip';
  prefix: string;
  nexthop: string | undefined;
  ecmp: number;
  outport: string | undefined;
}

export interface PolicyHit {
  priority: number;
  match: string;
  action: 'allow' | 'drop' | 'reroute';
  nexthop: string | undefined;
}

export interface RouterHop {
  router: string;
  inport: string;
  table: string;
  route: RouteHit | undefined;
  policy: PolicyHit | undefined;
  /** Did the packet reach the policy stage (it does not when routing dropped it)? */
  policyReached: boolean;
}

export interface TraceSummary {
  path: string[];
  routers: RouterHop[];
  verdict:
    | { kind: 'output'; port: string }
    | {
        kind: 'drop';
        stage: string;
        match: string;
        /** The dropping flow's priority (an ACL's is its own + 1000: acl.ts). */
        priority: number;
        direction: 'ingress' | 'egress';
        /** The datapath (switch or router) that dropped it. */
        datapath: string;
        port: string | undefined;
      }
    | { kind: 'unknown' };
}

const PREFIX = /(ip[46])\.(dst|src) == ([0-9a-f:.]+\/\d+)/;

function routeOf(flows: TraceFlow[]): RouteHit | undefined {
  const i = flows.findIndex((f) => f.stage === 'lr_in_ip_routing');
  if (i < 0) return undefined;
  const flow = flows[i]!;
  if (flow.actions.includes('drop;'))
    return { kind: 'none', policy: 'dst-ip', prefix: '', nexthop: undefined, ecmp: 0, outport: undefined };
  const m = PREFIX.exec(flow.match);
  const select = flow.actions.find((a) => a.includes('select('));
  const ecmpFlow = flows.slice(i + 1).find((f) => f.stage === 'lr_in_ip_routing_ecmp');
  const actions = select && ecmpFlow ? ecmpFlow.actions : flow.actions;
  const reg0 = assigned(actions, 'reg0') ?? assigned(actions, 'xxreg0');
  const connected = reg0 === 'ip4.dst' || reg0 === 'ip6.dst';
  return {
    kind: connected ? 'connected' : 'static',
    policy: m?.[2] === 'src' ? 'src-ip' : 'dst-ip',
    prefix: m?.[3] ?? '',
    nexthop: connected ? undefined : reg0,
    ecmp: select ? (select.match(/=\d+/g) ?? []).length : 1,
    outport: assigned(actions, 'outport')?.replace(/"/g, ''),
  };
}

function policyOf(flows: TraceFlow[]): PolicyHit | undefined {
  const i = flows.findIndex((f) => f.stage === 'lr_in_policy');
  const flow = flows[i];
  if (!flow || flow.priority === 0) return undefined;
  const select = flow.actions.some((a) => a.includes('select('));
  const ecmpFlow = flows.slice(i + 1).find((f) => f.stage === 'lr_in_policy_ecmp');
  const hop = assigned(select && ecmpFlow ? ecmpFlow.actions : flow.actions, 'reg0');
  const action = flow.actions.includes('drop;') ? 'drop' : hop || select ? 'reroute' : 'allow';
  return { priority: flow.priority, match: flow.match, action, nexthop: hop };
}

/** `tableOf(routerPort)`: the route table bound to a router port ('' for the main table). */
export function summarizeTrace(
  sections: TraceSection[],
  tableOf: (port: string) => string = () => '',
): TraceSummary {
  const path: string[] = [];
  const routers: RouterHop[] = [];
  for (const s of sections) {
    const isRouter = s.flows.some((f) => f.stage.startsWith('lr_'));
    const name = isRouter ? `router ${s.datapath}` : s.datapath;
    if (s.direction === 'ingress' && path.at(-1) !== name) path.push(name);
    if (s.direction === 'ingress' && isRouter) {
      routers.push({
        router: s.datapath,
        inport: s.inport,
        table: tableOf(s.inport),
        route: routeOf(s.flows),
        policy: policyOf(s.flows),
        policyReached: s.flows.some((f) => f.stage === 'lr_in_policy'),
      });
    }
  }
  const last = sections.at(-1);
  const lastFlow = last?.flows.at(-1);
  let verdict: TraceSummary['verdict'] = { kind: 'unknown' };
  const output = lastFlow?.actions.map((a) => /^\/\* output to "([^"]+)"/.exec(a)?.[1]).find((p) => p);
  if (output) verdict = { kind: 'output', port: output };
  else if (last && lastFlow && isDrop(lastFlow)) {
    // The port the dropping stage looked at: the one a packet came in from, or the one it was going out to.
    const port = last.direction === 'ingress' ? last.inport : last.outport;
    const { stage, match, priority } = lastFlow;
    verdict = {
      kind: 'drop',
      stage,
      match,
      priority,
      direction: last.direction,
      datapath: last.datapath,
      port,
    };
  }
  return { path, routers, verdict };
}

/** A `drop;` action, or an ACL flow that ends the packet (a stateful ACL's drop is a comment ovn-trace omits). */
const isDrop = (flow: TraceFlow): boolean =>
  flow.actions.includes('drop;') || (isAclStage(flow.stage) && endsPacket(flow.actions));

/** `spec.staticRoutes[i]` entries a route hit came from (an ECMP hit lists the whole group). */
export function specRoutes(hit: RouteHit, table: string, spec: VpcSpec | undefined): string[] {
  if (hit.kind !== 'static') return [];
  const same = (spec?.staticRoutes ?? []).flatMap((r, i) => {
    const policy = r.policy === 'policySrc' ? 'src-ip' : 'dst-ip';
    const ok =
      normalizePrefix(r.cidr) === hit.prefix && policy === hit.policy && (r.routeTable ?? '') === table;
    return ok ? [{ i, hop: normalizeIp(r.nextHopIP) }] : [];
  });
  const group = hit.ecmp > 1 ? same : same.filter((r) => r.hop === hit.nexthop);
  return group.map((r) => `spec.staticRoutes[${r.i}]`);
}

export function specPolicy(hit: PolicyHit, spec: VpcSpec | undefined): string | undefined {
  const i = (spec?.policyRoutes ?? []).findIndex(
    (p) => (p.priority ?? 0) === hit.priority && (p.match ?? '') === hit.match,
  );
  return i < 0 ? undefined : `spec.policyRoutes[${i}]`;
}
