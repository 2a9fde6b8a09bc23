/**
 * The gateway agent's configuration in its pod (main.ts), every flag optional there: its own pod from the downward
 * API (`POD_NAME`, `POD_NAMESPACE`, both required; `KUBE_NODE_NAME`, for the logs), and the flags `--kubeconfig
 * PATH` (absent: KUBECONFIG, else the pod's service account; src/kube/process-config.ts), `--metrics-addr HOST:PORT`
 * (default 127.0.0.1:10661: loopback, since the pod's interfaces sit in a tenant VPC and on the external network;
 * Kube-OVN serves no gateway metrics, and the port is free in a namespace of the gateway's own), `--metrics-url-file
 * PATH` (the bound URL is written there) and `--log-level LEVEL`. Pure.
 */
import { parseArgs } from 'node:util';

export interface GatewayPodConfig {
  pod: { namespace: string; name: string };
  /** The node the pod runs on, when the downward API says so. */
  node?: string;
  kubeconfig?: string;
  metricsAddr: string;
  metricsUrlFile?: string;
  logLevel: string;
}

export const DEFAULT_GATEWAY_METRICS_ADDR = '127.0.0.1:10661';
/** The downward-API variables the StatefulSet's pod template sets (metadata.name, metadata.namespace, spec.nodeName). */
export const POD_NAME_ENV = 'POD_NAME';
export const POD_NAMESPACE_ENV = 'POD_NAMESPACE';
export const NODE_NAME_ENV = 'KUBE_NODE_NAME';

export const USAGE =
  'usage: natgw [--kubeconfig PATH (default $KUBECONFIG, else in-cluster)] [--metrics-addr HOST:PORT (default 127.0.0.1:10661)] [--metrics-url-file PATH] [--log-level LEVEL]; needs POD_NAME and POD_NAMESPACE (downward API)';

/** Throws with a message naming the unknown flag or the missing variable. */
export function parseGatewayPodConfig(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): GatewayPodConfig {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        kubeconfig: { type: 'string' },
        'metrics-addr': { type: 'string', default: DEFAULT_GATEWAY_METRICS_ADDR },
        'metrics-url-file': { type: 'string' },
        'log-level': { type: 'string', default: 'info' },
      },
    }));
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${USAGE}`, { cause: err });
  }
  const missing = [POD_NAME_ENV, POD_NAMESPACE_ENV].filter((v) => !env[v]);
  if (missing.length)
    throw new Error(
      `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set (the pod template sets them from the downward API)\n${USAGE}`,
    );
  for (const [flag, value] of Object.entries(values))
    if (value === '') throw new Error(`--${flag} needs a value\n${USAGE}`);
  const node = env[NODE_NAME_ENV];
  return {
    pod: { namespace: env[POD_NAMESPACE_ENV] ?? '', name: env[POD_NAME_ENV] ?? '' },
    ...(node ? { node } : {}),
    ...(values.kubeconfig === undefined ? {} : { kubeconfig: values.kubeconfig }),
    metricsAddr: values['metrics-addr'],
    ...(values['metrics-url-file'] === undefined ? {} : { metricsUrlFile: values['metrics-url-file'] }),
    logLevel: values['log-level'],
  };
}
