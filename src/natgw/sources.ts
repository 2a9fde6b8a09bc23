/**
 * What the gateway agent reads, as informers over any Kubernetes API server: the NAT kinds (VpcNatGateway,
 * IptablesEIP, the DNAT/SNAT/FIP rules), Subnets (the external network's gateway and CIDR, the VPC's subnets) and
 * Pods (the gateway pods and their allocation annotations).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { IptablesEip } from '../api/kinds/iptables-eip.ts';
import type { Dnat, Fip, Snat } from '../api/kinds/nat-rules.ts';
import type { Subnet } from '../api/kinds/subnet-schema.ts';
import type { VpcNatGateway } from '../api/kinds/vpc-nat-gateway.ts';
import type { KubeObject } from '../api/types.ts';
import { KubeInformer, type ResourceRef } from '../kube/informer-kube.ts';
import type { Clock } from '../util/clock.ts';

const kube = (plural: string, kind: string): ResourceRef => ({
  group: 'kubeovn.io',
  version: 'v1',
  plural,
  kind,
});

export interface GatewaySources {
  gateways: KubeInformer<VpcNatGateway>;
  eips: KubeInformer<IptablesEip>;
  dnats: KubeInformer<Dnat>;
  snats: KubeInformer<Snat>;
  fips: KubeInformer<Fip>;
  subnets: KubeInformer<Subnet>;
  pods: KubeInformer<KubeObject>;
}

export function gatewaySources(kubeConfig: KubeConfig, clock: Clock, log: Logger): GatewaySources {
  const informer = <T extends KubeObject>(resource: ResourceRef) =>
    new KubeInformer<T>({
      kubeConfig,
      resource,
      clock,
      onError: (err) => log.warn({ err, kind: resource.kind }, 'gateway agent: list/watch failed, retrying'),
    });
  return {
    gateways: informer<VpcNatGateway>(kube('vpc-nat-gateways', 'VpcNatGateway')),
    eips: informer<IptablesEip>(kube('iptables-eips', 'IptablesEIP')),
    dnats: informer<Dnat>(kube('iptables-dnat-rules', 'IptablesDnatRule')),
    snats: informer<Snat>(kube('iptables-snat-rules', 'IptablesSnatRule')),
    fips: informer<Fip>(kube('iptables-fip-rules', 'IptablesFIPRule')),
    subnets: informer<Subnet>(kube('subnets', 'Subnet')),
    pods: informer<KubeObject>({ group: '', version: 'v1', plural: 'pods', kind: 'Pod' }),
  };
}

const all = (s: GatewaySources): KubeInformer[] => Object.values(s) as KubeInformer[];
export const startSources = async (s: GatewaySources): Promise<void> => {
  await Promise.all(all(s).map((i) => i.start()));
};
export const stopSources = async (s: GatewaySources): Promise<void> => {
  await Promise.all(all(s).map((i) => i.stop()));
};
