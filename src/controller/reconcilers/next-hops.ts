/**
 * Which pods forward for their VPC, and so how much port security each pod's switch port gets (ADR 22). A pod whose
 * address is a next hop of its VPC (a `spec.staticRoutes[].nextHopIP`, a reroute `spec.policyRoutes[].nextHopIP`
 * entry, a VpcNatGateway's `lanIp`) must receive and send packets for addresses that are not its own: its port keeps
 * MAC-only port security (no MAC spoofing, any IP). Every other pod keeps full anti-spoofing (MAC and its own IPs).
 * `ovn.kubernetes.io/port_security: "true"|"false"` on the pod always wins (full, or none, as in Kube-OVN).
 * The watch mappings re-evaluate the pods a Vpc or VpcNatGateway change makes (or stops making) next hops.
 */
import { ANNOTATION_PORT_SECURITY } from '../../api/annotations.ts';
import type { VpcNatGateway } from '../../api/kinds/vpc-nat-gateway.ts';
import type { Vpc } from '../../api/kinds/vpc.ts';
import type { ClusterView, KubeObject } from '../../api/types.ts';
import type { Ipam } from '../../ipam/index.ts';
import { keyOf, type ObjectRef } from '../../kube/queue/keys.ts';
import type { WatchMapping } from '../../kube/reconciler.ts';
import { normalizeIp } from '../../net/ip.ts';
import { policyNextHops } from '../nb/vpc.ts';
import type { PortSecurity } from '../nb/pod.ts';
import type { SubnetCatalog } from './subnet-catalog.ts';
import { specOrDeletionChanged } from './watch-predicates.ts';

/** The next hops a Vpc's own routes name: static routes' `nextHopIP` and reroute policies' next hops. Pure. */
export function routeNextHops(vpc: Vpc | undefined): Set<string> {
  const hops = new Set<string>();
  for (const route of vpc?.spec?.staticRoutes ?? [])
    if (route.nextHopIP) hops.add(normalizeIp(route.nextHopIP));
  for (const policy of vpc?.spec?.policyRoutes ?? [])
    for (const hop of policyNextHops(policy.action, policy.nextHopIP)) hops.add(hop);
  return hops;
}

/** The `lanIp` of every NAT gateway of `vpcName` (the next hop of its default route). Pure. */
export function gatewayNextHops(vpcName: string, gateways: readonly VpcNatGateway[]): Set<string> {
  const hops = new Set<string>();
  for (const gw of gateways)
    if (gw.spec?.vpc === vpcName && gw.spec.lanIp) hops.add(normalizeIp(gw.spec.lanIp));
  return hops;
}

/** Every address of `vpcName` that traffic is routed through. */
export function vpcNextHops(view: ClusterView, vpcName: string): Set<string> {
  const hops = routeNextHops(view.get('Vpc', vpcName));
  for (const hop of gatewayNextHops(vpcName, view.list('VpcNatGateway'))) hops.add(hop);
  return hops;
}

/** Whether the pod said: `"true"` full port security, `"false"` none; anything else leaves it to kovn. Pure. */
export function portSecurityAsked(pod: KubeObject): PortSecurity | undefined {
  const asked = pod.metadata.annotations?.[ANNOTATION_PORT_SECURITY];
  return asked === 'true' ? 'full' : asked === 'false' ? 'off' : undefined;
}

/** The port security of a pod with these addresses in a VPC with these next hops. Pure. */
export function portSecurityOf(
  pod: KubeObject,
  ips: readonly string[],
  nextHops: ReadonlySet<string>,
): PortSecurity {
  return portSecurityAsked(pod) ?? (ips.some((ip) => nextHops.has(normalizeIp(ip))) ? 'mac' : 'full');
}

/** The pod that holds an IPAM owner's address: its IP object names it; a primary NIC's owner is `<pod>.<ns>`. */
function podOfOwner(view: ClusterView, owner: string): ObjectRef | undefined {
  const ip = view.get('IP', owner) as { spec?: { podName?: string; namespace?: string } } | undefined;
  if (ip?.spec?.podName && ip.spec.namespace)
    return { kind: 'Pod', name: ip.spec.podName, namespace: ip.spec.namespace };
  const dot = owner.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const ref = { kind: 'Pod', name: owner.slice(0, dot), namespace: owner.slice(dot + 1) };
  return view.get('Pod', ref.name, ref.namespace) ? ref : undefined;
}

/** The pods holding `hops` in the subnets of `vpcName`. */
function podsAt(
  deps: { ipam: Ipam; catalog: SubnetCatalog },
  view: ClusterView,
  vpcName: string,
  hops: Iterable<string>,
): string[] {
  const keys = new Set<string>();
  const subnets = deps.catalog.live().filter((s) => s.spec?.vpc === vpcName);
  for (const hop of hops) {
    for (const subnet of subnets) {
      const owner = deps.ipam.subnet(subnet.metadata.name ?? '')?.ownerOfIp(hop);
      const ref = owner ? podOfOwner(view, owner) : undefined;
      if (ref) keys.add(keyOf(ref.kind, ref.name, ref.namespace));
    }
  }
  return [...keys];
}

/**
 * The Pod reconciler's watches for next hops: a Vpc whose routes change enqueues the pods at its next hops (the old
 * version's too, so a pod that stops being one gets its anti-spoofing back); a VpcNatGateway the pod at its `lanIp`.
 */
export function nextHopWatches(deps: { ipam: Ipam; catalog: SubnetCatalog }): WatchMapping[] {
  return [
    {
      kind: 'Vpc',
      changed: specOrDeletionChanged,
      map: (vpc, view) => podsAt(deps, view, vpc.metadata.name ?? '', routeNextHops(vpc)),
    },
    {
      kind: 'VpcNatGateway',
      changed: specOrDeletionChanged,
      map: (gw, view) => {
        const spec = (gw as VpcNatGateway).spec;
        return spec?.vpc && spec.lanIp ? podsAt(deps, view, spec.vpc, [spec.lanIp]) : [];
      },
    },
  ];
}
