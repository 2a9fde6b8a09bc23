/**
 * The drift and misconfiguration flags of the topology page, each on the element it is about: spec not yet in the
 * northbound database (a VPC's router, a subnet's switch, a static route), a NAT rule the gateway refused or that
 * lost its EIP, an EIP or gateway not ready, a route whose next hop nothing holds, a VPC with a NAT gateway but no
 * default route to it, a subnet nearly full, a VPC or subnet whose Ready condition is False. Pure.
 */
import { normalizeIp, normalizePrefix } from '../net/ip.ts';
import type { KubeObject } from '../api/types.ts';
import type { ClusterObjects, NbState } from './cluster-objects.ts';
import type { Flag, NatRuleView, Topology, VpcView } from './topology-types.ts';

/** Below this share of free addresses a subnet is flagged (and never with more than this many free). */
const NEARLY_FULL_SHARE = 0.1;
const NEARLY_FULL_MAX_FREE = 16;

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

const readyCondition = (o: KubeObject | undefined): Condition | undefined =>
  ((o?.['status'] as { conditions?: Condition[] } | undefined)?.conditions ?? []).find(
    (c) => c.type === 'Ready',
  );

const REFUSED_REASONS = new Set(['ApplyFailed', 'Conflict', 'InUse']);

function nbFlags(vpc: VpcView, nb: NbState): Flag[] {
  const routes = nb.routers.get(vpc.name);
  if (!routes) {
    return [
      {
        target: vpc.routerId,
        severity: 'warning',
        code: 'nb-missing',
        message: `router ${vpc.name} is not in NB yet`,
      },
    ];
  }
  const flags: Flag[] = [];
  for (const s of vpc.subnets) {
    if (!nb.switches.has(s.name))
      flags.push({
        target: s.id,
        severity: 'warning',
        code: 'nb-missing',
        message: `switch ${s.name} is not in NB yet`,
      });
  }
  for (const r of vpc.staticRoutes) {
    const policy = r.policy === 'policySrc' ? 'src-ip' : 'dst-ip';
    const there = routes.some(
      (n) =>
        n.prefix === normalizePrefix(r.cidr) &&
        n.nexthop === normalizeIp(r.nextHopIP) &&
        n.policy === policy &&
        n.table === r.routeTable,
    );
    if (!there)
      flags.push({
        target: vpc.routerId,
        severity: 'warning',
        code: 'nb-missing',
        message: `${r.field} (${r.cidr} via ${r.nextHopIP}) is not in NB yet`,
      });
  }
  return flags;
}

function routeFlags(vpc: VpcView): Flag[] {
  const flags: Flag[] = [];
  for (const r of vpc.staticRoutes) {
    if (!r.target)
      flags.push({
        target: vpc.routerId,
        severity: 'warning',
        code: 'route-nexthop-unknown',
        message: `${r.field}: next hop ${r.nextHopIP} is no pod, NAT gateway or peer of ${vpc.name}`,
      });
  }
  for (const p of vpc.policyRoutes) {
    const unknown = p.action === 'reroute' ? p.nextHopIPs.length - p.targets.length : 0;
    if (unknown > 0)
      flags.push({
        target: vpc.routerId,
        severity: 'warning',
        code: 'route-nexthop-unknown',
        message: `${p.field}: ${unknown} of its next hops (${p.nextHopIPs.join(', ')}) are no pod or NAT gateway of ${vpc.name}`,
      });
  }
  for (const gw of vpc.natGateways) {
    const defaults = vpc.staticRoutes.filter((r) => /^(0\.0\.0\.0\/0|0\.0\.0\.0)$/.test(r.cidr.trim()));
    if (!defaults.some((r) => r.target === gw.id || (gw.lanIp && r.nextHopIP === gw.lanIp)))
      flags.push({
        target: gw.id,
        severity: 'warning',
        code: 'natgw-no-default-route',
        message: `${vpc.name} has NAT gateway ${gw.name} but no 0.0.0.0/0 static route to it${gw.lanIp ? ` (${gw.lanIp})` : ''}: its pods do not leave through it`,
      });
  }
  return flags;
}

function objectFlags(id: string, what: string, obj: KubeObject | undefined): Flag[] {
  const ready = readyCondition(obj);
  if (!ready || ready.status !== 'False') return [];
  const refused = REFUSED_REASONS.has(ready.reason ?? '');
  return [
    {
      target: id,
      severity: refused ? 'error' : 'warning',
      code: refused ? 'rule-refused' : 'not-ready',
      message: `${what} is not ready (${ready.reason ?? ''}): ${ready.message ?? ''}`.trim(),
    },
  ];
}

function natFlags(vpc: VpcView, o: ClusterObjects): Flag[] {
  const flags: Flag[] = [];
  const byName = <T extends KubeObject>(list: readonly T[], name: string) =>
    list.find((x) => x.metadata.name === name);
  for (const gw of vpc.natGateways) {
    flags.push(...objectFlags(gw.id, `NAT gateway ${gw.name}`, byName(o.natGateways, gw.name)));
    for (const eip of gw.eips) {
      if (!eip.ready) {
        const why = readyCondition(byName(o.eips, eip.name));
        flags.push({
          target: eip.id,
          severity: 'warning',
          code: 'eip-not-ready',
          message: `eip ${eip.name} is not ready${why?.message ? `: ${why.message}` : ''}`,
        });
      }
      const rules: { r: NatRuleView; list: readonly KubeObject[] }[] = [
        ...eip.dnat.map((r) => ({ r, list: o.dnats })),
        ...eip.snat.map((r) => ({ r, list: o.snats })),
        ...eip.fip.map((r) => ({ r, list: o.fips })),
      ];
      for (const { r, list } of rules) flags.push(...objectFlags(r.id, r.id, byName(list, r.name)));
    }
  }
  return flags;
}

function subnetFlags(vpc: VpcView, o: ClusterObjects): Flag[] {
  const flags: Flag[] = [];
  for (const s of vpc.subnets) {
    const total = s.used + s.available;
    if (total > 0 && s.available < Math.min(NEARLY_FULL_MAX_FREE, total * NEARLY_FULL_SHARE) + 1)
      flags.push({
        target: s.id,
        severity: s.available === 0 ? 'error' : 'warning',
        code: 'subnet-nearly-full',
        message: `subnet ${s.name} is nearly full: ${s.available} of ${total} addresses free`,
      });
    flags.push(
      ...objectFlags(
        s.id,
        `subnet ${s.name}`,
        o.subnets.find((x) => x.metadata.name === s.name),
      ),
    );
  }
  return flags;
}

export function topologyFlags(t: Topology, o: ClusterObjects, nb: NbState | undefined): Flag[] {
  return t.vpcs.flatMap((vpc) => [
    ...objectFlags(
      vpc.id,
      `vpc ${vpc.name}`,
      o.vpcs.find((v) => v.metadata.name === vpc.name),
    ),
    ...(nb ? nbFlags(vpc, nb) : []),
    ...routeFlags(vpc),
    ...natFlags(vpc, o),
    ...subnetFlags(vpc, o),
  ]);
}
