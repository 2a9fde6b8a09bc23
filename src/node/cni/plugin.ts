/**
 * What kovn-cni does for one invocation, given its environment and stdin: VERSION answers locally; ADD, DEL and
 * CHECK go to the node agent (protocol.ts) and ADD returns the CNI result built from the agent's answer (result.ts).
 * The same code serves `type: kube-ovn` (the agent plumbs the NIC) and `ipam: {type: kube-ovn}` inside another
 * plugin's config (the agent only returns the address the controller annotated for the provider). How a request
 * reaches the agent is injected (`AgentCall`): over its socket from a process of its own (main.ts, `httpAgentCall`),
 * or, when the bin/kovn-cni shim forwarded the invocation to the agent, a direct call of the handler (docs/adr/0031).
 */
import { postJson } from './client.ts';
import { parseEnv, parseNetConf, podOf, type CniInvocation } from './invocation.ts';
import { ADD_PATH, CHECK_PATH, DEL_PATH, type CniRequest, type CniResponse } from './protocol.ts';
import { cniResult } from './result.ts';
import { CNI_VERSION, CniCode, CniError, SUPPORTED_VERSIONS, versionAtLeast } from './spec.ts';

export type AgentPath = typeof ADD_PATH | typeof DEL_PATH | typeof CHECK_PATH;

/**
 * Sends one request to the node agent at `socket` (the config's choice, invocation.ts); resolves with ADD's answer
 * (undefined for DEL and CHECK); a failure is a `CniError`.
 */
export type AgentCall = (
  socket: string,
  path: AgentPath,
  request: CniRequest,
) => Promise<CniResponse | undefined>;

/** Kube-OVN's protocol: one JSON POST over the agent's unix socket (client.ts). */
export const httpAgentCall: AgentCall = (socket, path, body) => postJson<CniResponse>({ socket, path, body });

/** What a plugin process prints on stdout (with its newline) and exits with. */
export interface CniOutcome {
  stdout: string;
  exitCode: number;
}

/** The configuration's cniVersion, for VERSION answers and error objects (1.0.0 when there is none). */
export function versionOf(stdin: string): string {
  try {
    const v = (JSON.parse(stdin) as { cniVersion?: unknown }).cniVersion;
    return typeof v === 'string' && v !== '' ? v : CNI_VERSION;
  } catch {
    return CNI_VERSION;
  }
}

/** Runs one invocation; returns what to print on stdout (empty for DEL and CHECK). */
export async function runCni(
  env: Readonly<Record<string, string | undefined>>,
  stdin: string,
  call: AgentCall = httpAgentCall,
): Promise<string> {
  const inv: CniInvocation = parseEnv(env);
  if (inv.command === 'VERSION')
    return JSON.stringify({ cniVersion: versionOf(stdin), supportedVersions: SUPPORTED_VERSIONS });
  const conf = parseNetConf(stdin, env);
  const pod = podOf(inv);
  const request: CniRequest = {
    cni_type: conf.type,
    pod_name: pod.name,
    pod_namespace: pod.namespace,
    container_id: inv.containerId,
    net_ns: inv.netns,
    if_name: inv.ifname,
    provider: conf.provider,
    ...(conf.routes.length ? { routes: conf.routes } : {}),
  };
  switch (inv.command) {
    case 'ADD': {
      const response = await call(conf.serverSocket, ADD_PATH, request);
      if (!response) throw new CniError(CniCode.IoFailure, 'the node agent answered ADD without a body');
      return JSON.stringify(cniResult(response, conf.cniVersion, inv.netns));
    }
    case 'DEL':
      await call(conf.serverSocket, DEL_PATH, request);
      return '';
    case 'CHECK':
      if (!versionAtLeast(conf.cniVersion, '0.4.0'))
        throw new CniError(
          CniCode.IncompatibleVersion,
          `CHECK needs cniVersion 0.4.0 or later, the config says ${conf.cniVersion}`,
        );
      await call(conf.serverSocket, CHECK_PATH, request);
      return '';
  }
}

/** Runs one invocation as a plugin process does: the result, or a CNI error object and exit code 1. */
export async function execCni(
  env: Readonly<Record<string, string | undefined>>,
  stdin: string,
  call: AgentCall = httpAgentCall,
): Promise<CniOutcome> {
  try {
    const out = await runCni(env, stdin, call);
    return { stdout: out ? `${out}\n` : '', exitCode: 0 };
  } catch (err) {
    const cniErr =
      err instanceof CniError
        ? err
        : new CniError(999, 'kovn-cni failed', (err as Error).message ?? String(err));
    return { stdout: `${JSON.stringify(cniErr.toJSON(versionOf(stdin)))}\n`, exitCode: 1 };
  }
}
