/**
 * What one VpcDns should be, decided from the cache (pure; reconciler.ts carries it out): gone (absent or deleting:
 * its workload goes); disabled (the feature's ConfigMap `kube-system/vpc-dns-config` is absent or says
 * `enable-vpc-dns: "false"`: kept, not active, with the NotEnabled problem; only the enabled -> disabled transition
 * deletes VpcDns, lifecycle.ts); inactive with a problem, warned about and retried when the
 * configuration or the VpcDns is broken (check.ts), quiet when another VpcDns of its VPC is the active one
 * (election.ts); or active, with the input its Deployment and SwitchLBRule are rendered from (render.ts) and its
 * Ready message.
 */
import type { VpcDnsConfig } from '../../api/kinds/configmaps.ts';
import { CONTROLLER_NAMESPACE } from '../../api/constants.ts';
import type { DefaultNetworkOptions } from '../../api/default-network.ts';
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { VpcDns } from '../../api/kinds/vpc-dns.ts';
import type { ClusterView } from '../../api/types.ts';
import { configProblem, objectProblem, vpcDnsEnablement, type Problem } from './check.ts';
import { electActive, peersOf } from './election.ts';
import { FALLBACK_COREDNS_IMAGE, type VpcDnsRenderInput } from './render.ts';

export type VpcDnsPlan =
  | { kind: 'gone' }
  | { kind: 'disabled'; dns: VpcDns; configMap: 'absent' | 'enable-vpc-dns=false'; problem: Problem }
  | { kind: 'inactive'; dns: VpcDns; problem: Problem; warn: boolean }
  | { kind: 'active'; dns: VpcDns; render: VpcDnsRenderInput; message: string };

export interface VpcDnsPlanInput {
  name: string;
  view: ClusterView;
  network: Pick<DefaultNetworkOptions, 'clusterRouter' | 'defaultLs'>;
  /** The controller's own API server address, used without `k8s-service-host`. */
  apiServerHost?: string | undefined;
}

/** The image of the cluster's own CoreDNS (container `coredns` of Deployment `kube-system/coredns`), if any. */
function clusterImage(view: ClusterView): string | undefined {
  const coredns = view.get('Deployment', 'coredns', CONTROLLER_NAMESPACE) as
    { spec?: { template?: { spec?: { containers?: { name?: string; image?: string }[] } } } } | undefined;
  return coredns?.spec?.template?.spec?.containers?.find((c) => c.name === 'coredns')?.image;
}

export function planVpcDns(input: VpcDnsPlanInput): VpcDnsPlan {
  const { name, view } = input;
  const dns = view.get('VpcDns', name) as VpcDns | undefined;
  if (!dns || dns.metadata.deletionTimestamp) return { kind: 'gone' };
  const enablement = vpcDnsEnablement(view);
  if (!enablement.enabled) {
    const { configMap, problem } = enablement;
    return { kind: 'disabled', dns, configMap, problem };
  }
  const { config } = enablement;
  const clusterRouter = input.network.clusterRouter;
  const problem = configProblem(config, view) ?? objectProblem(dns, view, clusterRouter);
  if (problem) return { kind: 'inactive', dns, problem, warn: true };
  const vpc = dns.spec?.vpc ?? '';
  const eligible = peersOf(view.list('VpcDns') as VpcDns[], vpc).filter(
    (d) => !objectProblem(d, view, clusterRouter),
  );
  const winner = electActive(eligible);
  if (winner !== name) {
    const message = `vpc-dns ${winner ?? ''} is active in vpc ${vpc}: only one vpc-dns can be deployed in a vpc`;
    return { kind: 'inactive', dns, problem: { reason: 'AnotherActive', message }, warn: false };
  }
  return {
    kind: 'active',
    dns,
    render: renderInput(dns, config, input),
    message: `serving vpc ${vpc} at ${config.corednsVip} from subnet ${dns.spec?.subnet ?? ''}`,
  };
}

/** The image (`coredns-image`, else the cluster's CoreDNS, else the fallback) and the second NIC's route. */
function renderInput(dns: VpcDns, config: VpcDnsConfig, input: VpcDnsPlanInput): VpcDnsRenderInput {
  const { view, network } = input;
  const defaultSubnet = view.get('Subnet', network.defaultLs) as Subnet | undefined;
  const apiServerHost = config.k8sServiceHost || input.apiServerHost;
  return {
    dns,
    config,
    namespace: CONTROLLER_NAMESPACE,
    image: config.corednsImage || clusterImage(view) || FALLBACK_COREDNS_IMAGE,
    defaultSubnet: network.defaultLs,
    ...(apiServerHost ? { apiServerHost } : {}),
    ...(defaultSubnet?.spec?.gateway ? { defaultGateway: defaultSubnet.spec.gateway } : {}),
  };
}
