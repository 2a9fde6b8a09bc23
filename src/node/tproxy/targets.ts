/**
 * Which connections the node's TProxy carries, from the agent's caches (Kube-OVN's `getTProxyConditionPod`): the
 * pods on this node whose primary network is a subnet of a custom VPC (not the default VPC, which the node reaches
 * through `ovn0`), each with its IPv4 address, every port its probes connect to (readiness, liveness and startup:
 * we run startup probes too), the VPC, and the network namespace its NIC was plugged into (from the OVS
 * interface's `pod_netns` external id). A target is what the listener needs to carry a connection into the right
 * namespace; one target per (pod, port). Pure.
 */
import type { KubeObject } from '../../api/types.ts';
import { OVN_PROVIDER } from '../../api/constants.ts';
import { annotationKey } from '../../api/annotations.ts';
import { probedPorts } from '../probe-spec.ts';

export interface ProbeTarget {
  /** `<namespace>/<name>`. */
  pod: string;
  uid: string;
  ip: string;
  port: number;
  vpc: string;
  /** The pod's network namespace (a name under /var/run/netns). */
  netns: string;
}

export interface TargetInput {
  pods: readonly KubeObject[];
  subnets: readonly KubeObject[];
  /** `<namespace>/<name>` -> network namespace name, from the node's OVS interfaces. */
  netnsOf: ReadonlyMap<string, string>;
  /** The default VPC's name (`ovn-cluster`). */
  defaultVpc: string;
}

const isV4 = (ip: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(ip);

export function probeTargets(input: TargetInput): ProbeTarget[] {
  const vpcOf = new Map<string, string>();
  for (const s of input.subnets) {
    const vpc = (s['spec'] as { vpc?: string } | undefined)?.vpc;
    if (s.metadata.name) vpcOf.set(s.metadata.name, vpc || input.defaultVpc);
  }
  const out: ProbeTarget[] = [];
  for (const pod of input.pods) {
    if (pod.metadata.deletionTimestamp) continue;
    if ((pod['spec'] as { hostNetwork?: boolean } | undefined)?.hostNetwork) continue;
    const a = pod.metadata.annotations ?? {};
    const subnet = a[annotationKey(OVN_PROVIDER, 'logical_switch')];
    const vpc = subnet === undefined ? undefined : vpcOf.get(subnet);
    if (!vpc || vpc === input.defaultVpc) continue;
    const key = `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name ?? ''}`;
    const netns = input.netnsOf.get(key);
    if (!netns) continue;
    const ips = (a[annotationKey(OVN_PROVIDER, 'ip_address')] ?? '').split(',').filter(isV4);
    for (const ip of ips)
      for (const port of probedPorts(pod))
        out.push({ pod: key, uid: pod.metadata.uid ?? '', ip, port, vpc, netns });
  }
  return out.sort((x, y) => x.ip.localeCompare(y.ip) || x.port - y.port || x.pod.localeCompare(y.pod));
}

/** The OVS interfaces' external ids (`pod_namespace`, `pod_name`, `pod_netns`) -> `<ns>/<name>` -> netns. */
export function netnsByPod(interfaces: readonly Record<string, string>[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const ids of interfaces) {
    const ns = ids['pod_namespace'];
    const name = ids['pod_name'];
    const netns = ids['pod_netns'];
    if (ns && name && netns) out.set(`${ns}/${name}`, netns);
  }
  return out;
}
