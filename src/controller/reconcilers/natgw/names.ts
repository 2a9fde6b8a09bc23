/**
 * The names the NAT-gateway reconcilers share (the workload and container names, our template-hash annotation; the
 * labels and annotations shared with Kube-OVN and the gateway agent are in src/api/annotations.ts), and small lookups
 * over the informer view: a gateway's workload name and namespace, its pod, an EIP's external subnet, the rules that
 * name an EIP.
 */
import { CONTROLLER_NAMESPACE, DEFAULT_NAT_GW_PREFIX, NAT_GW_CONFIG } from '../../../api/constants.ts';
import { eipExternalSubnet, type IptablesEip } from '../../../api/kinds/iptables-eip.ts';
import { natGatewayExternalSubnets, type VpcNatGateway } from '../../../api/kinds/vpc-nat-gateway.ts';
import type { ClusterView, KubeObject } from '../../../api/types.ts';
import { ANNOTATION_VPC_NAT_GW } from '../../../api/annotations.ts';

export const NAT_GW_CONTAINER = 'vpc-nat-gw';

export const RULE_KINDS = ['IptablesDnatRule', 'IptablesSnatRule', 'IptablesFIPRule'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
/** The short kind the agent's report uses. */
export const SHORT_KIND: Record<RuleKind | 'IptablesEIP', 'dnat' | 'snat' | 'fip' | 'eip'> = {
  IptablesDnatRule: 'dnat',
  IptablesSnatRule: 'snat',
  IptablesFIPRule: 'fip',
  IptablesEIP: 'eip',
};

const configData = (view: ClusterView): Record<string, string> =>
  (view.get('ConfigMap', NAT_GW_CONFIG, CONTROLLER_NAMESPACE)?.['data'] as
    Record<string, string> | undefined) ?? {};

export const workloadName = (view: ClusterView, gateway: string): string =>
  `${configData(view)['natGwNamePrefix'] || DEFAULT_NAT_GW_PREFIX}-${gateway}`;

export const workloadNamespace = (gw: VpcNatGateway | undefined): string =>
  gw?.spec?.namespace || CONTROLLER_NAMESPACE;

/** The gateway's (only, non-HA) pod: `<workload>-0`. */
export function gatewayPod(view: ClusterView, gateway: string): KubeObject | undefined {
  const gw = view.get('VpcNatGateway', gateway) as VpcNatGateway | undefined;
  return view.get('Pod', `${workloadName(view, gateway)}-0`, workloadNamespace(gw));
}

/** The EIP's external subnet: its own field, else its gateway's first external subnet (api/kinds/iptables-eip.ts). */
export const externalSubnetOf = (eip: IptablesEip, view: ClusterView): string =>
  eipExternalSubnet(eip, view.get('VpcNatGateway', eip.spec?.natGwDp ?? ''));

/** The gateway's external subnets in NIC order (api/kinds/vpc-nat-gateway.ts). */
export const externalSubnetNames = (gw: VpcNatGateway): string[] => natGatewayExternalSubnets(gw);

export const eipNameOf = (rule: KubeObject): string => (rule.spec as { eip?: string } | undefined)?.eip ?? '';

/** Live (not deleting) rules of every kind naming the EIP, kinds in Kube-OVN's `dnat,fip,snat` order. */
export function rulesOfEip(view: ClusterView, eip: string): KubeObject[] {
  return (['IptablesDnatRule', 'IptablesFIPRule', 'IptablesSnatRule'] as const).flatMap((kind) =>
    view
      .list(kind)
      .filter((r) => eipNameOf(r) === eip && !r.metadata.deletionTimestamp)
      .map((r) => ({ ...r, kind }))
      .sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1)),
  );
}

/** The gateway a pod belongs to (its `vpc_nat_gw` annotation), if it is a NAT gateway pod. */
export const gatewayOfPod = (pod: KubeObject): string | undefined =>
  pod.metadata.annotations?.[ANNOTATION_VPC_NAT_GW] || undefined;

/**
 * EIP addresses recorded in their status (`ip`, `v6ip`; an EIP allocated before kovn wrote `status.v6ip` has its
 * IPv6 address in `spec.v6ip` only), for the IPAM rebuild at start (owner = the EIP name).
 */
export function recordedEips(
  view: ClusterView,
): { subnet: string; owner: string; ips: string; mac?: string }[] {
  return (view.list('IptablesEIP') as IptablesEip[]).flatMap((eip) =>
    eip.status?.ip || eip.status?.v6ip
      ? [
          {
            subnet: externalSubnetOf(eip, view),
            owner: eip.metadata.name ?? '',
            ips: [eip.status.ip, eip.status.v6ip || eip.spec?.v6ip].filter(Boolean).join(','),
            ...(eip.spec?.macAddress ? { mac: eip.spec.macAddress } : {}),
          },
        ]
      : [],
  );
}
