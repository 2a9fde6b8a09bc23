/**
 * Whether a VpcDns can be deployed (the first checks of Kube-OVN's `handleAddOrUpdateVPCDNS`), as a reason and a
 * message naming the object and field, or undefined: the feature's ConfigMap names a valid `coredns-vip`; the VPC
 * exists; the subnet exists and belongs to that VPC; the Corefile ConfigMap (`spec.corefile` in kube-system) exists
 * with key `Corefile`; the NetworkAttachmentDefinition `default/<nad-name>` exists when one is named. Reads the
 * cache only.
 */
import type { VpcDnsConfig } from '../../api/kinds/configmaps.ts';
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { VpcDns } from '../../api/kinds/vpc-dns.ts';
import type { ClusterView } from '../../api/types.ts';
import { parseIp } from '../../net/ip.ts';
import { CONTROLLER_NAMESPACE, DEFAULT_VPC_DNS_COREFILE } from '../../api/constants.ts';

export interface Problem {
  reason: string;
  message: string;
}

/** Problems of the VpcDns itself (its VPC and subnet): such a VpcDns is not eligible to be the active one. */
export function objectProblem(dns: VpcDns, view: ClusterView, clusterRouter: string): Problem | undefined {
  const name = dns.metadata.name ?? '';
  const vpc = dns.spec?.vpc ?? '';
  const subnetName = dns.spec?.subnet ?? '';
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
