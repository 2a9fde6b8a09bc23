/**
 * The kubeovn.io/v1 resource types and their admission, as one list that the API server, the CRD generator,
 * the controller and `kovn validate` all read.
 */
import type { KindAdmission, KubeObject, ResourceType } from './types.ts';
import { vpcAdmission, vpcType } from './kinds/vpc.ts';
import { subnetAdmission, subnetType } from './kinds/subnet.ts';
import { vpcNatGatewayAdmission, vpcNatGatewayType } from './kinds/vpc-nat-gateway.ts';
import { iptablesEipAdmission, iptablesEipType } from './kinds/iptables-eip.ts';
import { dnatType, fipType, snatType } from './kinds/nat-rules.ts';
import { dnatAdmission, fipAdmission, snatAdmission } from './kinds/nat-rule-admission.ts';
import { vpcDnsAdmission, vpcDnsType } from './kinds/vpc-dns.ts';
import { switchLbRuleAdmission, switchLbRuleType } from './kinds/switch-lb-rule.ts';
import { ipAdmission, ipType } from './kinds/ip.ts';
import { configMapAdmission } from './kinds/configmaps.ts';
import { podAdmission } from './kinds/pod.ts';
import { networkPolicyAdmission } from './kinds/network-policy-validate.ts';

export const kubeovnResourceTypes: readonly ResourceType[] = [
  vpcType,
  subnetType,
  vpcNatGatewayType,
  iptablesEipType,
  dnatType,
  snatType,
  fipType,
  vpcDnsType,
  switchLbRuleType,
  ipType,
];

const admissions = new Map<string, KindAdmission<KubeObject>>([
  ['Vpc', vpcAdmission],
  ['Subnet', subnetAdmission],
  ['VpcNatGateway', vpcNatGatewayAdmission],
  ['IptablesEIP', iptablesEipAdmission],
  ['IptablesDnatRule', dnatAdmission],
  ['IptablesSnatRule', snatAdmission],
  ['IptablesFIPRule', fipAdmission],
  ['VpcDns', vpcDnsAdmission],
  ['SwitchLBRule', switchLbRuleAdmission],
  ['IP', ipAdmission],
  ['ConfigMap', configMapAdmission],
  ['Pod', podAdmission],
  ['NetworkPolicy', networkPolicyAdmission],
]);

/** Admission for a kind (kubeovn.io kinds, and built-in kinds with rules: ConfigMap, Pod, NetworkPolicy), if any. */
export function admissionFor(kind: string): KindAdmission | undefined {
  return admissions.get(kind);
}

/** The kubeovn.io type of a kind, if it is one of ours. */
export const kubeovnTypeOf = (kind: string): ResourceType | undefined =>
  kubeovnResourceTypes.find((t) => t.kind === kind);
