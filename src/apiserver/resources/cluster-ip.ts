/**
 * Service cluster IPs, as kube-apiserver's allocator hands them out: from the service CIDR (10.96.0.0/12 unless the
 * server is started with another `--service-cluster-ip-range`), a requested `spec.clusterIP` honoured when it is in
 * range and free, dynamic ones taken first from above the low band that kube-apiserver keeps for requested addresses
 * (min(max(16, size/16), 256) addresses), neither the network nor the broadcast address. What is in use is derived from
 * the stored Services at each create, so a restart loses nothing and a deleted Service's address is free again.
 * Problems come back as field issues (`spec.clusterIP`), which the caller turns into 422 Invalid.
 */
import type { FieldIssue } from '../../api/types.ts';
import { invalid } from '../../api/issues.ts';
import {
  blockSize,
  cidrContains,
  formatCidr,
  formatIp,
  parseCidr,
  parseIp,
  type Cidr,
} from '../../net/ip.ts';

export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';

export type ClusterIpOutcome = { ok: true; ip: string } | { ok: false; issue: FieldIssue };

export function parseServiceCidr(text: string): Cidr {
  const cidr = parseCidr(text);
  if (!cidr || cidr.family !== 4 || cidr.prefix > 30) {
    throw new Error(
      `service CIDR ${JSON.stringify(text)}: want an IPv4 network of at least 4 addresses, e.g. 10.96.0.0/12`,
    );
  }
  return cidr;
}

/** A free address for a new Service, or the requested one checked; `used` holds the stored Services' cluster IPs. */
export function allocateClusterIp(
  cidr: Cidr,
  used: ReadonlySet<string>,
  requested: string | undefined,
): ClusterIpOutcome {
  const field = 'spec.clusterIP';
  if (requested) {
    const ip = parseIp(requested);
    if (!ip)
      return {
        ok: false,
        issue: invalid(field, requested, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'),
      };
    const size = blockSize(cidr);
    if (!cidrContains(cidr, ip) || ip.value === cidr.network || ip.value === cidr.network + size - 1n) {
      return {
        ok: false,
        issue: invalid(
          field,
          requested,
          `failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${formatCidr(cidr)}`,
        ),
      };
    }
    const canonical = formatIp(ip.family, ip.value);
    if (used.has(canonical)) {
      return {
        ok: false,
        issue: invalid(
          field,
          requested,
          `failed to allocate IP ${requested}: provided IP is already allocated`,
        ),
      };
    }
    return { ok: true, ip: canonical };
  }
  const size = blockSize(cidr);
  const usable = size - 2n;
  const band = usable < 16n ? 0n : [16n, size / 16n, 256n].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))[1]!;
  for (let i = 0n; i < usable; i++) {
    const offset = 1n + ((band + i) % usable);
    const ip = formatIp(cidr.family, cidr.network + offset);
    if (!used.has(ip)) return { ok: true, ip };
  }
  return { ok: false, issue: invalid(field, '', `range is full: no free address in ${formatCidr(cidr)}`) };
}
