/**
 * Which pod a connection caught by TProxy is for. The listener sees the original destination (the accepted
 * socket's local address and port) and the prober's source address and port. The reference keys pods by IP only,
 * so two pods of two VPCs with one address on one node break; we look further:
 *   1. an expectation: a prober that knows which pod it probes (the lab's kubelet) announces it first, naming the
 *      pod and the source port it will connect from; the connection from that port to that address is that pod's;
 *   2. otherwise the targets with that address whose probes use that port (the same address in two VPCs is told
 *      apart when only one of the pods probes that port);
 *   3. otherwise it is ambiguous (same address, same probe port, no expectation): the connection is refused rather
 *      than carried to a pod picked at random. That is what remains for a kubelet that announces nothing.
 * Pure.
 */
import type { ProbeTarget } from './targets.ts';

export interface CaughtConnection {
  dstIp: string;
  dstPort: number;
  srcPort: number;
}

export interface Expectation {
  pod: string;
  ip: string;
  port: number;
  srcPort: number;
}

export type Lookup =
  | { kind: 'expected'; key: string }
  | { kind: 'unique'; target: ProbeTarget }
  | { kind: 'ambiguous'; pods: string[] }
  | { kind: 'unknown' };

export const expectationKey = (e: { ip: string; port: number; srcPort: number }): string =>
  `${e.srcPort}>${e.ip}:${e.port}`;

/** IPv4-mapped addresses (`::ffff:10.0.1.2`) as plain IPv4. */
export const plainIp = (ip: string): string => ip.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');

export function lookupConnection(
  c: CaughtConnection,
  targets: readonly ProbeTarget[],
  expected: ReadonlySet<string>,
): Lookup {
  const key = expectationKey({ ip: plainIp(c.dstIp), port: c.dstPort, srcPort: c.srcPort });
  if (expected.has(key)) return { kind: 'expected', key };
  const matches = targets.filter((t) => t.ip === plainIp(c.dstIp) && t.port === c.dstPort);
  const pods = [...new Set(matches.map((t) => t.pod))];
  if (pods.length === 1 && matches[0]) return { kind: 'unique', target: matches[0] };
  if (pods.length > 1) return { kind: 'ambiguous', pods: pods.sort() };
  return { kind: 'unknown' };
}

/** The target an expectation names (pod, address and port must all match), if any. */
export function targetFor(e: Expectation, targets: readonly ProbeTarget[]): ProbeTarget | undefined {
  return targets.find((t) => t.pod === e.pod && t.ip === e.ip && t.port === e.port);
}
