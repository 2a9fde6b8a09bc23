/**
 * What an active VpcDns becomes in a cluster (Kube-OVN's pkg/controller/vpc_dns.go), pure: the CoreDNS Deployment
 * `vpc-dns-<name>` in the controller namespace, as Kube-OVN's compiled-in template renders it (two replicas unless
 * `spec.replicas`, the Corefile ConfigMap mounted at /etc/coredns, ports dns 53/UDP, dns-tcp 53/TCP, metrics
 * 9153/TCP), with the pod annotations that put the primary NIC in the VPC subnet and a second NIC through the NAD on
 * `ovn-default` with a route to the API server; and the SwitchLBRule `vpc-dns-<name>` that puts `coredns-vip` in
 * front of it.
 */
import type { VpcDnsConfig } from '../../api/kinds/configmaps.ts';
import type { SwitchLbRule } from '../../api/kinds/switch-lb-rule.ts';
import type { VpcDns } from '../../api/kinds/vpc-dns.ts';
import type { KubeObject } from '../../api/types.ts';
import { API_VERSION, DEFAULT_VPC_DNS_COREFILE } from '../../api/constants.ts';
import {
  ANNOTATION_LOGICAL_SWITCH,
  ANNOTATION_NETWORKS,
  LABEL_VPC_DNS,
  annotationKey,
} from '../../api/annotations.ts';
import { bits, parseCidrOrIp, parseIp } from '../../net/ip.ts';

export const DEFAULT_REPLICAS = 2;
/** Used when neither `coredns-image` nor the cluster's own CoreDNS Deployment names an image (the lab has neither). */
export const FALLBACK_COREDNS_IMAGE = 'registry.k8s.io/coredns/coredns:v1.11.3';

const WORKLOAD_PREFIX = 'vpc-dns-';
export const vpcDnsWorkloadName = (name: string): string => `${WORKLOAD_PREFIX}${name}`;
/** The VpcDns whose workload (Deployment, SwitchLBRule) this is, when the name is `vpc-dns-<name>`. */
export const vpcDnsOfWorkload = (workload: string | undefined): string | undefined =>
  workload?.startsWith(WORKLOAD_PREFIX) ? workload.slice(WORKLOAD_PREFIX.length) : undefined;

export interface VpcDnsRenderInput {
  dns: VpcDns;
  config: VpcDnsConfig;
  /** The controller namespace (kube-system). */
  namespace: string;
  image: string;
  /** The API server address the second NIC routes to (`k8s-service-host`, else the controller's own). */
  apiServerHost?: string;
  /** The gateways of `ovn-default` (`spec.gateway`, one per family); the one of the host's family is the route's next hop. */
  defaultGateway?: string;
  defaultSubnet: string;
}

function ownerReference(dns: VpcDns): Record<string, unknown> {
  return {
    apiVersion: API_VERSION,
    kind: 'VpcDns',
    name: dns.metadata.name ?? '',
    uid: dns.metadata.uid ?? '',
  };
}

function podAnnotations(input: VpcDnsRenderInput): Record<string, string> {
  const { config, dns } = input;
  const out: Record<string, string> = { [ANNOTATION_LOGICAL_SWITCH]: dns.spec?.subnet ?? '' };
  if (config.nadName) out[ANNOTATION_NETWORKS] = `default/${config.nadName}`;
  if (config.nadProvider) {
    out[annotationKey(config.nadProvider, 'logical_switch')] = input.defaultSubnet;
    const route = apiServerRoute(input.apiServerHost, input.defaultGateway);
    if (route) out[annotationKey(config.nadProvider, 'routes')] = JSON.stringify([route]);
  }
  return out;
}

/**
 * The second NIC's route to the API server, as Kube-OVN's setVpcDNSRoute: the host as a /32 or /128 unless it already
 * has a prefix, through the `ovn-default` gateway of the host's family (none when that family has no gateway).
 */
export function apiServerRoute(host?: string, gateways?: string): { dst: string; gw: string } | undefined {
  if (!host || !gateways) return undefined;
  const family = parseCidrOrIp(host)?.family;
  if (!family) return undefined;
  const gw = gateways.split(',').find((g) => parseIp(g.trim())?.family === family);
  if (!gw) return undefined;
  return { dst: host.includes('/') ? host : `${host}/${bits(family)}`, gw: gw.trim() };
}

export function vpcDnsDeployment(input: VpcDnsRenderInput): KubeObject {
  const { dns, config } = input;
  const name = vpcDnsWorkloadName(dns.metadata.name ?? '');
  const env = [
    ...(config.k8sServiceHost ? [{ name: 'KUBERNETES_SERVICE_HOST', value: config.k8sServiceHost }] : []),
    ...(config.k8sServicePort ? [{ name: 'KUBERNETES_SERVICE_PORT', value: config.k8sServicePort }] : []),
  ];
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace: input.namespace,
      // Kube-OVN replaces the template's labels with this one; the pods keep `k8s-app`.
      labels: { [LABEL_VPC_DNS]: 'true' },
      ownerReferences: [ownerReference(dns) as never],
    },
    spec: {
      replicas: dns.spec?.replicas || DEFAULT_REPLICAS,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      selector: { matchLabels: { 'k8s-app': name } },
      template: {
        metadata: { labels: { 'k8s-app': name }, annotations: podAnnotations(input) },
        spec: {
          priorityClassName: 'system-cluster-critical',
          serviceAccountName: 'vpc-dns',
          automountServiceAccountToken: true,
          tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }],
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  podAffinityTerm: {
                    labelSelector: { matchExpressions: [{ key: 'k8s-app', operator: 'In', values: [name] }] },
                    topologyKey: 'kubernetes.io/hostname',
                  },
                },
              ],
            },
          },
          securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'coredns',
              image: input.image,
              imagePullPolicy: 'IfNotPresent',
              resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
              args: ['-conf', '/etc/coredns/Corefile'],
              ...(env.length ? { env } : {}),
              volumeMounts: [{ name: 'config-volume', mountPath: '/etc/coredns', readOnly: true }],
              ports: [
                { containerPort: 53, name: 'dns', protocol: 'UDP' },
                { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
                { containerPort: 9153, name: 'metrics', protocol: 'TCP' },
              ],
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
                readOnlyRootFilesystem: true,
              },
            },
          ],
          dnsPolicy: 'Default',
          volumes: [
            {
              name: 'config-volume',
              configMap: {
                name: dns.spec?.corefile || DEFAULT_VPC_DNS_COREFILE,
                items: [{ key: 'Corefile', path: 'Corefile' }],
              },
            },
          ],
        },
      },
    },
  };
}

export function vpcDnsSwitchLbRule(input: VpcDnsRenderInput): SwitchLbRule {
  const name = vpcDnsWorkloadName(input.dns.metadata.name ?? '');
  return {
    apiVersion: API_VERSION,
    kind: 'SwitchLBRule',
    metadata: {
      name,
      labels: { [LABEL_VPC_DNS]: 'true' },
      ownerReferences: [ownerReference(input.dns) as never],
    },
    spec: {
      vip: input.config.corednsVip,
      namespace: input.namespace,
      selector: [`k8s-app:${name}`],
      ports: [
        // No targetPort, as Kube-OVN's genVpcDNSSlr: it defaults to the port.
        { name: 'dns', port: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53, protocol: 'TCP' },
        { name: 'metrics', port: 9153, protocol: 'TCP' },
      ],
    },
  };
}
