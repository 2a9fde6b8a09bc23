/**
 * Pure pieces of the NAT statuses: the label changes to write, an EIP's `nat` field (kinds of the rules using it,
 * always in `dnat,fip,snat` order), the status fields a rule reports per kind (what is programmed: the EIP addresses,
 * the gateway, and copies of its spec; emptied when a conflict takes the binding away), the `Ready` condition for
 * the agent's verdict, and the cluster-state conflicts Kube-OVN's controller checks, by the identities and the DNAT
 * clash rule of api/kinds/nat-identity.ts (shared with admission and the gateway): one floating IP per EIP and no
 * port DNAT beside it, one DNAT per (EIP, protocol, external port) unless both are `share` (in kovn: to one target),
 * one SNAT per (EIP, CIDR).
 * Between two conflicting rules the older one (creation time, then name) keeps the EIP; the newer is not ready, with
 * the reason.
 */
import type { Dnat } from '../../../api/kinds/nat-rules.ts';
import {
  dnatClashMessage,
  dnatIdentity,
  dnatKey,
  refusedDnats,
  eipShareMessage,
  mayShareEip,
  snatCidr,
  snatKey,
  type NatKind,
} from '../../../api/kinds/nat-identity.ts';
import { older } from '../../../api/kinds/age.ts';
import type { ClusterView, KubeObject } from '../../../api/types.ts';
import type { ConditionInput } from '../conditions.ts';
import type { AppliedVerdict } from './applied.ts';
import { RULE_KINDS, SHORT_KIND, eipNameOf, type RuleKind } from './names.ts';
import { readyCondition } from './status.ts';

type Spec = Record<string, string | undefined>;
const specOf = (rule: KubeObject): Spec => (rule.spec as Spec | undefined) ?? {};

export function labelChanges(obj: KubeObject, want: Record<string, string>): Record<string, string> {
  const current = obj.metadata.labels ?? {};
  return Object.fromEntries(Object.entries(want).filter(([k, v]) => current[k] !== v));
}

export function natKinds(rules: readonly KubeObject[]): string {
  const kinds = new Set(rules.map((r) => SHORT_KIND[r.kind as RuleKind]));
  return (['dnat', 'fip', 'snat'] as const).filter((k) => kinds.has(k)).join(',');
}

/** A SNAT CIDR as programmed: a bare address becomes `/32`. */
export const normalCidr = (text: string | undefined): string => snatCidr(text) ?? text ?? '';

/**
 * What a rule's status copies, as Kube-OVN's patch*Status: the EIP's addresses (`v6ip` its `spec.v6ip`, empty on
 * IPv4), the gateway, and the spec fields as written (`protocol` too: `TCP` stays `TCP`); a SNAT CIDR normalised as
 * programmed.
 */
export function ruleStatusFields(kind: RuleKind, rule: KubeObject, v4ip: string, gateway: string, v6ip = '') {
  const spec = specOf(rule);
  const base = { v4ip, v6ip, natGwDp: gateway };
  switch (kind) {
    case 'IptablesDnatRule':
      return {
        ...base,
        protocol: spec['protocol'] ?? '',
        internalIp: spec['internalIp'] ?? '',
        internalPort: spec['internalPort'] ?? '',
        externalPort: spec['externalPort'] ?? '',
      };
    case 'IptablesSnatRule':
      return { ...base, internalCIDR: normalCidr(spec['internalCIDR']) };
    case 'IptablesFIPRule':
      return { ...base, internalIp: spec['internalIp'] ?? '' };
  }
}

/**
 * The copies a rule's status still holds of a binding it has lost (a conflict's loser is not on the gateway), as
 * empty strings to write; nothing for a rule that never had one (Kube-OVN's loser has an empty status).
 */
export function lostCopies(
  rule: KubeObject,
  fields: Readonly<Record<string, unknown>>,
): Record<string, string> {
  const status = (rule['status'] ?? {}) as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(fields)
      .filter((k) => status[k])
      .map((k) => [k, '']),
  );
}

export function verdictCondition(verdict: AppliedVerdict, applied: string): ConditionInput {
  if (verdict.state === 'applied') return readyCondition(true, 'Applied', applied);
  if (verdict.state === 'failed') return readyCondition(false, 'ApplyFailed', verdict.reason);
  return readyCondition(false, 'Pending', verdict.reason);
}

const isOlder = (a: KubeObject, b: KubeObject): boolean => older(a, b) < 0;

/**
 * Identity keys by cached rule object (immutable in the informer): a rule is compared with every other rule of its
 * kind, and reading a key parses its port or CIDR, so each rule's key is read once per version, not once per pair.
 * `''` stands for "no identity" (a port or CIDR that cannot be read).
 */
const identityKeys = new WeakMap<KubeObject, string>();

function identityKey(kind: 'IptablesDnatRule' | 'IptablesSnatRule', rule: KubeObject): string {
  let key = identityKeys.get(rule);
  if (key === undefined) {
    key = (kind === 'IptablesDnatRule' ? dnatKey(specOf(rule)) : snatKey(specOf(rule))) ?? '';
    identityKeys.set(rule, key);
  }
  return key;
}

/**
 * The rules of the kind with `rule`'s identity (api/kinds/nat-identity.ts: a FIP's EIP; a DNAT's (EIP, protocol,
 * port); a SNAT's (EIP, CIDR)), `rule` itself included when cached; none when it has no identity.
 */
export function rulesWithIdentity(kind: RuleKind, rule: KubeObject, view: ClusterView): KubeObject[] {
  const eip = eipNameOf(rule);
  if (kind === 'IptablesFIPRule') return view.list(kind).filter((other) => eipNameOf(other) === eip);
  const mine = identityKey(kind, rule);
  if (mine === '') return [];
  return view.list(kind).filter((other) => eipNameOf(other) === eip && identityKey(kind, other) === mine);
}

/** Why this DNAT cannot have its identity: an older DNAT keeps it and the two may not coexist (refusedDnats). */
function dnatConflict(rule: KubeObject, view: ClusterView): string | undefined {
  const identity = dnatIdentity(specOf(rule));
  if (!identity) return undefined;
  const rivals = rulesWithIdentity('IptablesDnatRule', rule, view).filter(
    (o) => o.metadata.name !== rule.metadata.name && !o.metadata.deletionTimestamp,
  );
  const oldestFirst = [...rivals, rule].sort(older) as Dnat[];
  const refused = refusedDnats(oldestFirst).get(rule);
  if (!refused) return undefined;
  return dnatClashMessage(identity, refused.holder.metadata.name ?? '', refused.clash);
}

const natKind = (kind: RuleKind): NatKind => SHORT_KIND[kind] as NatKind;

/** The other kinds whose rules may not share an EIP with a rule of `kind`: a floating IP and a port DNAT. */
export const eipRivalKinds = (kind: RuleKind): RuleKind[] =>
  RULE_KINDS.filter((other) => other !== kind && !mayShareEip(natKind(other), natKind(kind)));

/**
 * The oldest rule of another kind that holds this rule's EIP against it (a floating IP older than a port DNAT on it,
 * or the reverse), worded as the gateway refuses it (nat-identity.ts eipShareMessage); Kube-OVN's webhook refuses the
 * pair once the EIP has its address, admission warns before that.
 */
function eipRival(kind: RuleKind, rule: KubeObject, view: ClusterView): string | undefined {
  const eip = eipNameOf(rule);
  for (const other of eipRivalKinds(kind)) {
    const rival = view
      .list(other)
      .filter((o) => eipNameOf(o) === eip && !o.metadata.deletionTimestamp && isOlder(o, rule))
      .sort(older)[0];
    if (rival)
      return eipShareMessage({ kind: natKind(other), name: rival.metadata.name ?? '' }, natKind(kind), eip);
  }
  return undefined;
}

/** Why this rule cannot have its EIP (an older rule holds what it asks for), or undefined. */
export function ruleConflict(kind: RuleKind, rule: KubeObject, view: ClusterView): string | undefined {
  const shared = eipRival(kind, rule, view);
  if (shared) return shared;
  if (kind === 'IptablesDnatRule') return dnatConflict(rule, view);
  const eip = eipNameOf(rule);
  const rival = rulesWithIdentity(kind, rule, view).find(
    (o) => o.metadata.name !== rule.metadata.name && !o.metadata.deletionTimestamp && isOlder(o, rule),
  );
  if (!rival) return undefined;
  const name = rival.metadata.name ?? '';
  if (kind === 'IptablesFIPRule') return `eip ${eip} is used by the other fip ${name}`;
  return `duplicate: snat ${name} already translates ${normalCidr(specOf(rule)['internalCIDR'])} to eip ${eip}`;
}
