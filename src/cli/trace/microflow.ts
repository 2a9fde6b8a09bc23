/**
 * The ovn-trace microflow for "this pod sends to DEST": in on the pod's switch port with its MAC and address, to the
 * destination's MAC when it is on the same switch or else to the subnet's router port MAC, TTL 64, and a TCP/UDP
 * destination port (source port 40000) or an ICMP echo request. IPv4 or IPv6 after the destination. Pure.
 */
import { parseIp } from '../../net/ip.ts';

export interface MicroflowInput {
  lsp: string;
  mac: string;
  /** The pod's addresses (one per family). */
  ips: string[];
  dest: string;
  /** eth.dst: the destination's MAC (same switch) or the router port's. */
  dstMac: string;
  l4?: { proto: 'tcp' | 'udp'; port: number } | undefined;
}

export class MicroflowError extends Error {}

export function buildMicroflow(input: MicroflowInput): string {
  const dest = parseIp(input.dest);
  if (!dest) throw new MicroflowError(`${input.dest} is not an IP address`);
  const src = input.ips.find((ip) => parseIp(ip)?.family === dest.family);
  if (!src)
    throw new MicroflowError(`the pod has no IPv${dest.family} address (it has ${input.ips.join(', ')})`);
  const ip = dest.family === 4 ? 'ip4' : 'ip6';
  const parts = [
    `inport == ${JSON.stringify(input.lsp)}`,
    `eth.src == ${input.mac}`,
    `eth.dst == ${input.dstMac}`,
    `${ip}.src == ${src}`,
    `${ip}.dst == ${input.dest}`,
    'ip.ttl == 64',
  ];
  if (input.l4) {
    const { proto, port } = input.l4;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new MicroflowError(`bad port ${port}`);
    parts.push(proto, `${proto}.src == 40000`, `${proto}.dst == ${port}`);
  } else if (dest.family === 4) {
    parts.push('icmp4', 'icmp4.type == 8', 'icmp4.code == 0');
  } else {
    parts.push('icmp6', 'icmp6.type == 128', 'icmp6.code == 0');
  }
  return parts.join(' && ');
}

/** The MAC of the switch port (`addresses` entries like `"0a:.. 10.0.1.5"`) that holds `ip`, if any. */
export function macHolding(addresses: readonly string[], ip: string): string | undefined {
  for (const entry of addresses) {
    const [mac, ...ips] = entry.trim().split(/\s+/);
    if (mac && ips.includes(ip)) return mac;
  }
  return undefined;
}
