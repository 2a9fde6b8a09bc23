/**
 * The CNI result kovn-cni prints for the agent's answer (Kube-OVN's `generateCNIResult`): the pod interface (only
 * when we plumbed one), one IP config per family with its subnet's prefix length and, for the NIC with the default
 * route, its gateway; a default route per gateway unless the routes carry one for that family; then the routes the
 * agent returned. Rendered in the configuration's `cniVersion` (0.3.x/0.4.0 results name each IP's `version`).
 * Pure.
 */
import type { CniResponse } from './protocol.ts';
import {
  CniCode,
  CniError,
  versionAtLeast,
  type CniIpConfig,
  type CniResult,
  type CniRoute,
} from './spec.ts';
import {
  defaultDestination,
  isDefaultDestination,
  isV6,
  normaliseRoute,
  withPrefix,
} from '../pod-network.ts';

export function cniResult(response: CniResponse, cniVersion: string, netnsPath: string): CniResult {
  const ips = withPrefix(response.address, response.cidr);
  if (typeof ips === 'string')
    throw new CniError(CniCode.IoFailure, 'the node agent answered an unusable address', ips);
  const gateways = response.gateway
    .split(',')
    .map((g) => g.trim())
    .filter((g) => g !== '');
  const plumbed = response.nicname !== '';
  const legacy = !versionAtLeast(cniVersion, '1.0.0');
  const ipConfigs: CniIpConfig[] = ips.map((address) => {
    const gw = gateways.find((g) => isV6(g) === isV6(address));
    return {
      ...(legacy ? { version: isV6(address) ? ('6' as const) : ('4' as const) } : {}),
      address,
      ...(gw ? { gateway: gw } : {}),
      ...(plumbed ? { interface: 0 } : {}),
    };
  });
  const extra = (response.routes ?? []).map(normaliseRoute);
  const covered = new Set(extra.filter((r) => isDefaultDestination(r.dst)).map((r) => isV6(r.dst)));
  const routes: CniRoute[] = [
    ...gateways.filter((g) => !covered.has(isV6(g))).map((gw) => ({ dst: defaultDestination(gw), gw })),
    ...extra.map((r) => ({ dst: r.dst, ...(r.gw ? { gw: r.gw } : {}) })),
  ];
  return {
    cniVersion,
    ...(plumbed
      ? {
          interfaces: [
            {
              name: response.nicname,
              ...(response.mac_address ? { mac: response.mac_address } : {}),
              sandbox: netnsPath,
            },
          ],
        }
      : {}),
    ips: ipConfigs,
    ...(routes.length ? { routes } : {}),
    dns: {},
  };
}
