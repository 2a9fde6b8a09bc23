/**
 * What a pod's annotations say about one of its networks (one provider), as the CNI server reads them (Kube-OVN's
 * `handleAdd`): whether the controller is done (`allocated`, and `routed` for the NIC that carries the default route
 * of an OVN network), the addresses paired with their subnet's prefix length per family, the gateways, the MAC, the
 * extra routes (`<provider>.kubernetes.io/routes` plus the CNI config's own), and whether this NIC takes the default
 * route (`default_route` annotation, else only `eth0`). Pure.
 */
import type { NicRoute } from './nic-types.ts';
import { annotationKey } from '../api/annotations.ts';
import { isOvnProvider } from '../api/constants.ts';
import { parseCidrBlock } from '../net/cidr-block.ts';

export interface PodNetwork {
  provider: string;
  /** Addresses with the subnet's prefix length, one per family, e.g. `10.0.1.2/24`. */
  ips: string[];
  /** The annotations as written (comma lists for dual stack). */
  ipAddress: string;
  cidr: string;
  gateway: string;
  /** Gateways, one per family, in the order of `ips`. */
  gateways: string[];
  mac: string;
  logicalSwitch: string;
  defaultRoute: boolean;
  /** Extra routes: the CNI config's, then the annotation's (a `dst` of `''` is normalised to the default route). */
  routes: NicRoute[];
}

export type PodNetworkState =
  | { kind: 'ready'; network: PodNetwork }
  /** The controller has not finished; ask again later. */
  | { kind: 'wait'; reason: string }
  /** The annotations are there but unusable. */
  | { kind: 'invalid'; reason: string };

export const isV6 = (addr: string): boolean => addr.includes(':');
const split = (list: string | undefined): string[] =>
  (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** `0.0.0.0/0` or `::/0`, by the family of `addr`. */
export const defaultDestination = (addr: string): string => (isV6(addr) ? '::/0' : '0.0.0.0/0');
export const isDefaultDestination = (dst: string): boolean =>
  dst === '' || dst === 'default' || /\/0$/.test(dst);

/** Pairs each address with the prefix length of the CIDR of its family (`GetIPAddrWithMask`). */
export function withPrefix(ipAddress: string, cidr: string): string[] | string {
  const block = parseCidrBlock(cidr);
  const out: string[] = [];
  for (const ip of split(ipAddress)) {
    const family = isV6(ip) ? block.v6 : block.v4;
    if (!family) return `address ${ip} has no ${isV6(ip) ? 'IPv6' : 'IPv4'} CIDR in ${JSON.stringify(cidr)}`;
    out.push(`${ip}/${family.cidr.prefix}`);
  }
  return out.length ? out : `no address in ${JSON.stringify(ipAddress)}`;
}

/** Parses a routes list (`[{"dst": "...", "gw": "..."}]`); a missing `dst` means the default route. */
export function parseRoutes(text: string | undefined): NicRoute[] | string {
  if (text === undefined || text.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `routes are not JSON: ${(err as Error).message}`;
  }
  if (!Array.isArray(value)) return 'routes must be a JSON list of {"dst", "gw"}';
  const out: NicRoute[] = [];
  for (const item of value as unknown[]) {
    if (typeof item !== 'object' || item === null) return 'routes must be a JSON list of {"dst", "gw"}';
    const { dst, gw } = item as { dst?: unknown; gw?: unknown };
    if ((dst !== undefined && typeof dst !== 'string') || (gw !== undefined && typeof gw !== 'string'))
      return `route ${JSON.stringify(item)}: dst and gw must be strings`;
    out.push(normaliseRoute({ dst: dst ?? '', ...(gw ? { gw } : {}) }));
  }
  return out;
}

/** `''`/`default` become the family's default destination (decided by the gateway). */
export function normaliseRoute(route: NicRoute): NicRoute {
  if (route.dst !== '' && route.dst !== 'default') return route;
  return { ...route, dst: defaultDestination(route.gw ?? '') };
}

/** Does this NIC take the pod's default route? (`default_route` annotation, else only `eth0`.) */
export function takesDefaultRoute(
  annotations: Readonly<Record<string, string>>,
  provider: string,
  ifname: string,
): boolean {
  const v = annotations[annotationKey(provider, 'default_route')];
  return v === 'true' ? true : v === 'false' ? false : ifname === 'eth0';
}

/** Reads the network of `provider` from a pod's annotations, for the NIC `ifname`. */
export function podNetwork(
  annotations: Readonly<Record<string, string>>,
  provider: string,
  ifname: string,
  confRoutes: readonly NicRoute[] = [],
): PodNetworkState {
  const get = (key: Parameters<typeof annotationKey>[1]): string =>
    annotations[annotationKey(provider, key)] ?? '';
  if (get('allocated') !== 'true')
    return { kind: 'wait', reason: `no address allocated for provider ${provider} yet` };
  const ipAddress = get('ip_address');
  const cidr = get('cidr');
  const mac = get('mac_address');
  const ovn = isOvnProvider(provider);
  if (!ipAddress || !cidr)
    return { kind: 'wait', reason: `${annotationKey(provider, 'ip_address')} or cidr is not set yet` };
  if (ovn && !mac)
    return { kind: 'wait', reason: `${annotationKey(provider, 'mac_address')} is not set yet` };
  const defaultRoute = takesDefaultRoute(annotations, provider, ifname);
  if (ovn && defaultRoute && get('routed') !== 'true')
    return {
      kind: 'wait',
      reason: `the routes of provider ${provider} are not ready yet (no ${annotationKey(provider, 'routed')})`,
    };
  const ips = withPrefix(ipAddress, cidr);
  if (typeof ips === 'string') return { kind: 'invalid', reason: ips };
  const routes = parseRoutes(annotations[annotationKey(provider, 'routes')]);
  if (typeof routes === 'string')
    return { kind: 'invalid', reason: `${annotationKey(provider, 'routes')}: ${routes}` };
  const gwList = split(get('gateway'));
  const gateways = ips
    .map((ip) => gwList.find((gw) => isV6(gw) === isV6(ip)))
    .filter((gw): gw is string => gw !== undefined);
  return {
    kind: 'ready',
    network: {
      provider,
      ips,
      ipAddress,
      cidr,
      gateway: get('gateway'),
      gateways,
      mac,
      logicalSwitch: get('logical_switch'),
      defaultRoute,
      routes: [...confRoutes.map(normaliseRoute), ...routes],
    },
  };
}
