/** Who uses an EIP: NAT rules found by their `spec.eip` (the name), which also works before the controller labels them. */
import type { ClusterView, KubeObject } from '../types.ts';

export const NAT_RULE_KINDS = ['IptablesDnatRule', 'IptablesFIPRule', 'IptablesSnatRule'] as const;
export type NatRuleKind = (typeof NAT_RULE_KINDS)[number];

export const eipOf = (rule: KubeObject): string => (rule.spec as { eip?: string } | undefined)?.eip ?? '';

/** Rules of `kind` using EIP `eip`, except the object named `except` (the one being admitted). */
export function rulesUsingEip(
  view: ClusterView,
  kind: NatRuleKind,
  eip: string,
  except?: string,
): KubeObject[] {
  return view
    .list(kind)
    .filter(
      (rule) => eipOf(rule) === eip && rule.metadata.name !== except && !rule.metadata.deletionTimestamp,
    )
    .map((rule) => ({ ...rule, kind }));
}
