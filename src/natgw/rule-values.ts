/**
 * One NAT rule CR as a rule value (rules.ts), or the reason it cannot be one: Kube-OVN's field rules as the gateway
 * needs them (IPv4 only; tcp or udp, default tcp; ports 1-65535; a bare SNAT address is a /32). Pure.
 */
import type { Dnat, Fip, Snat } from '../api/kinds/nat-rules.ts';
import { parseCidrOrIp, parseIp } from '../net/ip.ts';
import type { NatRule } from './rules.ts';

const nameOf = (o: { metadata: { name?: string } }): string => o.metadata.name ?? '';
const PORT = /^\d{1,5}$/;
const portOk = (p: string | undefined): boolean => !!p && PORT.test(p) && +p >= 1 && +p <= 65535;
const v4 = (ip: string | undefined): boolean => parseIp(ip ?? '')?.family === 4 && !ip?.includes('/');

export function fipRule(f: Fip, eip: string): NatRule | string {
  const internalIp = f.spec?.internalIp ?? '';
  if (!v4(internalIp)) return `internalIp ${JSON.stringify(internalIp)} is not an IPv4 address`;
  return { kind: 'fip', name: nameOf(f), eip, internalIp };
}

export function dnatRule(d: Dnat, eip: string): NatRule | string {
  const s = d.spec;
  const protocol = (s?.protocol || 'tcp').toLowerCase();
  if (protocol !== 'tcp' && protocol !== 'udp') return `protocol ${JSON.stringify(s?.protocol)}: tcp or udp`;
  if (!v4(s?.internalIp)) return `internalIp ${JSON.stringify(s?.internalIp)} is not an IPv4 address`;
  if (!portOk(s?.externalPort)) return `externalPort ${JSON.stringify(s?.externalPort)} is not a port`;
  if (!portOk(s?.internalPort)) return `internalPort ${JSON.stringify(s?.internalPort)} is not a port`;
  return {
    kind: 'dnat',
    name: nameOf(d),
    eip,
    protocol,
    externalPort: Number(s?.externalPort),
    internalIp: s?.internalIp ?? '',
    internalPort: Number(s?.internalPort),
  };
}

export function snatRule(s: Snat, eip: string): NatRule | string {
  const cidr = parseCidrOrIp(s.spec?.internalCIDR ?? '');
  if (cidr?.family !== 4) return `internalCIDR ${JSON.stringify(s.spec?.internalCIDR)} is not an IPv4 CIDR`;
  const text = s.spec?.internalCIDR.includes('/')
    ? (s.spec.internalCIDR ?? '')
    : `${s.spec?.internalCIDR}/32`;
  return { kind: 'snat', name: nameOf(s), eip, cidr: text, prefix: cidr.prefix };
}
