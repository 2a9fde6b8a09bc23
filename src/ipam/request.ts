/**
 * Parsing of an allocation request (static IPs as in `ovn.kubernetes.io/ip_address`, static MAC as in
 * `ovn.kubernetes.io/mac_address`) into per-family values, with the expected failures as outcomes.
 */
import { parseIp, type Family } from '../net/ip.ts';
import { normalizeMac } from './mac.ts';
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
