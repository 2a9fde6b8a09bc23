/**
 * What identifies a NAT rule and when two rules clash: one rule, applied by admission (nat-rules.ts), by the
 * controller's conflict report (controller/reconcilers/natgw/rule-status.ts) and by the gateway's desired rule set
 * (natgw/desired.ts, rule-values.ts), so the three cannot disagree. Kube-OVN's semantics (pkg/webhook
 * vpc_nat_gateway.go ValidateIptablesDnat, pkg/controller nft_dnat.go isDnatDuplicated):
 * - a DNAT is (EIP, protocol, external port). The port is a number, 1-65535 (`"80"` and `"080"` are one port, as
 *   strconv.Atoi and iptables read them); the protocol is case-insensitive (tcp when empty, as the gateway programs).
 * - Two DNATs of one identity may coexist only if both are `type: share`. Kube-OVN then balances between their
 *   targets with an nftables map; kovn's gateway does not (ADR 14), so here two `share` DNATs must also go to the
 *   same target, or the later one is refused: admission refuses it up front instead of accepting what the gateway
 *   would never program (ADR 2).
 * - A SNAT is (EIP, internal CIDR), the CIDR normalised: a bare address is a /32 (/128), host bits are cleared; a
 *   dual-stack pair `v4,v6` is one identity (its two CIDRs as written).
 * - A floating IP takes every new connection to its EIP: no port DNAT and no second floating IP beside it (Kube-OVN's
 *   webhook refuses FIP+DNAT, its controller a second FIP, fipTryUseEip). A SNAT may share the EIP with a floating IP
 *   (as in Kube-OVN: the FIP's EXCLUSIVE_DNAT sees only new inbound connections, the SNAT's replies come back through
 *   conntrack).
 * Pure.
 */
import { formatCidr, parseCidrOrIp } from '../../net/ip.ts';

export type NatKind = 'dnat' | 'snat' | 'fip';

export const MIN_PORT = 1;
export const MAX_PORT = 65535;

/** A port as a DNAT spec writes it: decimal digits (leading zeros allowed) or a number, 1-65535. */
export type PortReading =
  { ok: true; port: number } | { ok: false; problem: 'missing' | 'not a number' | 'out of range' };

export function readPort(value: string | number | undefined): PortReading {
  if (value === undefined || value === '') return { ok: false, problem: 'missing' };
  const text = String(value);
  if (!/^\d+$/.test(text)) return { ok: false, problem: 'not a number' };
  const port = Number(text);
  return port >= MIN_PORT && port <= MAX_PORT ? { ok: true, port } : { ok: false, problem: 'out of range' };
}

/** The protocol as the gateway programs it: lower case, tcp when not given. */
export const dnatProtocol = (value: string | undefined): string => (value || 'tcp').toLowerCase();

/** The DNAT fields the identity and the conflict rule read (a spec, whether ports are written as text or numbers). */
export interface DnatFields {
  eip?: string | undefined;
  protocol?: string | undefined;
  externalPort?: string | number | undefined;
  internalIp?: string | undefined;
  internalPort?: string | number | undefined;
  type?: string | undefined;
}

export interface DnatIdentity {
  eip: string;
  protocol: string;
  externalPort: number;
}

/** The identity of a DNAT, or undefined while its external port is not a port (it then clashes with nothing). */
export function dnatIdentity(d: DnatFields): DnatIdentity | undefined {
  const port = readPort(d.externalPort);
  return port.ok
    ? { eip: d.eip ?? '', protocol: dnatProtocol(d.protocol), externalPort: port.port }
    : undefined;
}

/** The identity as one string, for maps: `eip/protocol/port`. */
export function dnatKey(d: DnatFields): string | undefined {
  const id = dnatIdentity(d);
  return id && `${id.eip}/${id.protocol}/${id.externalPort}`;
}

/** Where a DNAT sends traffic, `ip:port`, the port read as a number when it is one. */
export function dnatTarget(d: DnatFields): string {
  const port = readPort(d.internalPort);
  return `${d.internalIp ?? ''}:${port.ok ? port.port : String(d.internalPort ?? '')}`;
}

/** Why two DNATs of one identity cannot both have it: not both `share`, or both `share` but to other targets. */
export type DnatClash = 'exclusive' | 'targets';

export function dnatClash(a: DnatFields, b: DnatFields): DnatClash | undefined {
  const key = dnatKey(a);
  if (key === undefined || key !== dnatKey(b)) return undefined;
  if (a.type !== 'share' || b.type !== 'share') return 'exclusive';
  return dnatTarget(a) === dnatTarget(b) ? undefined : 'targets';
}

/** The end of a clash message: what would let the two coexist. */
export const dnatClashHint = (clash: DnatClash): string =>
  clash === 'exclusive'
    ? 'both must be type=share to coexist'
    : 'share DNATs of one port must go to one target (kovn does not balance between targets)';

/** Why a DNAT cannot have its identity, in the one wording admission, the controller and the gateway all use. */
export const dnatClashMessage = (identity: DnatIdentity, holder: string, clash: DnatClash): string =>
  `eip ${identity.eip} port ${identity.externalPort}/${identity.protocol} is already used by dnat ${holder}; ${dnatClashHint(clash)}`;

/** A DNAT object, as the callers hold them (API objects, informer copies). */
export interface DnatObject {
  spec?: DnatFields | undefined;
}

/** The first of `holders` that a DNAT with `candidate` as its spec clashes with, and why. */
export function firstDnatClash<T extends DnatObject>(
  holders: Iterable<T>,
  candidate: DnatFields,
): { holder: T; clash: DnatClash } | undefined {
  for (const holder of holders) {
    const clash = dnatClash(holder.spec ?? {}, candidate);
    if (clash) return { holder, clash };
  }
  return undefined;
}

/**
 * Which of these DNATs (oldest first) are refused, and for whom: each that clashes with one kept before it. The
 * first holder of an identity keeps it, whatever order the objects arrived in.
 */
export function refusedDnats<T extends DnatObject>(
  oldestFirst: readonly T[],
): Map<T, { holder: T; clash: DnatClash }> {
  const kept = new Map<string, T[]>();
  const refused = new Map<T, { holder: T; clash: DnatClash }>();
  for (const d of oldestFirst) {
    const key = dnatKey(d.spec ?? {});
    if (key === undefined) continue;
    const same = kept.get(key) ?? [];
    const found = firstDnatClash(same, d.spec ?? {});
    if (found) refused.set(d, found);
    else kept.set(key, [...same, d]);
  }
  return refused;
}

/**
 * A SNAT's internal CIDR as programmed (`10.0.1.7` -> `10.0.1.7/32`, `10.0.1.9/24` -> `10.0.1.0/24`,
 * `fd00::1:9/112` -> `fd00::1:0/112`): one CIDR or address of either family.
 */
export function readSnatCidr(
  text: string | undefined,
): { cidr: string; prefix: number; family: 4 | 6 } | undefined {
  const parsed = parseCidrOrIp(text ?? '');
  return parsed && { cidr: formatCidr(parsed), prefix: parsed.prefix, family: parsed.family };
}

/** The CIDRs of a SNAT: one (either family), or a dual-stack pair `v4,v6` (one of each family); else undefined. */
export function readSnatCidrs(
  text: string | undefined,
): { cidr: string; prefix: number; family: 4 | 6 }[] | undefined {
  const parts = (text ?? '').split(',').map(readSnatCidr);
  if (parts.length > 2 || parts.some((p) => !p)) return undefined;
  const read = parts as { cidr: string; prefix: number; family: 4 | 6 }[];
  return read.length === 2 && read[0]!.family === read[1]!.family ? undefined : read;
}

/** The SNAT's CIDRs normalised, comma-separated as written (`10.0.1.0/24,fd00::/64`). */
export const snatCidr = (text: string | undefined): string | undefined =>
  readSnatCidrs(text)
    ?.map((c) => c.cidr)
    .join(',');

/** The identity of a SNAT, `eip cidr`, or undefined while its CIDR is not a CIDR, an address or a dual-stack pair. */
export function snatKey(s: {
  eip?: string | undefined;
  internalCIDR?: string | undefined;
}): string | undefined {
  const cidr = snatCidr(s.internalCIDR);
  return cidr && `${s.eip ?? ''} ${cidr}`;
}

/** May rules of these kinds use one EIP? Anything but a floating IP beside a DNAT or another floating IP. */
export const mayShareEip = (a: NatKind, b: NatKind): boolean =>
  !((a === 'fip' && b !== 'snat') || (b === 'fip' && a !== 'snat'));

/**
 * Why a rule of `kind` cannot use EIP `eip` that the rule `holder` (of a kind it may not share with) already uses, in
 * the one wording the controller's conflict report and the gateway's refusal use.
 */
export function eipShareMessage(holder: { kind: NatKind; name: string }, kind: NatKind, eip: string): string {
  if (holder.kind === 'fip' && kind === 'fip') return `eip ${eip} is used by the other fip ${holder.name}`;
  return holder.kind === 'fip'
    ? `eip ${eip} is used by floating IP ${holder.name}, which takes every connection to it`
    : `a floating IP takes every connection to its eip; eip ${eip} is used by ${holder.kind}/${holder.name}`;
}
