/**
 * Starts the embedded Kubernetes-compatible API server: credentials and kubeconfig under dataDir, the SQLite
 * store (dataDir/store.db), the served catalog (built-ins + kubeovn.io), default namespaces, the custom kinds'
 * CustomResourceDefinitions, the garbage
 * collector, cached discovery/OpenAPI documents, the health checks (`/livez`: ping; `/readyz` and `/healthz`: ping
 * and the store), and an HTTPS listener (loopback by default).
 */
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import type { KindAdmission, ResourceType } from '../api/types.ts';
import { systemClock, type Clock } from '../util/clock.ts';
import { Authenticator } from './auth/authenticator.ts';
import { Authorizer, rbacLoader } from './auth/authorizer.ts';
import { loadOrCreateSigningKey } from './auth/jwt.ts';
import { GarbageCollector } from './gc.ts';
import type { Auth } from './http/auth-endpoints.ts';
import { createHandler } from './http/handler.ts';
import { defaultBodyLimit } from './http/body.ts';
import { pingCheck, type HealthChecks } from './http/health.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { buildV2 } from './openapi/v2.ts';
import { buildV3 } from './openapi/v3.ts';
import { ensureCredentials } from './pki.ts';
import { Core } from './rest/core.ts';
import { create } from './rest/write.ts';
import { builtinResources } from './resources/builtin.ts';
import { Catalog } from './resources/catalog.ts';
import { syncCrds } from './resources/crd-sync.ts';
import { customResource } from './resources/served.ts';
import { admissionFor, kubeovnResourceTypes } from '../api/registry.ts';
import { Store } from './store/store.ts';
import { WatchHub } from './watch/hub.ts';

export interface ApiServerOptions {
  dataDir: string;
  host?: string;
  port?: number;
  clock?: Clock;
  logger?: Logger;
  /** Extra custom kinds to serve (tests). */
  extraResources?: ReadonlyArray<{ type: ResourceType; admission?: KindAdmission }>;
  /** Events kept for watch resumption (default 10,000). */
  eventWindow?: number;
  /** Interval of watch bookmarks (default 60 s). */
  bookmarkIntervalMs?: number;
  /** Longest a watch stream stays open (default 30 min). */
  maxWatchSeconds?: number;
  /** Largest accepted request body (default 3 MiB). */
  bodyLimit?: number;
  /** Service cluster IP range (default 10.96.0.0/12). */
  serviceCidr?: string;
  /** Largest store file, as etcd's --quota-backend-bytes (default: no limit); writes beyond it get 503. */
  storeQuotaBytes?: number;
}

export interface ApiServer {
  url: string;
  caPem: string;
  token: string;
  kubeconfigPath: string;
  close(): Promise<void>;
}

export const defaultNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export const serverVersion = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-kovn',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'node',
  compiler: 'kovn',
  platform: `${process.platform}/${process.arch}`,
};

function catalogFor(extra: ApiServerOptions['extraResources'], serviceCidr?: string): Catalog {
  const custom = [
    ...kubeovnResourceTypes.map((t) => customResource(t, admissionFor(t.kind))),
    ...(extra ?? []).map((e) => customResource(e.type, e.admission)),
  ];
  const builtins = builtinResources(serviceCidr === undefined ? {} : { serviceCidr }).map((r) => ({
    ...r,
    admission: admissionFor(r.type.kind),
  }));
  return new Catalog([...builtins, ...custom]);
}

/**
 * Liveness is the process answering; readiness (and the older /healthz) is also the store: a cheap read, and the
 * last write's failure while the storage is at fault (it clears with the next write that commits).
 */
function healthChecks(store: Store): HealthChecks {
  const storeCheck = { name: 'store', failure: () => store.unreadyReason() };
  return { livez: [pingCheck], readyz: [pingCheck, storeCheck], healthz: [pingCheck, storeCheck] };
}

/**
 * The admin's token and ServiceAccount tokens signed with `pki/sa.key`; RBAC from the stored objects, its index
 * dropped by every commit that touches one of them.
 */
function authFor(core: Core, pkiDir: string, adminToken: string): Auth {
  const sa = core.catalog.forKind('ServiceAccount');
  const authenticator = new Authenticator({
    adminToken,
    signingKey: loadOrCreateSigningKey(join(pkiDir, 'sa.key')),
    clock: core.clock,
    log: core.log,
    serviceAccount: (namespace, name) => (sa ? core.get(sa, namespace, name) : undefined),
  });
  const authorizer = new Authorizer(rbacLoader((key) => [...core.store.scan(key, undefined, undefined)]));
  core.onCommit((events) => authorizer.changed(events.map((e) => e.resource)));
  return { authenticator, authorizer };
}

function seedNamespaces(core: Core): void {
  const ns = core.catalog.forKind('Namespace');
  if (!ns) return;
  for (const name of defaultNamespaces) {
    if (!core.get(ns, '', name))
      create(core, ns, '', { metadata: { name } }, { fieldValidation: 'Ignore', dryRun: false });
  }
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const clock = options.clock ?? systemClock;
  const log = options.logger ?? pino({ level: 'silent' });
  const host = options.host ?? '127.0.0.1';
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const credentials = await ensureCredentials(join(options.dataDir, 'pki'), host, clock.now());
  const store = new Store(join(options.dataDir, 'store.db'), {
    ...(options.eventWindow === undefined ? {} : { eventWindow: options.eventWindow }),
    ...(options.storeQuotaBytes === undefined ? {} : { quotaBytes: options.storeQuotaBytes }),
  });
  const catalog = catalogFor(options.extraResources, options.serviceCidr);
  const core = new Core({ store, catalog, hub: new WatchHub(), clock, log });
  const gc = new GarbageCollector(core);
  seedNamespaces(core);
  syncCrds(core);
  let address = '';
  const handler = createHandler({
    core,
    auth: authFor(core, join(options.dataDir, 'pki'), credentials.token),
    serverAddress: () => address,
    openapi: { v2: buildV2(catalog), v3: buildV3(catalog) },
    version: serverVersion,
    health: healthChecks(store),
    bodyLimit: options.bodyLimit ?? defaultBodyLimit,
    watch: {
      bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
      maxTimeoutSeconds: options.maxWatchSeconds ?? 1800,
      maxBufferedBytes: 64 * 1024 * 1024,
    },
  });
  const server = createServer({ key: credentials.keyPem, cert: credentials.certPem }, handler);
  server.keepAliveTimeout = 65_000;
  // Every raw socket, including those still in the TLS handshake (closeAllConnections only knows HTTP ones).
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    gc.close();
    store.close();
    throw new Error(`apiserver: cannot listen on ${host}:${options.port ?? 0}`, { cause: error });
  }
  const port = (server.address() as AddressInfo).port;
  address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const url = `https://${address}`;
  const kubeconfigPath = join(options.dataDir, 'kubeconfig');
  writeKubeconfig(kubeconfigPath, url, credentials.caPem, credentials.token);
  gc.recover();
  log.info(
    { url, dataDir: options.dataDir, objects: store.count(), revision: store.revision() },
    'apiserver listening',
  );
  let closed: Promise<void> | undefined;
  return {
    url,
    caPem: credentials.caPem,
    token: credentials.token,
    kubeconfigPath,
    close() {
      closed ??= new Promise<void>((resolve) => {
        gc.close();
        server.close(() => {
          store.close();
          resolve();
        });
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}
