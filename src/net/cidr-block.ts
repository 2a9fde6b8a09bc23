/**
 * A Subnet's `cidrBlock`: one CIDR, or a dual-stack pair `v4cidr,v6cidr` (Kube-OVN's `spec.cidrBlock`; the pod and
 * node `ovn.kubernetes.io/cidr` annotations carry a copy of it). The one parser of that notation: the parts as written
 * (trimmed), each parsed, the CIDR of each family, the protocol, and what is wrong with the block as a whole, so that
 * admission, defaulting, IPAM, the NB desired state, the node agent and the gateway read it the same way. What a
 * caller refuses beyond that (reserved ranges, host masks, upper case) stays with the caller. Pure.
 */
import { parseCidr, type Cidr, type Family } from './ip.ts';

export interface CidrBlockPart {
  /** The part as written, trimmed (`10.0.1.5/24`). */
  text: string;
  /** The parsed CIDR; undefined when the part is not one. */
  cidr: Cidr | undefined;
}

/** A part that parsed. */
export interface FamilyCidr {
  text: string;
  cidr: Cidr;
}

export type CidrBlockError =
  /** No text at all. */
  | { kind: 'empty' }
  /** More than one CIDR per family can hold. */
  | { kind: 'too-many'; count: number }
  | { kind: 'unparsable'; part: string }
  /** Two parts of one family (a dual-stack block is one IPv4 and one IPv6 CIDR). */
  | { kind: 'same-family'; family: Family };

export interface CidrBlock {
  /** Every part, in the order written (an empty part is kept, as an unparsable one). */
  parts: CidrBlockPart[];
  /** The parts that parse, in the order written. */
  cidrs: Cidr[];
  /** The first IPv4 part that parses. */
  v4: FamilyCidr | undefined;
  /** The first IPv6 part that parses. */
  v6: FamilyCidr | undefined;
  /** `IPv4`, `IPv6` or `Dual` from the families of `cidrs` (Kube-OVN's `CheckProtocol`); `IPv4` when none. */
  protocol: 'IPv4' | 'IPv6' | 'Dual';
  /** Empty for a well-formed block; otherwise in this order: empty, too-many, unparsable (per part), same-family. */
  errors: CidrBlockError[];
}

export function parseCidrBlock(text: string | undefined): CidrBlock {
  const parts = text ? text.split(',').map((p) => ({ text: p.trim(), cidr: parseCidr(p.trim()) })) : [];
  const parsed = parts.filter((p): p is FamilyCidr => p.cidr !== undefined);
  const cidrs = parsed.map((p) => p.cidr);
  const errors: CidrBlockError[] = [];
  if (!text) errors.push({ kind: 'empty' });
  if (parts.length > 2) errors.push({ kind: 'too-many', count: parts.length });
  for (const p of parts) if (!p.cidr) errors.push({ kind: 'unparsable', part: p.text });
  for (const family of [4, 6] as const)
    if (cidrs.filter((c) => c.family === family).length > 1) errors.push({ kind: 'same-family', family });
  return {
    parts,
    cidrs,
    v4: parsed.find((p) => p.cidr.family === 4),
    v6: parsed.find((p) => p.cidr.family === 6),
    protocol: protocolOf(cidrs),
    errors,
  };
}

/** Every CIDR of the block; undefined when it is empty or a part does not parse (its validation says why). */
export function blockCidrs(text: string | undefined): Cidr[] | undefined {
  const block = parseCidrBlock(text);
  return block.parts.length && block.cidrs.length === block.parts.length ? block.cidrs : undefined;
}

function protocolOf(cidrs: readonly Cidr[]): CidrBlock['protocol'] {
  const families = new Set(cidrs.map((c) => c.family));
  if (families.size > 1) return 'Dual';
  return families.has(6) ? 'IPv6' : 'IPv4';
}
