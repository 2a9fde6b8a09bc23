/**
 * What a command needs to talk to the API server: the kubeconfig chosen by `--kubeconfig`/`KUBECONFIG`/the lab,
 * a client with its credentials (printing the server's warnings to stderr as kubectl does: `Warning: <text>`),
 * discovery over that client, and the context's default namespace.
 */
import { KubeClient } from '../../kube/client.ts';
import { Discovery } from './discovery.ts';
import { kubeconfigSource, loadEndpoint } from './kubeconfig.ts';

export interface Connection {
  client: KubeClient;
  discovery: Discovery;
  /** The namespace used for namespaced objects that name none (the context's, else `default`). */
  namespace: string;
}

export async function connect(
  kubeconfigFlag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Connection> {
  const endpoint = await loadEndpoint(kubeconfigSource(kubeconfigFlag, env));
  const client = new KubeClient(endpoint, {
    onWarning: (text) => process.stderr.write(`Warning: ${text}\n`),
  });
  return { client, discovery: new Discovery(client), namespace: endpoint.namespace };
}
