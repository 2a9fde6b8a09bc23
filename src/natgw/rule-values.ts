/**
 * One NAT rule CR as rule values (rules.ts), one per address family it names, or the reason it cannot be: Kube-OVN's
 * field rules as the gateway needs them (tcp or udp, default tcp; ports 1-65535 read as numbers; a SNAT CIDR
 * normalised, a bare address being a /32 or /128), read by api/kinds/nat-identity.ts as admission and the controller
 * read them. An internal address (FIP, DNAT) or CIDR (SNAT) is IPv4, IPv6, or a dual-stack pair `v4,v6` (the form
 * Kube-OVN writes dual-stack addresses in); each family is translated to the EIP's address of the same family, so
 * a rule naming a family its EIP has no address of is refused, naming the field and the family. Pure.
 */
import type { Dnat, Fip, Snat } from '../api/kinds/nat-rules.ts';
import { dnatProtocol, readPort, readSnatCidrs } from '../api/kinds/nat-identity.ts';
import { parseIp, type Family } from '../net/ip.ts';
import type { NatRule } from './rules.ts';

/**
 * Where an EIP is: its addresses (IPv4 `ip`, IPv6 `ip6`: at least one) and its NIC; `pinFip`: the gateway has several
 * external NICs, so a floating IP's source translation is bound to the EIP's NIC (traffic leaving another NIC is
 * not given this EIP).
 */
export interface EipPlace {
  ip?: string;
  ip6?: string;
  dev: string;
  pinFip: boolean;
}

const nameOf = (o: { metadata: { name?: string } }): string => o.metadata.name ?? '';

/** The addresses of `v4`, `v6` or `v4,v6` (at most one per family), or undefined when it is none of those. */
export function readAddresses(text: string | undefined): { ip: string; family: Family }[] | undefined {
  const parts = (text ?? '').split(',');
  const read = parts.map((p) => ({ ip: p, family: p.includes('/') ? undefined : parseIp(p)?.family }));
  if (!text || parts.length > 2 || read.some((r) => r.family === undefined)) return undefined;
  if (parts.length === 2 && read[0]!.family === read[1]!.family) return undefined;
  return read as { ip: string; family: Family }[];
}

/** The EIP's address of a family, or why it has none (for the field that named the family). */
function eipAddress(place: EipPlace, family: Family, field: string, value: string): string | { why: string } {
  const ip = family === 4 ? place.ip : place.ip6;
  return (
    ip ?? {
      why: `${field} ${JSON.stringify(value)} is IPv${family}, but its eip has no IPv${family} address`,
    }
  );
}

/** Rules of one CR, one per family; the first refusal wins. */
function perFamily<T>(
  items: readonly T[],
  familyOf: (t: T) => Family,
  field: string,
  value: string,
  place: EipPlace,
  make: (t: T, eip: string) => NatRule,
): NatRule[] | string {
  const rules: NatRule[] = [];
  for (const item of items) {
    const eip = eipAddress(place, familyOf(item), field, value);
    if (typeof eip !== 'string') return eip.why;
    rules.push(make(item, eip));
  }
  return rules;
}

const ADDRESS = 'is not an IPv4 or IPv6 address, nor a dual-stack pair "v4,v6"';

/** `place.pinFip`: its source translation is bound to the EIP's NIC (only when the gateway has several). */
export function fipRule(f: Fip, place: EipPlace): NatRule[] | string {
  const internalIp = f.spec?.internalIp ?? '';
  const addrs = readAddresses(internalIp);
  if (!addrs) return `internalIp ${JSON.stringify(internalIp)} ${ADDRESS}`;
  const dev = place.pinFip ? place.dev : undefined;
  return perFamily(
    addrs,
    (a) => a.family,
    'internalIp',
    internalIp,
    place,
    (a, eip) => ({ kind: 'fip', name: nameOf(f), eip, internalIp: a.ip, ...(dev ? { dev } : {}) }),
  );
}

export function dnatRule(d: Dnat, place: EipPlace): NatRule[] | string {
  const s = d.spec;
  const protocol = dnatProtocol(s?.protocol);
  if (protocol !== 'tcp' && protocol !== 'udp') return `protocol ${JSON.stringify(s?.protocol)}: tcp or udp`;
  const addrs = readAddresses(s?.internalIp);
  if (!addrs) return `internalIp ${JSON.stringify(s?.internalIp)} ${ADDRESS}`;
  const externalPort = readPort(s?.externalPort);
  if (!externalPort.ok) return `externalPort ${JSON.stringify(s?.externalPort)} is not a port`;
  const internalPort = readPort(s?.internalPort);
  if (!internalPort.ok) return `internalPort ${JSON.stringify(s?.internalPort)} is not a port`;
  return perFamily(
    addrs,
    (a) => a.family,
    'internalIp',
    s?.internalIp ?? '',
    place,
    (a, eip) => ({
      kind: 'dnat',
      name: nameOf(d),
      eip,
      protocol,
      externalPort: externalPort.port,
      internalIp: a.ip,
      internalPort: internalPort.port,
    }),
  );
}

/** A SNAT leaves through the EIP's NIC, `place.dev`. */
export function snatRule(s: Snat, place: EipPlace): NatRule[] | string {
  const cidrs = readSnatCidrs(s.spec?.internalCIDR);
  if (!cidrs)
    return `internalCIDR ${JSON.stringify(s.spec?.internalCIDR)} is not an IPv4 or IPv6 CIDR, nor a dual-stack pair "v4,v6"`;
  return perFamily(
    cidrs,
    (c) => c.family,
    'internalCIDR',
    s.spec?.internalCIDR ?? '',
    place,
    (c, eip) => ({ kind: 'snat', name: nameOf(s), eip, cidr: c.cidr, prefix: c.prefix, dev: place.dev }),
  );
}
