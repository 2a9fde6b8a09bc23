/**
 * How a container runtime calls a CNI plugin, parsed: the `CNI_*` environment (which variables each command needs),
 * `CNI_ARGS` (`K=V;K=V`, e.g. `K8S_POD_NAMESPACE`, `K8S_POD_NAME`), and the network configuration on stdin. Our
 * plugin reads two kinds of configuration, as Kube-OVN's `loadNetConf` does: `type: kube-ovn` (we plumb the NIC;
 * `server_socket`, `provider` and `routes` at the top level) and another plugin's config whose `ipam.type` is
 * `kube-ovn` (we only answer the address; `server_socket` and `provider` inside `ipam`). Pure; failures are
 * `CniError`s with the spec's codes.
 */
import type { NicRoute } from '../nic-types.ts';
import { CNI_TYPE, isCniType, OVN_PROVIDER } from '../../api/constants.ts';
import { KUBE_OVN_DEFAULT_SOCKET, SOCKET_ENV } from './protocol.ts';
import { CNI_VERSION, CniCode, CniError, isSupportedVersion } from './spec.ts';

export type CniCommand = 'ADD' | 'DEL' | 'CHECK' | 'VERSION';

export interface CniInvocation {
  command: CniCommand;
  containerId: string;
  netns: string;
  ifname: string;
  args: Record<string, string>;
  path: string[];
}

const REQUIRED: Record<CniCommand, readonly string[]> = {
  ADD: ['CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME'],
  DEL: ['CNI_CONTAINERID', 'CNI_IFNAME'],
  CHECK: ['CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME'],
  VERSION: [],
};

/** `K8S_POD_NAMESPACE=ns;K8S_POD_NAME=p;IgnoreUnknown=1` -> a record (later keys win; values may contain '='). */
export function parseCniArgs(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (text ?? '').split(';')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0)
      throw new CniError(CniCode.InvalidEnvironment, `CNI_ARGS: ${JSON.stringify(part)} is not KEY=VALUE`);
    out[part.slice(0, eq).trim()] = part.slice(eq + 1);
  }
  return out;
}

export function parseEnv(env: Readonly<Record<string, string | undefined>>): CniInvocation {
  const command = env['CNI_COMMAND'];
  if (command === undefined || command === '')
    throw new CniError(CniCode.InvalidEnvironment, 'CNI_COMMAND is not set');
  if (!Object.hasOwn(REQUIRED, command))
    throw new CniError(
      CniCode.InvalidEnvironment,
      `CNI_COMMAND ${JSON.stringify(command)} is not one of ADD, DEL, CHECK, VERSION`,
    );
  const cmd = command as CniCommand;
  const missing = REQUIRED[cmd].filter((k) => !env[k]);
  if (missing.length) throw new CniError(CniCode.InvalidEnvironment, `${cmd} needs ${missing.join(', ')}`);
  return {
    command: cmd,
    containerId: env['CNI_CONTAINERID'] ?? '',
    netns: env['CNI_NETNS'] ?? '',
    ifname: env['CNI_IFNAME'] ?? '',
    args: parseCniArgs(env['CNI_ARGS']),
    path: (env['CNI_PATH'] ?? '').split(':').filter((p) => p !== ''),
  };
}

/** The pod a Kubernetes runtime names in CNI_ARGS. */
export function podOf(inv: CniInvocation): { namespace: string; name: string } {
  const namespace = inv.args['K8S_POD_NAMESPACE'] ?? '';
  const name = inv.args['K8S_POD_NAME'] ?? '';
  const missing = [...(namespace ? [] : ['K8S_POD_NAMESPACE']), ...(name ? [] : ['K8S_POD_NAME'])];
  if (missing.length)
    throw new CniError(
      CniCode.InvalidNetworkConfig,
      'Invalid Configuration',
      `${missing.join(' and ')} required in CNI_ARGS`,
    );
  return { namespace, name };
}

export interface NetConf {
  cniVersion: string;
  name: string;
  type: string;
  /** True when we run as another plugin's IPAM (no plumbing, only the address). */
  ipamOnly: boolean;
  serverSocket: string;
  provider: string;
  routes: NicRoute[];
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Parses stdin; `env` supplies `KOVN_CNI_SOCKET`, which (set by the lab's runtime for its node) wins over the config. */
export function parseNetConf(stdin: string, env: Readonly<Record<string, string | undefined>> = {}): NetConf {
  let doc: unknown;
  try {
    doc = JSON.parse(stdin);
  } catch (err) {
    throw new CniError(CniCode.DecodingFailure, 'failed to load netconf', (err as Error).message);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new CniError(
      CniCode.DecodingFailure,
      'failed to load netconf',
      'the configuration is not a JSON object',
    );
  const conf = doc as Record<string, unknown>;
  const cniVersion = str(conf['cniVersion']) || CNI_VERSION;
  if (!isSupportedVersion(cniVersion))
    throw new CniError(
      CniCode.IncompatibleVersion,
      `CNI version ${cniVersion} is not supported`,
      `supported: 0.3.0, 0.3.1, 0.4.0, 1.0.0`,
    );
  const type = str(conf['type']);
  if (!type) throw new CniError(CniCode.InvalidNetworkConfig, 'Invalid Configuration', 'type is required');
  const ipam =
    typeof conf['ipam'] === 'object' && conf['ipam'] !== null
      ? (conf['ipam'] as Record<string, unknown>)
      : {};
  const ipamOnly = !isCniType(type);
  if (ipamOnly && !isCniType(str(ipam['type'])))
    throw new CniError(
      CniCode.InvalidNetworkConfig,
      'Invalid Configuration',
      `type ${type} without ipam.type ${CNI_TYPE}: not a configuration for this plugin`,
    );
  const source = ipamOnly ? ipam : conf;
  let provider = str(source['provider']);
  if (!provider) {
    if (ipamOnly)
      throw new CniError(
        CniCode.InvalidNetworkConfig,
        'Invalid Configuration',
        'ipam.provider is required when kube-ovn is the IPAM of another plugin',
      );
    provider = OVN_PROVIDER;
  }
  const routes: NicRoute[] = [];
  if (!ipamOnly && conf['routes'] !== undefined) {
    if (!Array.isArray(conf['routes']))
      throw new CniError(
        CniCode.InvalidNetworkConfig,
        'Invalid Configuration',
        'routes must be a list of {"dst", "gw"}',
      );
    for (const r of conf['routes'] as unknown[]) {
      const { dst, gw } = (r ?? {}) as { dst?: unknown; gw?: unknown };
      if (typeof dst !== 'string' && typeof gw !== 'string')
        throw new CniError(
          CniCode.InvalidNetworkConfig,
          'Invalid Configuration',
          `route ${JSON.stringify(r)} has neither dst nor gw`,
        );
      routes.push({ dst: str(dst), ...(typeof gw === 'string' && gw ? { gw } : {}) });
    }
  }
  return {
    cniVersion,
    name: str(conf['name']),
    // `type: kovn` is our plugin under its own name: the agent is told `kube-ovn`, as Kube-OVN's CNI would say.
    type: ipamOnly ? type : CNI_TYPE,
    ipamOnly,
    serverSocket: env[SOCKET_ENV] || str(source['server_socket']) || KUBE_OVN_DEFAULT_SOCKET,
    provider,
    routes,
  };
}
