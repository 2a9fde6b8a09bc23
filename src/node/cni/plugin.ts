/**
 * What kovn-cni does for one invocation, given its environment and stdin (main.ts is the process around it):
 * VERSION answers locally; ADD, DEL and CHECK go to the node agent over its unix socket (protocol.ts) and ADD
 * returns the CNI result built from the agent's answer (result.ts). The same code serves `type: kube-ovn` (the agent
 * plumbs the NIC) and `ipam: {type: kube-ovn}` inside another plugin's config (the agent only returns the address
 * the controller annotated for the provider).
 */
import { postJson } from './client.ts';
import { parseEnv, parseNetConf, podOf, type CniInvocation } from './invocation.ts';
import { ADD_PATH, CHECK_PATH, DEL_PATH, type CniRequest, type CniResponse } from './protocol.ts';
import { cniResult } from './result.ts';
import { CNI_VERSION, CniCode, CniError, SUPPORTED_VERSIONS, versionAtLeast } from './spec.ts';

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
      const response = await postJson<CniResponse>({
        socket: conf.serverSocket,
        path: ADD_PATH,
        body: request,
      });
      if (!response) throw new CniError(CniCode.IoFailure, 'the node agent answered ADD without a body');
      return JSON.stringify(cniResult(response, conf.cniVersion, inv.netns));
    }
    case 'DEL':
      await postJson({ socket: conf.serverSocket, path: DEL_PATH, body: request });
      return '';
    case 'CHECK':
      if (!versionAtLeast(conf.cniVersion, '0.4.0'))
        throw new CniError(
          CniCode.IncompatibleVersion,
          `CHECK needs cniVersion 0.4.0 or later, the config says ${conf.cniVersion}`,
        );
      await postJson({ socket: conf.serverSocket, path: CHECK_PATH, body: request });
      return '';
  }
}
