/**
 * The wire protocol between kovn-cni and the node agent: Kube-OVN's own (pkg/request/cniserver.go), JSON over HTTP
 * on a unix socket: `POST /api/v1/add` answers 200 with a `CniResponse`, `POST /api/v1/del` answers 204, and we add
 * `POST /api/v1/check` (204). Failures answer 4xx/5xx with `{"error": "..."}` (and our `code`, a CNI error code).
 * Field names are Kube-OVN's, so its binary and ours could talk to either server. See docs/adr/0007.
 *
 * Our shim (bin/kovn-cni, docs/adr/0031) uses one more endpoint: `POST /api/v1/cni-exec` with the invocation as it
 * came (`CniExecRequest`: the `CNI_*` variables and stdin); the agent runs the plugin (plugin.ts) in-process and
 * answers 200 with what the plugin prints as the body and its exit code in the `kovn-cni-exit-code` header.
 */
import type { NicRoute } from '../nic-types.ts';

export const ADD_PATH = '/api/v1/add';
export const DEL_PATH = '/api/v1/del';
export const CHECK_PATH = '/api/v1/check';
export const EXEC_PATH = '/api/v1/cni-exec';
/** The response header of `EXEC_PATH` carrying the plugin's exit code (the body is its stdout). */
export const EXIT_CODE_HEADER = 'kovn-cni-exit-code';
/** Kube-OVN's default `server_socket`; in the lab each node's agent listens elsewhere (see `KOVN_CNI_SOCKET`). */
export const KUBE_OVN_DEFAULT_SOCKET = '/run/openvswitch/kube-ovn-daemon.sock';
/** Environment variable naming the agent socket; when set it wins over the config's `server_socket`. */
export const SOCKET_ENV = 'KOVN_CNI_SOCKET';

export interface CniRequest {
  /** The config's `type`: `kube-ovn` for our NICs, another plugin's name when we are its IPAM. */
  cni_type: string;
  pod_name: string;
  pod_namespace: string;
  container_id: string;
  /** CNI_NETNS, a path such as `/var/run/netns/<name>` (may be empty on DEL). */
  net_ns: string;
  if_name: string;
  provider: string;
  /** Routes from the CNI config. */
  routes?: NicRoute[];
}

export interface CniResponse {
  /** `IPv4`, `IPv6` or `Dual`. */
  protocol: string;
  /** Comma list, one address per family. */
  address: string;
  mac_address: string;
  cidr: string;
  /** Only when this NIC takes the default route. */
  gateway: string;
  mtu?: number;
  /** The interface configured in the pod (empty when we only answered as IPAM). */
  nicname: string;
  routes?: NicRoute[];
  error?: string;
}

export interface CniFailure {
  error: string;
  /** A CNI error code, when the server knows a better one than "try again later". */
  code?: number;
}

/** The body of `POST /api/v1/cni-exec`: one plugin invocation, forwarded unparsed. */
export interface CniExecRequest {
  /** The plugin's `CNI_*` variables and `KOVN_CNI_SOCKET`. */
  env: Record<string, string>;
  /** The network configuration the runtime wrote to the plugin's stdin. */
  stdin: string;
}
