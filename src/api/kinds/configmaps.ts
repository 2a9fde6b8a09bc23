/**
 * The ConfigMaps kovn reads, in the controller namespace: `ovn-vpc-nat-config`, `ovn-vpc-nat-gw-config` and
 * `vpc-dns-config`. Their keys are parsed here (with defaults) and checked at admission, so a typo is an error
 * at `kubectl apply` time instead of a gateway that silently never starts. Other ConfigMaps pass untouched.
 */
import {
  CONTROLLER_NAMESPACE,
  DEFAULT_NAT_GW_PREFIX,
  NAT_GW_CONFIG,
  NAT_GW_ENABLE_CONFIG,
  VPC_DNS_CONFIG,
} from '../constants.ts';
import { invalid, required } from '../issues.ts';
import { parseIp } from '../../net/ip.ts';
import type { FieldIssue, KindAdmission, KubeObject } from '../types.ts';

export interface NatGwConfig {
  image: string;
  natGwNamePrefix: string;
  bgpSpeakerImage?: string;
  apiNadProvider?: string;
}

export interface VpcDnsConfig {
  corednsVip: string;
  enabled: boolean;
  nadName?: string;
  nadProvider?: string;
  corednsImage?: string;
  k8sServiceHost?: string;
  k8sServicePort?: string;
}

const dataOf = (cm: KubeObject): Record<string, string> =>
  (cm['data'] as Record<string, string> | undefined) ?? {};

export function parseNatGwConfig(cm: KubeObject): NatGwConfig {
  const d = dataOf(cm);
  return {
    image: d['image'] ?? '',
    natGwNamePrefix: d['natGwNamePrefix'] || DEFAULT_NAT_GW_PREFIX,
    ...(d['bgpSpeakerImage'] ? { bgpSpeakerImage: d['bgpSpeakerImage'] } : {}),
    ...(d['apiNadProvider'] ? { apiNadProvider: d['apiNadProvider'] } : {}),
  };
}

export const natGatewayEnabled = (cm: KubeObject | undefined): boolean =>
  !!cm && dataOf(cm)['enable-vpc-nat-gw'] === 'true';

export function parseVpcDnsConfig(cm: KubeObject): VpcDnsConfig {
  const d = dataOf(cm);
  const optional = (key: string, as: keyof VpcDnsConfig) => (d[key] ? { [as]: d[key] } : {});
  return {
    corednsVip: d['coredns-vip'] ?? '',
    enabled: (d['enable-vpc-dns'] ?? 'true') !== 'false',
    ...optional('nad-name', 'nadName'),
    ...optional('nad-provider', 'nadProvider'),
    ...optional('coredns-image', 'corednsImage'),
    ...optional('k8s-service-host', 'k8sServiceHost'),
    ...optional('k8s-service-port', 'k8sServicePort'),
  };
}

const bool = (d: Record<string, string>, key: string, issues: FieldIssue[]) => {
  const value = d[key];
  if (value !== undefined && value !== 'true' && value !== 'false')
    issues.push(invalid(`data.${key}`, value, 'must be "true" or "false"'));
};

function validateKnown(cm: KubeObject): FieldIssue[] {
  const d = dataOf(cm);
  const issues: FieldIssue[] = [];
  switch (cm.metadata.name) {
    case NAT_GW_CONFIG:
      if (!d['image']) issues.push(required('data.image', 'the NAT gateway image is required'));
      if (d['natGwNamePrefix'] && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(d['natGwNamePrefix'])) {
        issues.push(
          invalid(
            'data.natGwNamePrefix',
            d['natGwNamePrefix'],
            'must be a DNS label (lower case letters, digits and -)',
          ),
        );
      }
      break;
    case NAT_GW_ENABLE_CONFIG:
      bool(d, 'enable-vpc-nat-gw', issues);
      break;
    case VPC_DNS_CONFIG: {
      bool(d, 'enable-vpc-dns', issues);
      const vip = d['coredns-vip'];
      if (!vip) issues.push(required('data.coredns-vip', 'the VIP of the VPC DNS service is required'));
      else if (!parseIp(vip)) issues.push(invalid('data.coredns-vip', vip, 'not a valid IP address'));
      const host = d['k8s-service-host'];
      if (host && !parseIp(host))
        issues.push(invalid('data.k8s-service-host', host, 'not a valid IP address'));
      const port = d['k8s-service-port'];
      if (port && !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
        issues.push(invalid('data.k8s-service-port', port, 'must be a port number 1-65535'));
      }
      break;
    }
  }
  return issues;
}

export const configMapAdmission: KindAdmission = {
  validate({ operation, object }) {
    if (
      operation === 'DELETE' ||
      !object ||
      (object.metadata.namespace ?? 'default') !== CONTROLLER_NAMESPACE
    )
      return [];
    return validateKnown(object);
  },
};
