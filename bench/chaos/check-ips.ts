/**
 * The chaos run's address checks, over objects read back from the API (pure): every pod NIC (one per
 * `<provider>.kubernetes.io/ip_address` annotation) has exactly its IP object (`<pod>.<namespace>[.<provider>]`),
 * whose subnet and address are the annotations'; no IP object without its pod (a leak; reservations, labelled
 * `ip_reserved` other than "false", are the user's and not counted); no address twice in one subnet (IP objects and
 * the EIPs of an external subnet together); and each subnet's `status.v4usingIPs` / `v4usingIPrange` equal to the
 * addresses in use there.
 */
import { LABEL_IP_RESERVED } from '../../src/api/annotations.ts';
import { portName } from '../../src/api/constants.ts';
import type { IpObject } from '../../src/api/kinds/ip.ts';
import type { IptablesEip } from '../../src/api/kinds/iptables-eip.ts';
import type { Subnet } from '../../src/api/kinds/subnet-schema.ts';
import type { KubeObject } from '../../src/api/types.ts';
import { formatIp, parseIp } from '../../src/net/ip.ts';

export interface IpInputs {
  pods: readonly KubeObject[];
  ips: readonly IpObject[];
  subnets: readonly Subnet[];
  eips: readonly IptablesEip[];
  /** Nodes hold addresses of the join subnet without IP objects (annotations only). */
  nodes?: readonly KubeObject[];
  joinSubnet?: string;
}

export interface IpFindings {
  nics: number;
  /** NICs without an IP object, or whose object disagrees with the annotations. */
  mismatched: string[];
  leaked: string[];
  duplicates: string[];
  subnetCounts: string[];
}

const IP_SUFFIX = '.kubernetes.io/ip_address';

/** A pod's NICs from its annotations: provider, subnet, address. */
export function podNics(pod: KubeObject): { provider: string; subnet: string; address: string }[] {
  const ann = pod.metadata.annotations ?? {};
  return Object.entries(ann)
    .filter(([k, v]) => k.endsWith(IP_SUFFIX) && v)
    .map(([k, v]) => {
      const provider = k.slice(0, -IP_SUFFIX.length);
      return { provider, subnet: ann[`${provider}.kubernetes.io/logical_switch`] ?? '', address: v };
    });
}

const v4Of = (address: string | undefined): string | undefined =>
  (address ?? '')
    .split(',')
    .find((a) => parseIp(a.trim())?.family === 4)
    ?.trim();

/** `10.0.0.2-10.0.0.4,10.0.0.9` -> every address in it (IPv4). */
export function expandRanges(text: string | undefined): string[] {
  const out: string[] = [];
  for (const part of (text ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [from, to = from] = part.split('-');
    const a = parseIp(from ?? '');
    const b = parseIp(to ?? '');
    if (a?.family !== 4 || b?.family !== 4) continue;
    for (let v = a.value; v <= b.value && out.length < 1_000_000; v++) out.push(formatIp(4, v));
  }
  return out;
}

export function checkIps(inp: IpInputs): IpFindings {
  const out: IpFindings = { nics: 0, mismatched: [], leaked: [], duplicates: [], subnetCounts: [] };
  const ipByName = new Map(inp.ips.map((ip) => [ip.metadata.name ?? '', ip]));
  const podKeys = new Set(inp.pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`));
  for (const pod of inp.pods) {
    const { name = '', namespace = '' } = pod.metadata;
    for (const nic of podNics(pod)) {
      out.nics++;
      const ipName = portName(name, namespace, nic.provider);
      const ip = ipByName.get(ipName);
      // An attachment's annotations name no switch: its subnet is the one of its provider.
      nic.subnet ||= inp.subnets.find((x) => x.spec?.provider === nic.provider)?.metadata.name ?? '';
      if (!ip) out.mismatched.push(`${namespace}/${name}: no IP object ${ipName}`);
      else if (ip.spec?.subnet !== nic.subnet || ip.spec?.ipAddress !== nic.address)
        out.mismatched.push(
          `${ipName}: IP object says ${ip.spec?.subnet} ${ip.spec?.ipAddress}, the pod ${nic.subnet} ${nic.address}`,
        );
    }
  }
  const used = new Map<string, Map<string, string[]>>();
  const use = (subnet: string, address: string | undefined, who: string) => {
    if (!address) return;
    const bySubnet = used.get(subnet) ?? new Map<string, string[]>();
    used.set(subnet, bySubnet);
    bySubnet.set(address, [...(bySubnet.get(address) ?? []), who]);
  };
  for (const ip of inp.ips) {
    const reserved = (ip.metadata.labels?.[LABEL_IP_RESERVED] ?? 'false') !== 'false';
    const owner = `${ip.spec?.namespace}/${ip.spec?.podName}`;
    if (!reserved && !podKeys.has(owner))
      out.leaked.push(`IP ${ip.metadata.name} (${ip.spec?.ipAddress}): no pod ${owner}`);
    use(ip.spec?.subnet ?? '', v4Of(ip.spec?.v4IpAddress || ip.spec?.ipAddress), `IP ${ip.metadata.name}`);
  }
  for (const node of inp.nodes ?? [])
    use(
      inp.joinSubnet ?? 'join',
      v4Of(node.metadata.annotations?.['ovn.kubernetes.io/ip_address']),
      `Node ${node.metadata.name}`,
    );
  for (const eip of inp.eips)
    use(eip.spec?.externalSubnet || 'ovn-vpc-external-network', eip.status?.ip, `EIP ${eip.metadata.name}`);
  for (const [subnet, addresses] of used)
    for (const [address, who] of addresses)
      if (who.length > 1) out.duplicates.push(`${subnet} ${address}: ${who.join(', ')}`);
  for (const subnet of inp.subnets) {
    const name = subnet.metadata.name ?? '';
    const inUse = [...(used.get(name)?.keys() ?? [])].sort();
    const reported = expandRanges(subnet.status?.v4usingIPrange).sort();
    const count = subnet.status?.v4usingIPs ?? 0;
    if (count !== inUse.length || reported.join() !== inUse.join())
      out.subnetCounts.push(
        `${name}: status says ${count} in use (${subnet.status?.v4usingIPrange || '-'}), objects hold ${inUse.length} (${compact(inUse)})`,
      );
  }
  return out;
}

const compact = (addresses: string[]): string =>
  addresses.length > 6 ? `${addresses.slice(0, 6).join(',')},...` : addresses.join(',') || '-';
