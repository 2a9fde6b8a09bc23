/**
 * The node agent's command line, every flag optional inside a kovn-node pod: `--node NAME` (default the downward
 * API's `KUBE_NODE_NAME`, as kube-ovn-cni; required when that is unset), `--netns NODE_NETNS` (the namespace holding
 * br-int; absent: the agent's own, the host's on a real node; the lab names its nodes' namespaces), `--ovs-rundir
 * DIR` (default /var/run/openvswitch), `--socket PATH` (the CNI server socket, default Kube-OVN's
 * /run/openvswitch/kube-ovn-daemon.sock), `--kubeconfig PATH` (absent: KUBECONFIG, else the pod's service
 * account; src/kube/process-config.ts), plus `--wait-timeout SECONDS` (how long ADD waits for the controller, default 60), `--mtu N`,
 * `--log-level LEVEL`, `--enable-tproxy[=true|false]` (kubelet probes into custom VPCs, off by default as in
 * Kube-OVN), `--tproxy-socket PATH` (the TProxy listener's control socket, default next to `--socket`),
 * `--metrics-addr HOST:PORT` (where /metrics is served, default Kube-OVN's 127.0.0.1:10665; port 0 picks one) and
 * `--metrics-url-file PATH` (the bound URL is written there). Pure.
 */

export interface AgentFlags {
  node: string;
  /** Absent: the agent's own network namespace. */
  netns?: string;
  ovsRundir: string;
  socket: string;
  /** Absent: KUBECONFIG, else in-cluster. */
  kubeconfig?: string;
  waitTimeoutMs?: number;
  mtu?: number;
  logLevel: string;
  enableTproxy: boolean;
  tproxySocket?: string;
  metricsAddr: string;
  metricsUrlFile?: string;
}

/** Kube-OVN's kube-ovn-cni metrics port, on loopback unless told otherwise. */
export const DEFAULT_AGENT_METRICS_ADDR = '127.0.0.1:10665';

/** Kube-OVN's OVS run directory and kube-ovn-cni's `--bind-socket`. */
export const DEFAULT_OVS_RUNDIR = '/var/run/openvswitch';
export const DEFAULT_CNI_SOCKET = '/run/openvswitch/kube-ovn-daemon.sock';
/** The downward-API variable (`spec.nodeName`) kube-ovn-cni reads its node name from. */
export const NODE_NAME_ENV = 'KUBE_NODE_NAME';

const OPTIONAL = [
  'node',
  'netns',
  'ovs-rundir',
  'socket',
  'kubeconfig',
  'wait-timeout',
  'mtu',
  'log-level',
  'enable-tproxy',
  'tproxy-socket',
  'metrics-addr',
  'metrics-url-file',
] as const;
/** Flags that may stand alone (`--enable-tproxy` = `--enable-tproxy=true`). */
const BOOLEAN = new Set(['enable-tproxy']);
export const USAGE =
  'usage: agent [--node NAME (default $KUBE_NODE_NAME)] [--netns NODE_NETNS (default: its own)] [--ovs-rundir DIR (default /var/run/openvswitch)] [--socket PATH (default /run/openvswitch/kube-ovn-daemon.sock)] [--kubeconfig PATH (default $KUBECONFIG, else in-cluster)] [--wait-timeout SECONDS] [--mtu N] [--log-level LEVEL] [--enable-tproxy[=BOOL]] [--tproxy-socket PATH] [--metrics-addr HOST:PORT] [--metrics-url-file PATH]';

function positiveInt(flag: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) <= 0)
    throw new Error(`--${flag}: ${JSON.stringify(value)} is not a positive integer`);
  return Number(value);
}

function bool(flag: string, value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new Error(`--${flag}: ${JSON.stringify(value)} is not true or false`);
}

/** Parses `--flag value` and `--flag=value`; throws with a message naming the flag. */
export function parseAgentFlags(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): AgentFlags {
  const known = new Set<string>(OPTIONAL);
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m?.[1]) throw new Error(`unexpected argument ${JSON.stringify(arg)}\n${USAGE}`);
    const name = m[1];
    if (!known.has(name)) throw new Error(`unknown flag --${name}\n${USAGE}`);
    const next = argv[i + 1];
    const standalone =
      BOOLEAN.has(name) && m[2] === undefined && (next === undefined || next.startsWith('--'));
    const value = standalone ? 'true' : (m[2] ?? argv[++i]);
    if (value === undefined || value === '') throw new Error(`--${name} needs a value`);
    values.set(name, value);
  }
  const node = values.get('node') ?? env[NODE_NAME_ENV] ?? '';
  if (!node) throw new Error(`missing --node (and ${NODE_NAME_ENV} is not set)\n${USAGE}`);
  const get = (f: string): string => values.get(f) ?? '';
  return {
    node,
    ...(values.has('netns') ? { netns: get('netns') } : {}),
    ovsRundir: values.get('ovs-rundir') ?? DEFAULT_OVS_RUNDIR,
    socket: values.get('socket') ?? DEFAULT_CNI_SOCKET,
    ...(values.has('kubeconfig') ? { kubeconfig: get('kubeconfig') } : {}),
    logLevel: values.get('log-level') ?? 'info',
    enableTproxy: bool('enable-tproxy', values.get('enable-tproxy') ?? 'false'),
    ...(values.has('tproxy-socket') ? { tproxySocket: get('tproxy-socket') } : {}),
    metricsAddr: values.get('metrics-addr') ?? DEFAULT_AGENT_METRICS_ADDR,
    ...(values.has('metrics-url-file') ? { metricsUrlFile: get('metrics-url-file') } : {}),
    ...(values.has('wait-timeout')
      ? { waitTimeoutMs: positiveInt('wait-timeout', get('wait-timeout')) * 1000 }
      : {}),
    ...(values.has('mtu') ? { mtu: positiveInt('mtu', get('mtu')) } : {}),
  };
}
