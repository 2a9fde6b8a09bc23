/**
 * The FIP, DNAT and SNAT part of a gateway's desired state (pure). Each CR becomes a candidate that knows how to
 * make its rule value on an address (rule-values.ts) and, for DNAT and SNAT, how to claim its identity
 * (api/kinds/nat-identity.ts: a DNAT identity (eip, protocol, external port as a number) is held by one DNAT, or by
 * `share` DNATs to one target; a SNAT identity (eip, CIDR) by one SNAT). Placing the candidates of all three kinds
 * oldest first on their EIPs' addresses gives the rules and the refusals: a bad value, a DNAT or second floating IP
 * on an EIP a floating IP holds (or a FIP on an EIP a DNAT holds), an identity an earlier rule holds. A candidate
 * whose EIP has no address here (none yet, or another gateway's) is not tried: no rule, no refusal. A CR naming both
 * families (a dual-stack pair) makes one rule per family, under one rule id, kept or refused together.
 */
import type { Dnat, Fip, Snat } from '../api/kinds/nat-rules.ts';
import {
  dnatClashMessage,
  dnatIdentity,
  dnatKey,
  eipShareMessage,
  firstDnatClash,
  mayShareEip,
  snatCidr,
  snatKey,
  type NatKind,
} from '../api/kinds/nat-identity.ts';
import { liveOldestFirst, nameOf, older, type AgedObject } from '../api/kinds/age.ts';
import { dnatRule, fipRule, snatRule, type EipPlace } from './rule-values.ts';

export type { EipPlace } from './rule-values.ts';
import type { NatRule, RuleId } from './rules.ts';

/** One FIP, DNAT or SNAT CR on its way to becoming a rule. */
export interface NatCandidate {
  id: RuleId;
  kind: NatKind;
  obj: AgedObject & { spec?: { eip?: string } };
  /** The rules on the EIP (one per address family the CR names), or why the CR's values cannot make them. */
  make: (eip: EipPlace) => NatRule[] | string;
  /** Refused by an earlier rule of its identity (nat-identity.ts), else records itself as a holder. */
  claim?: (eipName: string) => string | undefined;
}

export interface PlacedRules {
  rules: NatRule[];
  refused: Map<RuleId, string>;
}

function candidate(
  kind: NatKind,
  obj: NatCandidate['obj'],
  make: NatCandidate['make'],
  claim?: NatCandidate['claim'],
): NatCandidate {
  return { id: `${kind}/${nameOf(obj)}`, kind, obj, make, ...(claim ? { claim } : {}) };
}

/** A DNAT takes its identity unless an earlier holder may not share it (nat-identity.ts); else the reason. */
function claimDnat(holders: Map<string, Dnat[]>, d: Dnat, eipName: string): string | undefined {
  const identity = dnatIdentity(d.spec ?? {});
  const key = dnatKey(d.spec ?? {});
  if (!identity || key === undefined) return undefined;
  const same = holders.get(key) ?? [];
  const found = firstDnatClash(same, d.spec ?? {});
  if (found) return dnatClashMessage({ ...identity, eip: eipName }, nameOf(found.holder), found.clash);
  holders.set(key, [...same, d]);
  return undefined;
}

/** A SNAT takes its identity (EIP, normalised CIDR) unless an earlier SNAT has it; else the reason. */
function claimSnat(holders: Map<string, string>, s: Snat, eipName: string): string | undefined {
  const key = s.spec && snatKey(s.spec);
  if (!key) return undefined;
  const holder = holders.get(key);
  if (holder)
    return `snat ${holder} already translates ${snatCidr(s.spec?.internalCIDR) ?? ''} to eip ${eipName}`;
  holders.set(key, nameOf(s));
  return undefined;
}

/** Floating IPs: no identity beyond their EIP, which placement keeps from port DNATs and other floating IPs. */
export const fipCandidates = (fips: readonly Fip[]): NatCandidate[] =>
  liveOldestFirst(fips).map((f) => candidate('fip', f, (e) => fipRule(f, e)));

/** DNATs, sharing one record of the identities claimed so far (DNAT identity -> the DNATs programmed for it). */
export function dnatCandidates(dnats: readonly Dnat[]): NatCandidate[] {
  const holders = new Map<string, Dnat[]>();
  return liveOldestFirst(dnats).map((d) =>
    candidate(
      'dnat',
      d,
      (e) => dnatRule(d, e),
      (eip) => claimDnat(holders, d, eip),
    ),
  );
}

/** SNATs, sharing one record of the identities claimed so far (SNAT identity -> the SNAT programmed for it). */
export function snatCandidates(snats: readonly Snat[]): NatCandidate[] {
  const holders = new Map<string, string>();
  return liveOldestFirst(snats).map((s) =>
    candidate(
      'snat',
      s,
      (e) => snatRule(s, e),
      (eip) => claimSnat(holders, s, eip),
    ),
  );
}

/** One rule already placed on an EIP. */
export interface EipUser {
  id: RuleId;
  kind: NatKind;
}

/**
 * Why a rule of `kind` may not use an EIP these rules already use (a floating IP beside a DNAT or another floating
 * IP: nat-identity.ts mayShareEip), or undefined. Worded as the controller's conflict report words it.
 */
export function eipShareRefusal(
  users: readonly EipUser[],
  kind: NatKind,
  eipName: string,
): string | undefined {
  const first = users.find((u) => !mayShareEip(u.kind, kind));
  if (!first) return undefined;
  return eipShareMessage({ kind: first.kind, name: first.id.slice(first.kind.length + 1) }, kind, eipName);
}

/**
 * The candidates placed oldest first (a stable sort, so equal ages keep the order given) on the addresses of their
 * EIPs (EIP name -> address and NIC): each becomes a rule or a refusal, unless its EIP has no address here.
 */
export function placeNatRules(
  candidates: readonly NatCandidate[],
  eipIps: ReadonlyMap<string, EipPlace>,
): PlacedRules {
  const users = new Map<string, EipUser[]>(); // eip name -> the rules placed on it
  const rules: NatRule[] = [];
  const refused = new Map<RuleId, string>();
  for (const { id, kind, obj, make, claim } of [...candidates].sort((a, b) => older(a.obj, b.obj))) {
    const eipName = obj.spec?.eip ?? '';
    const place = eipIps.get(eipName);
    if (place === undefined) continue;
    const made = make(place);
    if (typeof made === 'string') {
      refused.set(id, made);
      continue;
    }
    const placed = users.get(eipName) ?? [];
    const reason = eipShareRefusal(placed, kind, eipName) ?? claim?.(eipName);
    if (reason) {
      refused.set(id, reason);
      continue;
    }
    users.set(eipName, [...placed, { id, kind }]);
    rules.push(...made);
  }
  return { rules, refused };
}
