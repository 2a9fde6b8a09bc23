/**
 * Whether a VpcDns can be deployed (the checks of Kube-OVN's `handleAddOrUpdateVPCDNS`), as a reason and a message
 * naming the object and field, or undefined: vpc-dns is enabled (its ConfigMap exists and does not say
 * `enable-vpc-dns: "false"`); the ConfigMap names a valid `coredns-vip`; the VPC exists; the subnet exists and
 * belongs to that VPC; the Corefile ConfigMap (`spec.corefile` in kube-system) exists with key `Corefile`; the
 * NetworkAttachmentDefinition `default/<nad-name>` exists when one is named. Reads the cache only.
 */
import { parseVpcDnsConfig, type VpcDnsConfig } from '../../api/kinds/configmaps.ts';
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { VpcDns } from '../../api/kinds/vpc-dns.ts';
import type { ClusterView } from '../../api/types.ts';
import { parseIp } from '../../net/ip.ts';
import { CONTROLLER_NAMESPACE, DEFAULT_VPC_DNS_COREFILE, VPC_DNS_CONFIG } from '../../api/constants.ts';

export interface Problem {
  reason: string;
  message: string;
}

/** Kube-OVN's error while vpc-dns is not enabled (`handleAddOrUpdateVPCDNS`), the start of our message. */
export const NOT_ENABLED = 'failed to add or update vpc-dns, not enabled';

/** Whether vpc-dns is enabled (Kube-OVN's `enableCoreDNS`): with its configuration, or why not. */
export type VpcDnsEnablement =
  | { enabled: true; config: VpcDnsConfig }
  | { enabled: false; configMap: 'absent' | 'enable-vpc-dns=false'; problem: Problem };

/**
 * Reads `kube-system/vpc-dns-config` from the cache: vpc-dns is not enabled while it is absent or says
 * `enable-vpc-dns: "false"` (read by `parseVpcDnsConfig`; absent means true).
 */
export function vpcDnsEnablement(view: ClusterView): VpcDnsEnablement {
  const where = `ConfigMap ${CONTROLLER_NAMESPACE}/${VPC_DNS_CONFIG}`;
  const cm = view.get('ConfigMap', VPC_DNS_CONFIG, CONTROLLER_NAMESPACE);
  if (!cm) {
    const problem = { reason: 'NotEnabled', message: `${NOT_ENABLED}: ${where} not found` };
    return { enabled: false, configMap: 'absent', problem };
  }
  const config = parseVpcDnsConfig(cm);
  if (config.enabled) return { enabled: true, config };
  const value = JSON.stringify((cm['data'] as Record<string, string>)['enable-vpc-dns']);
  const problem = {
    reason: 'NotEnabled',
    message: `${NOT_ENABLED}: ${where} data.enable-vpc-dns is ${value}`,
  };
  return { enabled: false, configMap: 'enable-vpc-dns=false', problem };
}

/** Problems of the VpcDns itself (its VPC, subnet, replicas): such a VpcDns is not eligible to be the active one. */
export function objectProblem(dns: VpcDns, view: ClusterView, clusterRouter: string): Problem | undefined {
  const name = dns.metadata.name ?? '';
  const vpc = dns.spec?.vpc ?? '';
  const subnetName = dns.spec?.subnet ?? '';
  for (const [field, value] of [
    ['vpc', vpc],
    ['subnet', subnetName],
  ] as const) {
    if (!value) return { reason: 'SpecIncomplete', message: `VpcDns ${name} spec.${field}: required` };
  }
  if ((dns.spec?.replicas ?? 0) < 0) {
    return {
      reason: 'SpecInvalid',
      message: `VpcDns ${name} spec.replicas: ${dns.spec?.replicas} must not be negative`,
    };
  }
  if (!view.get('Vpc', vpc))
    return { reason: 'VpcNotFound', message: `VpcDns ${name} spec.vpc: vpc ${vpc} not found` };
  const subnet = view.get('Subnet', subnetName) as Subnet | undefined;
  if (!subnet)
    return {
      reason: 'SubnetNotFound',
      message: `VpcDns ${name} spec.subnet: subnet ${subnetName} not found`,
    };
  const subnetVpc = subnet.spec?.vpc || clusterRouter;
  if (subnetVpc !== vpc) {
    return {
      reason: 'SubnetNotInVpc',
      message: `VpcDns ${name} spec.subnet: subnet ${subnetName} belongs to vpc ${subnetVpc}, not ${vpc}`,
    };
  }
  const corefile = dns.spec?.corefile || DEFAULT_VPC_DNS_COREFILE;
  const cm = view.get('ConfigMap', corefile, CONTROLLER_NAMESPACE);
  if (!(cm?.['data'] as Record<string, string> | undefined)?.['Corefile']) {
    return {
      reason: 'CorefileNotFound',
      message: `VpcDns ${name} spec.corefile: ConfigMap ${CONTROLLER_NAMESPACE}/${corefile} ${cm ? 'has no key Corefile' : 'not found'}`,
    };
  }
  return undefined;
}

/** Problems of the feature's configuration, shared by every VpcDns. */
export function configProblem(config: VpcDnsConfig, view: ClusterView): Problem | undefined {
  if (!config.corednsVip) {
    return {
      reason: 'ConfigInvalid',
      message: 'ConfigMap kube-system/vpc-dns-config data.coredns-vip: required',
    };
  }
  if (!parseIp(config.corednsVip)) {
    return {
      reason: 'ConfigInvalid',
      message: `ConfigMap kube-system/vpc-dns-config data.coredns-vip: ${JSON.stringify(config.corednsVip)} is not an IP address`,
    };
  }
  if (config.nadName && !view.get('NetworkAttachmentDefinition', config.nadName, 'default')) {
    return {
      reason: 'NadNotFound',
      message: `ConfigMap kube-system/vpc-dns-config data.nad-name: NetworkAttachmentDefinition default/${config.nadName} not found`,
    };
  }
  return undefined;
}
