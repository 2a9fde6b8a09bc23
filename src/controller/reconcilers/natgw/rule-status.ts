/**
 * Pure pieces of the NAT statuses: the label changes to write, an EIP's `nat` field (kinds of the rules using it,
 * always in `dnat,fip,snat` order), the status fields a rule reports per kind (what is programmed: the EIP address,
 * the gateway, and copies of its spec), the `Ready` condition for the agent's verdict, and the cluster-state
 * conflicts Kube-OVN's controller checks: one floating IP per EIP, one DNAT per (EIP, external port, protocol)
 * unless both are `share`, one SNAT per (EIP, CIDR). Between two conflicting rules the older one (creation time,
 * then name) keeps the EIP; the newer is not ready, with the reason.
 */
import { formatCidr, parseCidrOrIp } from '../../../net/ip.ts';
import type { ClusterView, KubeObject } from '../../../api/types.ts';
import type { ConditionInput } from '../conditions.ts';
import type { AppliedVerdict } from './applied.ts';
import { SHORT_KIND, eipNameOf, type RuleKind } from './names.ts';
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
export const normalCidr = (text: string | undefined): string => {
  const cidr = parseCidrOrIp(text ?? '');
  return cidr ? formatCidr(cidr) : (text ?? '');
};

export function ruleStatusFields(kind: RuleKind, rule: KubeObject, v4ip: string, gateway: string) {
  const spec = specOf(rule);
  const base = { v4ip, natGwDp: gateway };
  switch (kind) {
    case 'IptablesDnatRule':
      return {
        ...base,
        protocol: (spec['protocol'] ?? '').toLowerCase(),
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

export function verdictCondition(verdict: AppliedVerdict, applied: string): ConditionInput {
  if (verdict.state === 'applied') return readyCondition(true, 'Applied', applied);
  if (verdict.state === 'failed') return readyCondition(false, 'ApplyFailed', verdict.reason);
  return readyCondition(false, 'Pending', verdict.reason);
}

const older = (a: KubeObject, b: KubeObject): boolean => {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb;
  return (a.metadata.name ?? '') < (b.metadata.name ?? '');
};

/** Same identity: a FIP's EIP; a DNAT's (EIP, external port, protocol); a SNAT's (EIP, CIDR). */
export function sameIdentity(kind: RuleKind, a: KubeObject, b: KubeObject): boolean {
  if (eipNameOf(a) !== eipNameOf(b)) return false;
  const x = specOf(a);
  const y = specOf(b);
  if (kind === 'IptablesDnatRule')
    return (
      x['externalPort'] === y['externalPort'] &&
      (x['protocol'] ?? '').toLowerCase() === (y['protocol'] ?? '').toLowerCase()
    );
  if (kind === 'IptablesSnatRule') return normalCidr(x['internalCIDR']) === normalCidr(y['internalCIDR']);
  return true;
}

/** Why this rule cannot have its EIP (an older rule holds what it asks for), or undefined. */
export function ruleConflict(kind: RuleKind, rule: KubeObject, view: ClusterView): string | undefined {
  const eip = eipNameOf(rule);
  const spec = specOf(rule);
  const rivals = view
    .list(kind)
    .filter(
      (o) =>
        o.metadata.name !== rule.metadata.name &&
        !o.metadata.deletionTimestamp &&
        sameIdentity(kind, o, rule) &&
        older(o, rule),
    );
  for (const other of rivals) {
    const name = other.metadata.name ?? '';
    if (kind === 'IptablesFIPRule') return `eip ${eip} is used by the other fip ${name}`;
    if (kind === 'IptablesDnatRule' && !(specOf(other)['type'] === 'share' && spec['type'] === 'share'))
      return `duplicate: eip ${eip}, external port ${spec['externalPort'] ?? ''}, protocol ${(spec['protocol'] ?? '').toLowerCase()} is used by dnat ${name}`;
    if (kind === 'IptablesSnatRule')
      return `duplicate: snat ${name} already translates ${normalCidr(spec['internalCIDR'])} to eip ${eip}`;
  }
  return undefined;
}
