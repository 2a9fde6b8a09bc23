/**
 * The controller's subnet address metrics, read from IPAM at each scrape: per subnet and family, the addresses
 * available and in use, the same numbers the Subnet's status counters (`v4availableIPs`, `v4usingIPs`, ...) carry
 * (Kube-OVN's `subnet_available_ip_count` / `subnet_used_ip_count`). Pure over the allocators.
 */
import type { Ipam } from '../../ipam/index.ts';
import { formatIp } from '../../net/ip.ts';
import type { SubnetIpSample } from '../../util/metrics/registry.ts';

export function subnetIpSamples(ipam: Ipam): SubnetIpSample[] {
  const samples: SubnetIpSample[] = [];
  for (const name of ipam.subnetNames()) {
    const subnet = ipam.subnet(name);
    if (!subnet) continue;
    const counts = subnet.counts();
    for (const family of [subnet.spec.v4, subnet.spec.v6]) {
      if (!family) continue;
      const v4 = family.family === 4;
      samples.push({
        subnet: name,
        protocol: v4 ? 'IPv4' : 'IPv6',
        cidr: `${formatIp(family.family, family.cidr.network)}/${family.cidr.prefix}`,
        available: Number(v4 ? counts.v4available : counts.v6available),
        used: Number(v4 ? counts.v4using : counts.v6using),
      });
    }
  }
  return samples;
}
