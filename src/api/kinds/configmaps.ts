/**
 * The ConfigMaps kovn reads, in the controller namespace: `ovn-vpc-nat-config`, `ovn-vpc-nat-gw-config` and
 * `vpc-dns-config`. Their keys are parsed here (with defaults) and checked at admission (Kube-OVN checks none): a
 * value no gateway or DNS pod could run with (a workload name prefix that is not a DNS label, an API server address
 * that is not one, a NAT rule backend kovn does not have) is refused; a value that turns a feature off or leaves it
 * waiting, which the objects of that feature then report, is a warning. Other ConfigMaps pass untouched.
 */
import {
  CONTROLLER_NAMESPACE,
  DEFAULT_NAT_GW_PREFIX,
  NAT_GW_CONFIG,
  NAT_GW_ENABLE_CONFIG,
  VPC_DNS_CONFIG,
} from '../constants.ts';
import { invalid, notSupported, warning } from '../issues.ts';
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

/** `natBackend` of ovn-vpc-nat-config (kovn's key; Kube-OVN has none): how gateways program their NAT rules. */
export const NAT_BACKEND_KEY = 'natBackend';
export const NAT_BACKENDS = ['auto', 'iptables', 'nftables'] as const;
export type NatBackendSetting = (typeof NAT_BACKENDS)[number];
/** Absent or empty: iptables, the layout Kube-OVN users read with `iptables -t nat -S` in the gateway. */
export const DEFAULT_NAT_BACKEND: NatBackendSetting = 'iptables';
const BACKEND_CHOICES = NAT_BACKENDS.map((b) => `"${b}"`).join(', ');

/** The gateways' NAT backend setting, or why the ConfigMap's value is not one (naming the ConfigMap and key). */
export function readNatBackend(
  cm: KubeObject | undefined,
): { ok: true; value: NatBackendSetting } | { ok: false; reason: string } {
  const value = cm ? dataOf(cm)[NAT_BACKEND_KEY] : undefined;
  if (!value) return { ok: true, value: DEFAULT_NAT_BACKEND };
  if ((NAT_BACKENDS as readonly string[]).includes(value))
    return { ok: true, value: value as NatBackendSetting };
  return {
    ok: false,
    reason: `ConfigMap ${CONTROLLER_NAMESPACE}/${NAT_GW_CONFIG}: data.${NAT_BACKEND_KEY}: ${JSON.stringify(value)} is not one of ${BACKEND_CHOICES}`,
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

/** A flag not written `true` or `false`: a warning saying how it is read. */
const bool = (d: Record<string, string>, key: string, readAs: string, issues: FieldIssue[]) => {
  const value = d[key];
  if (value !== undefined && value !== 'true' && value !== 'false')
    issues.push(warning(`data.${key}`, `${JSON.stringify(value)} is neither "true" nor "false": ${readAs}`));
};

function validateKnown(cm: KubeObject): FieldIssue[] {
  const d = dataOf(cm);
  const issues: FieldIssue[] = [];
  switch (cm.metadata.name) {
    case NAT_GW_CONFIG:
      if (!d['image'])
        issues.push(
          warning('data.image', 'no NAT gateway image: every NAT gateway object is refused until it is set'),
        );
      if (d['natGwNamePrefix'] && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(d['natGwNamePrefix'])) {
        issues.push(
          invalid(
            'data.natGwNamePrefix',
            d['natGwNamePrefix'],
            'must be a DNS label (lower case letters, digits and -)',
          ),
        );
      }
      if (!readNatBackend(cm).ok)
        issues.push(notSupported(`data.${NAT_BACKEND_KEY}`, d[NAT_BACKEND_KEY], NAT_BACKENDS));
      break;
    case NAT_GW_ENABLE_CONFIG:
      bool(d, 'enable-vpc-nat-gw', 'read as false: NAT gateway objects are refused', issues);
      break;
    case VPC_DNS_CONFIG: {
      bool(d, 'enable-vpc-dns', 'read as true (only "false" turns vpc-dns off)', issues);
      const vip = d['coredns-vip'];
      const inactive = 'every VpcDns stays inactive until it is set (reported in their status)';
      if (!vip) issues.push(warning('data.coredns-vip', `no VIP for the VPC DNS service: ${inactive}`));
      else if (!parseIp(vip))
        issues.push(warning('data.coredns-vip', `${JSON.stringify(vip)} is not an IP address: ${inactive}`));
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
