/**
 * Kubernetes' and Kube-OVN's comma-separated values (`spec.gateway: 10.0.0.1,fd00::1`, the
 * `ovn.kubernetes.io/ip_address` annotation): the items, trimmed, empty ones dropped. Pure.
 */
export const commaList = (text: string | undefined): string[] =>
  (text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
