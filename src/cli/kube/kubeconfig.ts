/**
 * Which kubeconfig a kovn command uses and what it says. Precedence as kubectl's: `--kubeconfig`, then
 * `KUBECONFIG` (a colon-separated list merged as kubectl merges it: the first file to define a name or the current
 * context wins), then the lab's own (`<lab home>/kubeconfig`, `KOVN_HOME`).
 * The common case (what the lab writes: a CA and a bearer token; also client certificates, token files, basic
 * auth, insecure-skip-tls-verify) is read here, so a command starts in a fraction of a second; a user entry with
 * an `exec` plugin or an `auth-provider` is handed to client-node's `KubeConfig`, loaded only then (ADR 0009).
 */
import { existsSync, readFileSync } from 'node:fs';
import type https from 'node:https';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { labHome, labLayout } from '../../lab/layout.ts';

export interface KubeconfigSource {
  /** Files to load (more than one only from a KUBECONFIG list). */
  paths: string[];
  from: '--kubeconfig' | 'KUBECONFIG' | 'lab';
}

export function kubeconfigSource(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): KubeconfigSource {
  if (flag) return { paths: [flag], from: '--kubeconfig' };
  const list = (env['KUBECONFIG'] ?? '').split(':').filter((p) => p !== '');
  if (list.length) return { paths: list, from: 'KUBECONFIG' };
  return { paths: [labLayout(labHome(env, cwd)).kubeconfig], from: 'lab' };
}

/** Where to send requests and how to authenticate them. */
export interface ApiEndpoint {
  server: string;
  /** The current context's namespace, else `default`. */
  namespace: string;
  /** Adds TLS settings and credentials to a request's options. */
  authenticate(options: https.RequestOptions): Promise<void>;
}

type Entry = Record<string, unknown>;
interface Named {
  name: string;
  entry: Entry;
  /** Directory of the file that defined it (relative paths are resolved against it). */
  dir: string;
}
interface Merged {
  currentContext: string;
  clusters: Map<string, Named>;
  users: Map<string, Named>;
  contexts: Map<string, Named>;
}

function mergeFiles(paths: readonly string[]): Merged {
  const merged: Merged = { currentContext: '', clusters: new Map(), users: new Map(), contexts: new Map() };
  for (const path of paths) {
    const doc = (parse(readFileSync(path, 'utf8')) ?? {}) as Record<string, unknown>;
    const dir = dirname(resolve(path));
    merged.currentContext ||= typeof doc['current-context'] === 'string' ? doc['current-context'] : '';
    for (const [list, field] of [
      ['clusters', 'cluster'],
      ['users', 'user'],
      ['contexts', 'context'],
    ] as const) {
      for (const item of (doc[list] ?? []) as Array<Record<string, unknown>>) {
        const name = typeof item['name'] === 'string' ? item['name'] : '';
        if (!merged[list].has(name))
          merged[list].set(name, { name, entry: (item[field] ?? {}) as Entry, dir });
      }
    }
  }
  return merged;
}

const str = (entry: Entry, key: string): string | undefined =>
  typeof entry[key] === 'string' && entry[key] !== '' ? entry[key] : undefined;

function dataOrFile(entry: Entry, dataKey: string, fileKey: string, dir: string): Buffer | undefined {
  const data = str(entry, dataKey);
  if (data) return Buffer.from(data, 'base64');
  const file = str(entry, fileKey);
  return file ? readFileSync(resolve(dir, file)) : undefined;
}

export async function loadEndpoint(source: KubeconfigSource): Promise<ApiEndpoint> {
  const present = source.paths.filter((p) => existsSync(p));
  if (!present.length) {
    const hint = source.from === 'lab' ? ' (the lab writes it on `kovn up`; or pass --kubeconfig)' : '';
    throw new Error(`kubeconfig ${source.paths.join(':')} does not exist${hint}`);
  }
  const merged = mergeFiles(present);
  const context = merged.contexts.get(merged.currentContext);
  if (!context) throw new Error(`kubeconfig ${present.join(':')}: no current context`);
  const cluster = merged.clusters.get(str(context.entry, 'cluster') ?? '');
  const server = cluster && str(cluster.entry, 'server');
  if (!cluster || !server)
    throw new Error(`kubeconfig ${present.join(':')}: the current context names no cluster`);
  const user = merged.users.get(str(context.entry, 'user') ?? '');
  const namespace = str(context.entry, 'namespace') ?? 'default';
  if (user && (user.entry['exec'] || user.entry['auth-provider']))
    return viaClientNode(present, server, namespace);
  const ca = dataOrFile(cluster.entry, 'certificate-authority-data', 'certificate-authority', cluster.dir);
  const insecure = cluster.entry['insecure-skip-tls-verify'] === true;
  const tlsServerName = str(cluster.entry, 'tls-server-name');
  const u = user?.entry ?? {};
  const cert = user && dataOrFile(u, 'client-certificate-data', 'client-certificate', user.dir);
  const key = user && dataOrFile(u, 'client-key-data', 'client-key', user.dir);
  const tokenFile = user && str(u, 'tokenFile') ? resolve(user.dir, str(u, 'tokenFile') ?? '') : undefined;
  const basic = str(u, 'username') ? `${str(u, 'username')}:${str(u, 'password') ?? ''}` : undefined;
  return {
    server: server.replace(/\/$/, ''),
    namespace,
    authenticate(options) {
      if (ca) options.ca = ca;
      if (insecure) options.rejectUnauthorized = false;
      if (tlsServerName) options.servername = tlsServerName;
      if (cert) options.cert = cert;
      if (key) options.key = key;
      const token = str(u, 'token') ?? (tokenFile ? readFileSync(tokenFile, 'utf8').trim() : undefined);
      const headers = (options.headers ?? {}) as Record<string, string>;
      if (token) headers['Authorization'] = `Bearer ${token}`;
      else if (basic) headers['Authorization'] = `Basic ${Buffer.from(basic).toString('base64')}`;
      options.headers = headers;
      return Promise.resolve();
    },
  };
}

/** Exec plugins and auth providers: client-node's KubeConfig knows them (and costs ~1 s to load). */
async function viaClientNode(
  paths: readonly string[],
  server: string,
  namespace: string,
): Promise<ApiEndpoint> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  for (const [i, path] of paths.entries()) {
    if (i === 0) kc.loadFromFile(path);
    else {
      const more = new KubeConfig();
      more.loadFromFile(path);
      kc.mergeConfig(more, true);
    }
  }
  return {
    server: server.replace(/\/$/, ''),
    namespace,
    authenticate: (options) => kc.applyToHTTPSOptions(options),
  };
}
