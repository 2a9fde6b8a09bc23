/**
 * The Service, SwitchLBRule and VpcDns reconcilers (issue #8; VpcDns with the one of ConfigMap vpc-dns-config) and
 * the kinds their informers must cache. They write Kubernetes objects beyond status (a rule's Service, a VpcDns's
 * Deployment), so they run only with an applier.
 */
import type { Reconciler } from '../../kube/reconciler.ts';
import type { NetworkDeps } from '../reconcilers/deps.ts';
import { vpcDnsReconcilers, type VpcDnsOptions } from '../vpc-dns/reconciler.ts';
import type { ObjectApplier } from '../../kube/applier.ts';
import { serviceReconciler } from './service-reconciler.ts';
import { switchLbRuleReconciler } from './slr-reconciler.ts';

export const SERVICE_KINDS = [
  'Service',
  'Endpoints',
  'SwitchLBRule',
  'VpcDns',
  'ConfigMap',
  'Deployment',
  'NetworkAttachmentDefinition',
] as const;

export function serviceReconcilers(
  deps: NetworkDeps,
  applier: ObjectApplier,
  options: VpcDnsOptions = {},
): Reconciler[] {
  return [
    serviceReconciler(deps),
    switchLbRuleReconciler(deps, applier),
    ...vpcDnsReconcilers(deps, applier, options),
  ];
}
