/**
 * The default network Kube-OVN creates at start: Vpc `ovn-cluster` with Subnets `ovn-default` (10.16.0.0/16, the
 * subnet of every namespace no custom VPC claims) and `join` (100.64.0.0/16, the nodes' `ovn0` ports). Names and CIDRs
 * come from options named after kube-ovn-controller's flags; the controller creates whichever is missing and never
 * changes existing objects (a user's edits win, as in Kube-OVN).
 */
import { API_VERSION, DEFAULT_SUBNET, DEFAULT_VPC, JOIN_SUBNET, OVN_PROVIDER } from './constants.ts';
import type { KubeObject } from './types.ts';

export interface DefaultNetworkOptions {
  /** `--cluster-router`: the default VPC and its logical router. */
  clusterRouter: string;
  /** `--default-ls`: the default subnet. */
  defaultLs: string;
  /** `--default-cidr`. */
  defaultCidr: string;
  /** `--default-gateway` (default: the first usable address). */
  defaultGateway?: string;
  /** `--default-exclude-ips`, comma-separated. */
  defaultExcludeIps?: string;
  /** `--node-switch`: the join subnet. */
  nodeSwitch: string;
  /** `--node-switch-cidr`. */
  nodeSwitchCidr: string;
  /** `--node-switch-gateway` (default: the first usable address). */
  nodeSwitchGateway?: string;
}

export const DEFAULT_NETWORK: Readonly<DefaultNetworkOptions> = {
  clusterRouter: DEFAULT_VPC,
  defaultLs: DEFAULT_SUBNET,
  defaultCidr: '10.16.0.0/16',
  nodeSwitch: JOIN_SUBNET,
  nodeSwitchCidr: '100.64.0.0/16',
};

const FLAGS: Record<string, keyof DefaultNetworkOptions> = {
  'cluster-router': 'clusterRouter',
  'default-ls': 'defaultLs',
  'default-cidr': 'defaultCidr',
  'default-gateway': 'defaultGateway',
  'default-exclude-ips': 'defaultExcludeIps',
  'node-switch': 'nodeSwitch',
  'node-switch-cidr': 'nodeSwitchCidr',
  'node-switch-gateway': 'nodeSwitchGateway',
};

/** Options from kube-ovn-controller flag names (`{ 'default-cidr': '10.16.0.0/16' }`); unknown flags throw. */
export function networkOptionsFromFlags(
  flags: Readonly<Record<string, string | undefined>>,
): DefaultNetworkOptions {
  const out: DefaultNetworkOptions = { ...DEFAULT_NETWORK };
  for (const [flag, value] of Object.entries(flags)) {
    const key = FLAGS[flag.replace(/^--/, '')];
    if (!key) throw new Error(`unknown default-network flag --${flag.replace(/^--/, '')}`);
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
}

const subnet = (name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: API_VERSION,
  kind: 'Subnet',
  metadata: { name },
  spec: Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)),
});

/** The three objects, as Kube-OVN's initDefaultVpc/initDefaultLogicalSwitch/initNodeSwitch create them. */
export function defaultNetworkObjects(options: DefaultNetworkOptions = DEFAULT_NETWORK): KubeObject[] {
  const excludes = options.defaultExcludeIps
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return [
    { apiVersion: API_VERSION, kind: 'Vpc', metadata: { name: options.clusterRouter }, spec: {} },
    subnet(options.defaultLs, {
      vpc: options.clusterRouter,
      default: true,
      provider: OVN_PROVIDER,
      cidrBlock: options.defaultCidr,
      gateway: options.defaultGateway,
      excludeIps: excludes?.length ? excludes : undefined,
      natOutgoing: true,
      gatewayType: 'distributed',
    }),
    subnet(options.nodeSwitch, {
      vpc: options.clusterRouter,
      default: false,
      provider: OVN_PROVIDER,
      cidrBlock: options.nodeSwitchCidr,
      gateway: options.nodeSwitchGateway,
    }),
  ];
}
