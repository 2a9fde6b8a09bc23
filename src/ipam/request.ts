/**
 * Allocation requests (static IPs as in `ovn.kubernetes.io/ip_address`, static MAC as in
 * `ovn.kubernetes.io/mac_address`): parsing into per-family values, and the checks against a subnet's pools and
 * owners (out of range, gateway, conflicts) — expected failures as outcomes.
 */
import { parseIp, type Family } from '../net/ip.ts';
import type { FamilyPool } from './family-pool.ts';
import { normalizeMac } from './mac.ts';
import { FAMILIES, type OwnerBook } from './owner-book.ts';
import type { AllocateFailure, AllocateRequest } from './types.ts';

export interface StaticIp {
  text: string;
  value: bigint;
}

export interface ParsedRequest {
  ok: true;
  ips: Partial<Record<Family, StaticIp>>;
  mac?: string;
}

export function splitIps(ips: AllocateRequest['ips']): string[] {
  if (ips === undefined) return [];
  return (typeof ips === 'string' ? ips.split(',') : [...ips]).filter((item) => item !== '');
}

export function parseRequest(request: AllocateRequest): ParsedRequest | AllocateFailure {
  const parsed: ParsedRequest = { ok: true, ips: {} };
  for (const item of splitIps(request.ips)) {
    const text = item.split('/')[0] ?? item;
    const ip = parseIp(text);
    if (!ip) return { ok: false, reason: 'InvalidAddress', message: `${item} is not a valid IP address` };
    if (parsed.ips[ip.family]) {
      return {
        ok: false,
        reason: 'InvalidAddress',
        message: `at most one IPv${ip.family} address may be requested`,
      };
    }
    parsed.ips[ip.family] = { text, value: ip.value };
  }
  if (request.mac !== undefined) {
    const mac = normalizeMac(request.mac);
    if (!mac)
      return {
        ok: false,
        reason: 'InvalidMac',
        mac: request.mac,
        message: `${request.mac} is not a valid MAC`,
      };
    parsed.mac = mac;
  }
  return parsed;
}

export interface CheckContext {
  subnet: string;
  pools: Partial<Record<Family, FamilyPool>>;
  book: OwnerBook;
  reservedMacs: ReadonlySet<string>;
}

/** Static IPs and MAC of a request against the subnet's pools and the other owners; undefined if acceptable. */
export function checkRequest(
  ctx: CheckContext,
  owner: string,
  request: ParsedRequest,
): AllocateFailure | undefined {
  for (const family of FAMILIES) {
    const wanted = request.ips[family];
    if (!wanted) continue;
    const pool = ctx.pools[family];
    const ip = wanted.text;
    if (!pool || !pool.isUsable(wanted.value)) {
      return {
        ok: false,
        reason: 'AddressOutOfRange',
        ip,
        message: `ip ${ip} is out of range of subnet ${ctx.subnet}`,
      };
    }
    if (wanted.value === pool.config.gateway) {
      return {
        ok: false,
        reason: 'GatewayConflict',
        ip,
        message: `ip ${ip} is the gateway of subnet ${ctx.subnet}`,
      };
    }
    const holder = ctx.book.holderOfIp(family, wanted.value);
    if (holder !== undefined && holder !== owner) {
      return {
        ok: false,
        reason: 'AddressConflict',
        ip,
        owner: holder,
        message: `ip ${ip} has been allocated to ${holder}`,
      };
    }
  }
  const mac = request.mac;
  if (mac === undefined) return undefined;
  if (ctx.reservedMacs.has(mac)) {
    return {
      ok: false,
      reason: 'MacReserved',
      mac,
      message: `mac ${mac} is reserved in subnet ${ctx.subnet}`,
    };
  }
  const holder = ctx.book.holderOfMac(mac);
  if (holder !== undefined && holder !== owner) {
    return {
      ok: false,
      reason: 'MacConflict',
      mac,
      owner: holder,
      message: `mac ${mac} has been allocated to ${holder}`,
    };
  }
  return undefined;
}
