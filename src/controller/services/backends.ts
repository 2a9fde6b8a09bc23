/**
 * Which load balancers a Service wants (pure): its VIPs (`ovn.kubernetes.io/switch_lb_vip` for a SwitchLBRule's
 * headless Service, else its cluster IPs), and for each port the ready endpoints of its Endpoints object, grouped by
 * the VPC of the pod behind each address (pod annotation `ovn.kubernetes.io/logical_switch` -> Subnet -> `spec.vpc`),
 * unless the Service names its network (`logical_router` and `logical_switch`, as Kube-OVN's). An address with no pod
 * reference (a SwitchLBRule's explicit endpoints) counts in the VPC of the pod of the Service's namespace that has
 * it, else in the one the Service names in `ovn.kubernetes.io/vpc`; without either it is not load-balanced anywhere.
 * Backends of a VIP keep its address family.
 */
import {
  ANNOTATION_IP_ADDRESS,
  ANNOTATION_LOGICAL_ROUTER,
  ANNOTATION_LOGICAL_SWITCH,
  ANNOTATION_SWITCH_LB_VIP,
  ANNOTATION_VPC,
} from '../../api/annotations.ts';
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { ClusterView, KubeObject } from '../../api/types.ts';
import type { LbPort, LbProtocol, ServiceLbInput } from '../nb/load-balancer.ts';
import { joinHostPort } from '../../net/ip.ts';
const DEFAULT_AFFINITY_TIMEOUT = 10_800;

interface ServicePort {
  name?: string;
  port?: number;
  protocol?: string;
}
interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePort[];
  sessionAffinity?: string;
  sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
}
interface EndpointAddress {
  ip?: string;
  targetRef?: { kind?: string; name?: string; namespace?: string };
}
interface EndpointSubset {
  addresses?: EndpointAddress[];
  ports?: { name?: string; port?: number; protocol?: string }[];
}

const isV6 = (ip: string): boolean => ip.includes(':');

/** The Service's VIPs: the SwitchLBRule VIP annotation, else its cluster IPs (none for headless or ExternalName). */
export function serviceVips(svc: KubeObject): string[] {
  const annotated = svc.metadata.annotations?.[ANNOTATION_SWITCH_LB_VIP];
  if (annotated)
    return annotated
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
  const spec = (svc['spec'] ?? {}) as ServiceSpec;
  if (spec.type === 'ExternalName') return [];
  const ips = spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  return ips.filter((ip) => ip && ip !== 'None');
}

/** Kube-OVN's custom network of a Service: its `logical_router` annotation, when `logical_switch` is set too. */
function customVpc(svc: KubeObject): string | undefined {
  const a = svc.metadata.annotations ?? {};
  return a[ANNOTATION_LOGICAL_ROUTER] && a[ANNOTATION_LOGICAL_SWITCH]
    ? a[ANNOTATION_LOGICAL_ROUTER]
    : undefined;
}

/** The live pods of a namespace by address (`ovn.kubernetes.io/ip_address`, then `status.podIPs`). */
function podsByAddress(view: ClusterView, namespace: string | undefined): Map<string, KubeObject> {
  const out = new Map<string, KubeObject>();
  for (const pod of view.list('Pod', namespace)) {
    if (pod.metadata.deletionTimestamp) continue;
    const status = pod['status'] as { podIPs?: { ip?: string }[] } | undefined;
    const ips = [
      ...(pod.metadata.annotations?.[ANNOTATION_IP_ADDRESS] ?? '').split(','),
      ...(status?.podIPs ?? []).map((p) => p.ip ?? ''),
    ];
    for (const ip of ips.map((i) => i.trim())) if (ip && !out.has(ip)) out.set(ip, pod);
  }
  return out;
}

function vpcOfPod(pod: KubeObject | undefined, view: ClusterView, clusterRouter: string): string | undefined {
  const ls = pod?.metadata.annotations?.[ANNOTATION_LOGICAL_SWITCH];
  if (!ls) return undefined;
  const subnet = view.get('Subnet', ls) as Subnet | undefined;
  return subnet ? subnet.spec?.vpc || clusterRouter : undefined;
}

/**
 * The VPC an endpoint address is load-balanced in, in Kube-OVN's order of looking (endpoint_slice.go): the
 * Service's custom network; the pod the address names; a pod of the Service's namespace with that address (explicit
 * endpoints); the Service's `ovn.kubernetes.io/vpc`. Kube-OVN falls back to the default VPC; here there is none.
 */
function vpcOfAddress(
  address: EndpointAddress,
  svc: KubeObject,
  view: ClusterView,
  clusterRouter: string,
  byAddress: () => Map<string, KubeObject>,
): string | undefined {
  const custom = customVpc(svc);
  if (custom) return custom;
  const ref = address.targetRef;
  if (ref?.kind === 'Pod' && ref.name)
    return vpcOfPod(view.get('Pod', ref.name, ref.namespace ?? svc.metadata.namespace), view, clusterRouter);
  const pod = address.ip ? byAddress().get(address.ip) : undefined;
  return vpcOfPod(pod, view, clusterRouter) ?? (svc.metadata.annotations?.[ANNOTATION_VPC] || undefined);
}

const protocolOf = (p: string | undefined): LbProtocol => (p ?? 'TCP').toLowerCase() as LbProtocol;

export function desiredServiceInputs(
  svc: KubeObject,
  endpoints: KubeObject | undefined,
  view: ClusterView,
  clusterRouter: string,
): ServiceLbInput[] {
  const vips = serviceVips(svc);
  const spec = (svc['spec'] ?? {}) as ServiceSpec;
  if (!vips.length || !endpoints || svc.metadata.deletionTimestamp) return [];
  const subsets = (endpoints['subsets'] ?? []) as EndpointSubset[];
  // vpc -> "vip|port|proto" -> backends
  const byVpc = new Map<string, Map<string, Set<string>>>();
  let pods: Map<string, KubeObject> | undefined;
  const byAddress = () => (pods ??= podsByAddress(view, svc.metadata.namespace));
  for (const subset of subsets) {
    for (const address of subset.addresses ?? []) {
      if (!address.ip) continue;
      const vpc = vpcOfAddress(address, svc, view, clusterRouter, byAddress);
      if (!vpc) continue;
      let ports = byVpc.get(vpc);
      if (!ports) byVpc.set(vpc, (ports = new Map<string, Set<string>>()));
      for (const sp of spec.ports ?? []) {
        const target = (subset.ports ?? []).find((p) => (p.name ?? '') === (sp.name ?? ''));
        if (!target?.port || !sp.port) continue;
        for (const vip of vips) {
          if (isV6(vip) !== isV6(address.ip)) continue;
          const key = `${vip}|${sp.port}|${protocolOf(sp.protocol)}`;
          let set = ports.get(key);
          if (!set) ports.set(key, (set = new Set()));
          set.add(joinHostPort(address.ip, target.port));
        }
      }
    }
  }
  const affinity =
    spec.sessionAffinity === 'ClientIP'
      ? {
          affinityTimeoutSeconds:
            spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_TIMEOUT,
        }
      : {};
  const out: ServiceLbInput[] = [];
  for (const [vpc, ports] of [...byVpc].sort(([a], [b]) => a.localeCompare(b))) {
    const lbPorts: LbPort[] = [...ports].map(([key, backends]) => {
      const [vip, port, protocol] = key.split('|');
      return {
        vip: vip ?? '',
        port: Number(port),
        protocol: protocol as LbProtocol,
        backends: [...backends],
      };
    });
    if (lbPorts.length)
      out.push({
        namespace: svc.metadata.namespace ?? 'default',
        name: svc.metadata.name ?? '',
        vpc,
        ports: lbPorts,
        ...affinity,
      });
  }
  return out;
}

/** The switches (Subnet names) of a VPC. */
export function switchesOfVpc(view: ClusterView, vpc: string, clusterRouter: string): string[] {
  return (view.list('Subnet') as Subnet[])
    .filter((s) => !s.metadata.deletionTimestamp && (s.spec?.vpc || clusterRouter) === vpc)
    .map((s) => s.metadata.name ?? '')
    .sort();
}
