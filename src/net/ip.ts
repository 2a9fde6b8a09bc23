/**
 * IP address and CIDR arithmetic on bigint values, for IPv4 and IPv6 alike. Parsing is strict in the way
 * Kube-OVN's validators are (dotted-quad IPv4, canonical lower-case IPv6 accepted, no upper case); everything
 * else (IPAM, validation, desired-state code) works on the parsed values.
 */
import ipaddr from 'ipaddr.js';

export type Family = 4 | 6;

export interface Ip {
  family: Family;
  value: bigint;
}

export interface Cidr {
  family: Family;
  /** Network address (host bits cleared). */
  network: bigint;
  prefix: number;
  /** The address as written before normalisation (e.g. 10.0.1.5 in 10.0.1.5/24). */
  address: bigint;
}

export const bits = (family: Family): number => (family === 4 ? 32 : 128);

/** Four decimal parts without leading zeros (what ipaddr's isValidFourPartDecimal accepts, before the 255 check). */
const DOTTED_QUAD = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;

/** What ipaddr's isValidFourPartDecimal also requires: tested first, so that other text skips its throwing parse. */
const FOUR_PART_DECIMAL = /^(0|[1-9]\d*)(\.(0|[1-9]\d*)){3}$/;

/** Parses an IPv4 or IPv6 address; undefined if it is not one (upper-case IPv6 is refused, as Kube-OVN does). */
export function parseIp(text: string): Ip | undefined {
  const quad = DOTTED_QUAD.exec(text);
  if (quad) {
    // Fast path (IPAM rebuild parses every pod's address): same answer as the ipaddr.js checks below.
    const [a, b, c, d] = [Number(quad[1]), Number(quad[2]), Number(quad[3]), Number(quad[4])];
    if (a > 255 || b > 255 || c > 255 || d > 255) return undefined;
    return { family: 4, value: BigInt(a * 0x1000000 + b * 0x10000 + c * 0x100 + d) };
  }
  if (text !== text.trim() || text !== text.toLowerCase() || text.includes('%')) return undefined;
  if (FOUR_PART_DECIMAL.test(text) && ipaddr.IPv4.isValidFourPartDecimal(text)) {
    const bytes = ipaddr.IPv4.parse(text).toByteArray();
    return { family: 4, value: bytesToBigint(bytes) };
  }
  if (text.includes(':') && ipaddr.IPv6.isValid(text)) {
    const parsed = ipaddr.IPv6.parse(text);
    if (parsed.isIPv4MappedAddress() && text.includes('.')) return undefined;
    return { family: 6, value: bytesToBigint(parsed.toByteArray()) };
  }
  return undefined;
}

/** Parses `addr/prefix`; undefined if malformed. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > bits(ip.family)) return undefined;
  return { family: ip.family, network: ip.value & netmask(ip.family, prefix), prefix, address: ip.value };
}

/** A CIDR, or a bare address taken as a host route (/32 or /128). */
export function parseCidrOrIp(text: string): Cidr | undefined {
  if (text.includes('/')) return parseCidr(text);
  const ip = parseIp(text);
  return ip && { family: ip.family, network: ip.value, prefix: bits(ip.family), address: ip.value };
}

export function formatIp(family: Family, value: bigint): string {
  if (family === 4) {
    const n = Number(value & 0xffffffffn);
    return `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
  }
  const bytes: number[] = [];
  for (let i = 15; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

export const formatCidr = (cidr: Cidr): string => `${formatIp(cidr.family, cidr.network)}/${cidr.prefix}`;

export function netmask(family: Family, prefix: number): bigint {
  const width = BigInt(bits(family));
  const all = (1n << width) - 1n;
  return (all << (width - BigInt(prefix))) & all;
}

/** Number of addresses in the block. */
export const blockSize = (cidr: Cidr): bigint => 1n << BigInt(bits(cidr.family) - cidr.prefix);

/** The last address of the block (the IPv4 broadcast address). */
export const lastAddress = (cidr: Cidr): bigint => cidr.network + blockSize(cidr) - 1n;

export const cidrContains = (cidr: Cidr, ip: Ip): boolean =>
  ip.family === cidr.family && ip.value >= cidr.network && ip.value <= lastAddress(cidr);

export const cidrsOverlap = (a: Cidr, b: Cidr): boolean =>
  a.family === b.family && a.network <= lastAddress(b) && b.network <= lastAddress(a);

/**
 * The usable host range: network+1 .. last-1; for /31, /127 (and /32, /128) every address is usable.
 * Same arithmetic for both families, as Kube-OVN's IPAM does.
 */
export function usableRange(cidr: Cidr): { first: bigint; last: bigint } {
  const hostBits = bits(cidr.family) - cidr.prefix;
  if (hostBits <= 1) return { first: cidr.network, last: lastAddress(cidr) };
  return { first: cidr.network + 1n, last: lastAddress(cidr) - 1n };
}

/** Kube-OVN's default gateway: the first usable address (network+1; the network address for /31 and /127). */
export const defaultGateway = (cidr: Cidr): bigint => usableRange(cidr).first;

function bytesToBigint(bytes: number[]): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/** `host:port`, an IPv6 host in brackets (Go's net.JoinHostPort; OVN's `vips` keys and values, gRPC authorities). */
export const joinHostPort = (host: string, port: number): string =>
  host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;

/** `10.0.1.5` -> `10.0.1.5/32`, `10.0.1.5/24` -> `10.0.1.0/24`; unparsable text is kept (admission refuses it). */
export function normalizePrefix(cidr: string): string {
  const parsed = parseCidrOrIp(cidr.trim());
  return parsed ? formatCidr(parsed) : cidr;
}

/** An address in its canonical text (IPv6 compressed), so `nexthop` compares equal across reconciles. */
export function normalizeIp(ip: string): string {
  const parsed = parseIp(ip.trim());
  return parsed ? formatIp(parsed.family, parsed.value) : ip.trim();
}
