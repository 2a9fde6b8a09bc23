/**
 * Which Kubernetes configuration a kovn process (controller, node agent, gateway agent) talks to the API with,
 * chosen as client-go's processes choose it: an explicit `--kubeconfig`, then `KUBECONFIG` (a colon-separated list,
 * merged as kubectl merges it: the first file to name a thing wins), then the pod's in-cluster configuration; when
 * none applies, an error naming what is missing.
 *
 * In a pod (`KUBERNETES_SERVICE_HOST` and `KUBERNETES_SERVICE_PORT` set, as kubelet sets them): the server is
 * `https://HOST:PORT` (IPv6 bracketed; always https, as client-go's `rest.InClusterConfig`), the CA `ca.crt`, the
 * token `token` and the namespace `namespace` of the service-account mount
 * (`/var/run/secrets/kubernetes.io/serviceaccount/`). Kubelet rotates the projected token by swapping the mount's
 * `..data` symlink; client-node's own in-cluster loader (`loadFromCluster`, its FileAuth) re-reads the token only
 * when 60 s have passed since it last read it (client-go's cadence too), so a request right after a rotation may carry
 * the old token. Here every request stats the token file and re-reads it when it changed (device, inode, size, mtime),
 * so the first request after a rotation carries the new token, for one `stat` per request.
 */
import { existsSync, readFileSync } from 'node:fs';
import { stat, readFile } from 'node:fs/promises';
import { isIPv6 } from 'node:net';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

/** Where kubelet mounts a pod's service-account token, CA and namespace. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The auth-provider name of the in-cluster user; only the authenticator below answers to it. */
const TOKEN_PROVIDER = 'kovn-service-account-token';

export interface ProcessConfigSources {
  /** The process's `--kubeconfig` flag, if given. */
  kubeconfig?: string | undefined;
  /** Default: process.env (`KUBECONFIG`, `KUBERNETES_SERVICE_HOST`, `KUBERNETES_SERVICE_PORT`). */
  env?: NodeJS.ProcessEnv;
  /** The service-account mount (tests point it at a temporary directory). */
  serviceAccountDir?: string;
}

export interface ProcessConfig {
  kubeConfig: KubeConfig;
  from: '--kubeconfig' | 'KUBECONFIG' | 'in-cluster';
  /** For logs: the files, or the in-cluster server and mount. */
  describe: string;
  /** The context's namespace (in a pod: its own), else `default`. */
  namespace: string;
}

export function loadProcessConfig(sources: ProcessConfigSources = {}): ProcessConfig {
  const env = sources.env ?? process.env;
  if (sources.kubeconfig) return fromFiles([sources.kubeconfig], '--kubeconfig');
  const list = (env['KUBECONFIG'] ?? '').split(':').filter((p) => p !== '');
  if (list.length) return fromFiles(list, 'KUBECONFIG');
  return inClusterConfig(env, sources.serviceAccountDir ?? SERVICE_ACCOUNT_DIR);
}

function fromFiles(paths: readonly string[], from: '--kubeconfig' | 'KUBECONFIG'): ProcessConfig {
  const present = paths.filter((p) => existsSync(p));
  if (!present.length) throw new Error(`kubeconfig ${paths.join(':')} (from ${from}) does not exist`);
  const kubeConfig = new KubeConfig();
  for (const [i, path] of present.entries()) {
    if (i === 0) kubeConfig.loadFromFile(path);
    else {
      const more = new KubeConfig();
      more.loadFromFile(path);
      mergeMissing(kubeConfig, more);
    }
  }
  if (!kubeConfig.getCurrentCluster())
    throw new Error(`kubeconfig ${present.join(':')}: the current context names no cluster`);
  const namespace = kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace ?? 'default';
  return { kubeConfig, from, describe: present.join(':'), namespace };
}

/** kubectl's merge: a cluster, user or context already named by an earlier file is kept. */
function mergeMissing(into: KubeConfig, more: KubeConfig): void {
  for (const c of more.clusters) if (!into.getCluster(c.name)) into.addCluster(c);
  for (const u of more.users) if (!into.getUser(u.name)) into.addUser(u);
  for (const c of more.contexts) if (!into.getContextObject(c.name)) into.addContext(c);
  if (!into.getCurrentContext()) into.setCurrentContext(more.getCurrentContext());
}

/** The pod's in-cluster configuration; throws naming what is missing. */
export function inClusterConfig(env: NodeJS.ProcessEnv, serviceAccountDir: string): ProcessConfig {
  const host = env['KUBERNETES_SERVICE_HOST'] ?? '';
  const port = env['KUBERNETES_SERVICE_PORT'] ?? '';
  if (!host || !port) {
    const unset = [host ? '' : 'KUBERNETES_SERVICE_HOST', port ? '' : 'KUBERNETES_SERVICE_PORT'].filter(
      Boolean,
    );
    throw new Error(
      `no Kubernetes configuration: no --kubeconfig, KUBECONFIG is not set, and this is not a pod (${unset.join(' and ')} ${unset.length > 1 ? 'are' : 'is'} not set)`,
    );
  }
  const tokenFile = join(serviceAccountDir, 'token');
  if (!existsSync(tokenFile))
    throw new Error(
      `in-cluster configuration: the service-account token ${tokenFile} does not exist (is automountServiceAccountToken false?)`,
    );
  const caFile = join(serviceAccountDir, 'ca.crt');
  const namespaceFile = join(serviceAccountDir, 'namespace');
  const namespace = existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8').trim() : '';
  const server = `https://${isIPv6(host) ? `[${host}]` : host}:${port}`;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    // client-go trusts the system roots when ca.crt cannot be read; so does this.
    clusters: [
      { name: 'in-cluster', server, skipTLSVerify: false, ...(existsSync(caFile) ? { caFile } : {}) },
    ],
    users: [{ name: 'service-account', authProvider: { name: TOKEN_PROVIDER, config: { path: tokenFile } } }],
    contexts: [
      {
        name: 'in-cluster',
        cluster: 'in-cluster',
        user: 'service-account',
        ...(namespace ? { namespace } : {}),
      },
    ],
    currentContext: 'in-cluster',
  });
  kubeConfig.addAuthenticator(rotatingTokenAuthenticator(tokenFile));
  return {
    kubeConfig,
    from: 'in-cluster',
    describe: `${server} (${serviceAccountDir})`,
    namespace: namespace || 'default',
  };
}

type Authenticator = Parameters<KubeConfig['addAuthenticator']>[0];

/** Sends the token file's current content: re-read whenever the file's identity changed since the last read. */
export function rotatingTokenAuthenticator(tokenFile: string): Authenticator {
  let version = '';
  let token = '';
  return {
    isAuthProvider: (user) => (user.authProvider as { name?: unknown } | undefined)?.name === TOKEN_PROVIDER,
    async applyAuthentication(_user, opts) {
      const s = await stat(tokenFile).catch((cause: unknown) => {
        throw new Error(`service-account token ${tokenFile}: cannot read it`, { cause });
      });
      const now = `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}`;
      if (now !== version) {
        token = (await readFile(tokenFile, 'utf8')).trim();
        version = now;
      }
      // HTTPS request options here (client-node's type also admits WebSocket options, whose type is not resolved).
      const request = opts as { headers?: Record<string, string> };
      request.headers = { ...request.headers, Authorization: `Bearer ${token}` };
    },
  };
}
