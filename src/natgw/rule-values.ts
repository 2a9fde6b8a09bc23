/**
 * One NAT rule CR as a rule value (rules.ts), or the reason it cannot be one: Kube-OVN's field rules as the gateway
 * needs them (IPv4 only; tcp or udp, default tcp; ports 1-65535 read as numbers; a SNAT CIDR normalised, a bare
 * address being a /32), read by api/kinds/nat-identity.ts as admission and the controller read them. Pure.
 */
import type { Dnat, Fip, Snat } from '../api/kinds/nat-rules.ts';
import { dnatProtocol, readPort, readSnatCidr } from '../api/kinds/nat-identity.ts';
import { parseIp } from '../net/ip.ts';
import type { NatRule } from './rules.ts';

const nameOf = (o: { metadata: { name?: string } }): string => o.metadata.name ?? '';
const v4 = (ip: string | undefined): boolean => parseIp(ip ?? '')?.family === 4 && !ip?.includes('/');

/** `dev`: the NIC its source translation is bound to (only when the gateway has several). */
export function fipRule(f: Fip, eip: string, dev?: string): NatRule | string {
  const internalIp = f.spec?.internalIp ?? '';
  if (!v4(internalIp)) return `internalIp ${JSON.stringify(internalIp)} is not an IPv4 address`;
  return { kind: 'fip', name: nameOf(f), eip, internalIp, ...(dev ? { dev } : {}) };
}

export function dnatRule(d: Dnat, eip: string): NatRule | string {
  const s = d.spec;
  const protocol = dnatProtocol(s?.protocol);
  if (protocol !== 'tcp' && protocol !== 'udp') return `protocol ${JSON.stringify(s?.protocol)}: tcp or udp`;
  if (!v4(s?.internalIp)) return `internalIp ${JSON.stringify(s?.internalIp)} is not an IPv4 address`;
  const externalPort = readPort(s?.externalPort);
  if (!externalPort.ok) return `externalPort ${JSON.stringify(s?.externalPort)} is not a port`;
  const internalPort = readPort(s?.internalPort);
  if (!internalPort.ok) return `internalPort ${JSON.stringify(s?.internalPort)} is not a port`;
  return {
    kind: 'dnat',
    name: nameOf(d),
    eip,
    protocol,
    externalPort: externalPort.port,
    internalIp: s?.internalIp ?? '',
    internalPort: internalPort.port,
  };
}

/** `dev`: the EIP's NIC, the one the translated traffic leaves through. */
export function snatRule(s: Snat, eip: string, dev?: string): NatRule | string {
  const read = readSnatCidr(s.spec?.internalCIDR);
  if (!read) return `internalCIDR ${JSON.stringify(s.spec?.internalCIDR)} is not an IPv4 CIDR`;
  return {
    kind: 'snat',
    name: nameOf(s),
    eip,
    cidr: read.cidr,
    prefix: read.prefix,
    ...(dev ? { dev } : {}),
  };
}
