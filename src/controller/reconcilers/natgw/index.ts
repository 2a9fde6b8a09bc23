/**
 * The VPC NAT gateway reconcilers (VpcNatGateway, IptablesEIP, IptablesDnatRule/SnatRule/FIPRule) and the kinds
 * their informers must cache. The gateway pod's rules are applied by the gateway agent (src/natgw), which reports
 * in `kovn.io/nat-applied`; these reconcilers own every status.
 */
import type { Reconciler } from '../../../kube/reconciler.ts';
import type { NetworkDeps } from '../deps.ts';
import { eipReconciler } from './eip.ts';
import { gatewayReconciler } from './gateway.ts';
import { RULE_KINDS } from './names.ts';
import { ruleReconciler } from './rule.ts';

export const NAT_KINDS = ['VpcNatGateway', 'IptablesEIP', ...RULE_KINDS, 'StatefulSet', 'ConfigMap'] as const;

export function natReconcilers(deps: NetworkDeps): Reconciler[] {
  return [
    gatewayReconciler(deps),
    eipReconciler(deps),
    ...RULE_KINDS.map((kind) => ruleReconciler(deps, kind)),
  ];
}
