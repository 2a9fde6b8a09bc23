/**
 * How the VPC reaches an HA gateway (`spec.replicas > 1`, ADR 37), pure: the gateway's instances (the StatefulSet's
 * pods `<workload>-<ordinal>`, each with its own LAN address from the LAN subnet's IPAM), which of them are live
 * (Running, Ready, not deleting, on a node, with an address: Kube-OVN's `getNatGwNextHops`), the internal CIDRs
 * (`spec.internalSubnets` resolved to their IPv4 CIDRs, then `spec.internalCIDRs`, as Kube-OVN's
 * `resolveInternalCIDRs`), and the NB rows: for each internal CIDR one reroute policy on the VPC's router,
 * Kube-OVN's (priority 29200, `ip4.src == <cidr>`), to the ACTIVE instance, owned by `natgw/<gateway>`. A policy and
 * not a `src-ip` static route: the per-subnet `allow` policies at 31000 keep traffic to the VPC's own subnets off the
 * gateway whatever the prefix lengths, where a src-ip route outranks a shorter connected route (OVN's priority is
 * prefix length x 3, +2 connected, +0 src-ip: ADR 37). One active instance, not
 * an ECMP group over all of them: an EIP's return traffic comes back to the one instance the upstream's ARP names,
 * so spreading egress over several instances makes the return path asymmetric, which breaks new connections even
 * with conntrack synchronisation (measured in ADR 37). The active instance stays active while it is live (no
 * fail-back, which would move every flow again); when it goes, the live instance with the lowest ordinal takes over.
 */
import { OVN_PROVIDER } from '../../../api/constants.ts';
import { annotationKey } from '../../../api/annotations.ts';
import type { Subnet } from '../../../api/kinds/subnet-schema.ts';
import type { VpcNatGateway } from '../../../api/kinds/vpc-nat-gateway.ts';
import type { ClusterView, KubeObject } from '../../../api/types.ts';
import { parseCidrBlock } from '../../../net/cidr-block.ts';
import { formatCidr, parseCidr } from '../../../net/ip.ts';
import type { DesiredRow } from '../../nb/model.ts';
import { natGatewayOwner, ownerTags } from '../../nb/owner.ts';

export { isHaGateway } from '../../../api/kinds/vpc-nat-gateway-ha.ts';

export interface GatewayInstance {
  pod: string;
  ordinal: number;
  /** The IPv4 LAN address (eth0), "" before IPAM gave one. */
  lanIp: string;
  node: string;
  live: boolean;
}

interface PodShape {
  spec?: { nodeName?: string };
  status?: { phase?: string; conditions?: { type?: string; status?: string }[] };
}

const v4Of = (list: string | undefined): string =>
  (list ?? '').split(',').find((s) => s.includes('.') && !s.includes(':')) ?? '';

/** The StatefulSet's pods of this gateway, by ordinal, with their LAN address (the LAN provider's annotation). */
export function gatewayInstances(
  pods: readonly KubeObject[],
  workload: string,
  lanSubnet: Subnet | undefined,
): GatewayInstance[] {
  const ipKey = annotationKey(lanSubnet?.spec?.provider || OVN_PROVIDER, 'ip_address');
  const pattern = new RegExp(`^${workload.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d+)$`);
  return pods
    .flatMap((pod) => {
      const match = pattern.exec(pod.metadata.name ?? '');
      if (!match) return [];
      const { spec, status } = pod as unknown as PodShape;
      const lanIp = v4Of(pod.metadata.annotations?.[ipKey]);
      const ready = (status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
      const node = spec?.nodeName ?? '';
      const live =
        status?.phase === 'Running' &&
        ready &&
        !pod.metadata.deletionTimestamp &&
        node !== '' &&
        lanIp !== '';
      return [{ pod: pod.metadata.name ?? '', ordinal: Number(match[1]), lanIp, node, live }];
    })
    .sort((a, b) => a.ordinal - b.ordinal);
}

/**
 * The instance the VPC routes to: the one it routes to now (`current`, the next hop of our route in NB) while it is
 * live, else the live instance with the lowest ordinal; none when no instance is live.
 */
export function activeInstance(
  instances: readonly GatewayInstance[],
  current: string | undefined,
): GatewayInstance | undefined {
  const live = instances.filter((i) => i.live);
  return live.find((i) => i.lanIp === current) ?? live[0];
}

/**
 * The role annotation each instance should carry (ANNOTATION_NAT_GW_ROLE): `active` for the active one, `standby`
 * for every other; with no active instance (none live) all are standby, so no instance holds the EIPs.
 */
export function instanceRoles(
  instances: readonly GatewayInstance[],
  active: GatewayInstance | undefined,
): Map<string, 'active' | 'standby'> {
  return new Map(instances.map((i) => [i.pod, i.pod === active?.pod ? 'active' : 'standby']));
}

/**
 * The internal IPv4 CIDRs, normalised, deduplicated, in order: each internal subnet's IPv4 part (a subnet not known
 * yet contributes nothing until it exists), then `internalCIDRs`. IPv6 parts are left out (the gateway's rules are
 * IPv4 only; admission refuses IPv6 `internalCIDRs` and warns about a dual-stack internal subnet).
 */
export function internalCidrs(view: ClusterView, gw: VpcNatGateway): string[] {
  const fromSubnets = (gw.spec?.internalSubnets ?? []).map(
    (name) => parseCidrBlock((view.get('Subnet', name) as Subnet | undefined)?.spec?.cidrBlock).v4?.text,
  );
  const out: string[] = [];
  for (const text of [...fromSubnets, ...(gw.spec?.internalCIDRs ?? [])]) {
    const cidr = text ? parseCidr(text) : undefined;
    if (cidr?.family !== 4) continue;
    const normal = formatCidr(cidr);
    if (!out.includes(normal)) out.push(normal);
  }
  return out;
}

/** Kube-OVN's priority of the reroute policies to a NAT gateway (pkg/util `NatGatewayPolicyPriority`). */
export const NAT_GATEWAY_POLICY_PRIORITY = 29200;

/** One reroute policy per internal CIDR on the VPC's router, to the active instance's LAN address. */
export function desiredGatewayRoutes(input: {
  gateway: string;
  router: string;
  cidrs: readonly string[];
  nextHop: string | undefined;
}): DesiredRow[] {
  if (!input.nextHop) return [];
  const tags = ownerTags(natGatewayOwner(input.gateway), { 'vpc-nat-gw': input.gateway });
  return input.cidrs.map((cidr) => ({
    table: 'Logical_Router_Policy',
    parent: { table: 'Logical_Router', name: input.router },
    columns: {
      priority: NAT_GATEWAY_POLICY_PRIORITY,
      match: `ip4.src == ${cidr}`,
      action: 'reroute',
      nexthops: [input.nextHop!],
      external_ids: tags,
    },
  }));
}

/** The next hop our policies have in NB now (the active instance), from the rows this gateway owns. */
export function currentNextHop(rows: readonly Readonly<Record<string, unknown>>[]): string | undefined {
  const hops = rows.flatMap((r) => (Array.isArray(r['nexthops']) ? (r['nexthops'] as unknown[]) : []));
  return hops.filter((h): h is string => typeof h === 'string' && h !== '').sort()[0];
}
