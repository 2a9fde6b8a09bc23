/**
 * What the gateway agent reads, as informers over any Kubernetes API server: the NAT kinds (VpcNatGateway,
 * IptablesEIP, the DNAT/SNAT/FIP rules), Subnets (the external network's gateway and CIDR, the VPC's subnets),
 * Pods (the gateway pods and their allocation annotations; `podFieldSelector` narrows them, e.g. to one pod) and the
 * one ConfigMap `ovn-vpc-nat-config` in the controller namespace (its `natBackend`).
 */
import { CONTROLLER_NAMESPACE, NAT_GW_CONFIG } from '../api/constants.ts';
import type { IptablesEip } from '../api/kinds/iptables-eip.ts';
import type { Dnat, Fip, Snat } from '../api/kinds/nat-rules.ts';
import type { Subnet } from '../api/kinds/subnet-schema.ts';
import type { VpcNatGateway } from '../api/kinds/vpc-nat-gateway.ts';
import type { KubeObject } from '../api/types.ts';
import { kindInformer, type KindInformerOptions } from '../kube/informer-kind.ts';
import { KubeInformer } from '../kube/informer-kube.ts';
import { kindInfo } from '../kube/resources.ts';

export interface GatewaySources {
  gateways: KubeInformer<VpcNatGateway>;
  eips: KubeInformer<IptablesEip>;
  dnats: KubeInformer<Dnat>;
  snats: KubeInformer<Snat>;
  fips: KubeInformer<Fip>;
  subnets: KubeInformer<Subnet>;
  pods: KubeInformer<KubeObject>;
  natConfig: KubeInformer<KubeObject>;
}

export function gatewaySources(options: KindInformerOptions, podFieldSelector?: string): GatewaySources {
  return {
    gateways: kindInformer<VpcNatGateway>('VpcNatGateway', options),
    eips: kindInformer<IptablesEip>('IptablesEIP', options),
    dnats: kindInformer<Dnat>('IptablesDnatRule', options),
    snats: kindInformer<Snat>('IptablesSnatRule', options),
    fips: kindInformer<Fip>('IptablesFIPRule', options),
    subnets: kindInformer<Subnet>('Subnet', options),
    pods: kindInformer('Pod', {
      ...options,
      ...(podFieldSelector === undefined ? {} : { fieldSelector: podFieldSelector }),
    }),
    natConfig: new KubeInformer<KubeObject>({
      kubeConfig: options.kubeConfig,
      resource: kindInfo('ConfigMap'),
      namespace: CONTROLLER_NAMESPACE,
      fieldSelector: `metadata.name=${NAT_GW_CONFIG}`,
      clock: options.clock,
      onError: (err) => options.log.warn({ err, kind: 'ConfigMap' }, 'informer list/watch failed; retrying'),
    }),
  };
}
