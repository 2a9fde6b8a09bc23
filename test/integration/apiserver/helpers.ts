/**
 * Test harness for the embedded API server: starts it in a temporary data dir (port 0), gives a
 * @kubernetes/client-node KubeConfig and a raw HTTPS client (JSON bodies, streaming watches), defines a
 * test-only custom kind (Widget, with status subresource, defaulting and validation), and cleans up.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { Type } from '@sinclair/typebox';
import type { FieldIssue, KindAdmission, KubeObject, ResourceType } from '../../../src/api/types.ts';
import { startApiServer, type ApiServer, type ApiServerOptions } from '../../../src/apiserver/server.ts';

export const widgetType: ResourceType = {
  group: 'test.kovn.io',
  version: 'v1',
  kind: 'Widget',
  listKind: 'WidgetList',
  plural: 'widgets',
  singular: 'widget',
  shortNames: ['wd'],
  categories: [],
  namespaced: true,
  subresources: { status: true },
  printerColumns: [
    { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    { name: 'Tags', type: 'string', jsonPath: '.spec.tags', priority: 1 },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
  schema: Type.Object({
    apiVersion: Type.Optional(Type.String()),
    kind: Type.Optional(Type.String()),
    metadata: Type.Optional(Type.Object({})),
    spec: Type.Optional(
      Type.Object({
        size: Type.Optional(Type.Integer({ minimum: 0, description: 'How big' })),
        color: Type.Optional(Type.Union([Type.Literal('red'), Type.Literal('blue')])),
        tags: Type.Optional(Type.Array(Type.String())),
        extra: Type.Optional(Type.Object({}, { 'x-kubernetes-preserve-unknown-fields': true })),
      }),
    ),
    status: Type.Optional(Type.Object({ phase: Type.Optional(Type.String()) })),
  }),
};

/** Defaults spec.size to 1; size 13 is invalid; blue is forbidden while a Widget named "blocker" exists; protected ones stay. */
export const widgetAdmission: KindAdmission = {
  default(object) {
    const spec = { ...((object['spec'] as Record<string, unknown> | undefined) ?? {}) };
    spec.size ??= 1;
    return { ...object, spec };
  },
  validate({ object, oldObject, operation, view }) {
    const issues: FieldIssue[] = [];
    if (operation === 'DELETE') {
      if (oldObject?.metadata.labels?.protected === 'true') {
        issues.push({
          field: 'metadata.labels[protected]',
          type: 'FieldValueForbidden',
          message: 'protected widgets cannot be deleted',
          reason: 'Forbidden',
        });
      }
      return issues;
    }
    const spec = (object?.['spec'] ?? {}) as { size?: number; color?: string };
    if (spec.size === 13)
      issues.push({ field: 'spec.size', type: 'FieldValueInvalid', value: 13, message: 'unlucky' });
    if (spec.color === 'blue' && view.get('Widget', 'blocker', object?.metadata.namespace)) {
      issues.push({
        field: 'spec.color',
        type: 'FieldValueForbidden',
        message: 'blue is blocked by widget blocker',
        reason: 'Forbidden',
      });
    }
    return issues;
  },
};

export interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface RequestOptions {
  body?: unknown;
  rawBody?: string | Buffer;
  contentType?: string;
  accept?: string;
  token?: string | null;
}

export interface TestServer {
  server: ApiServer;
  dir: string;
  kc: KubeConfig;
  request(method: string, path: string, options?: RequestOptions): Promise<Response>;
  watch(path: string): Promise<WatchStream>;
  restart(extra?: Partial<ApiServerOptions>): Promise<void>;
  close(): Promise<void>;
}

export interface WatchEvent {
  type: string;
  object: KubeObject & { code?: number; reason?: string };
}

export interface WatchStream {
  status: number;
  /** Resolves with the next event, or rejects after timeoutMs. */
  next(timeoutMs?: number): Promise<WatchEvent>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export function serverOptions(dir: string, extra: Partial<ApiServerOptions> = {}): ApiServerOptions {
  return { dataDir: dir, extraResources: [{ type: widgetType, admission: widgetAdmission }], ...extra };
}

export function rawRequest(
  server: ApiServer,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<Response> {
  const url = new URL(path, server.url);
  const headers: Record<string, string> = { Accept: options.accept ?? 'application/json' };
  if (options.token !== null) headers.Authorization = `Bearer ${options.token ?? server.token}`;
  let payload: string | Buffer | undefined = options.rawBody;
  if (options.body !== undefined) payload = JSON.stringify(options.body);
  if (payload !== undefined) {
    headers['Content-Type'] = options.contentType ?? 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, headers, ca: server.caPem }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = undefined;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export async function rawWatch(server: ApiServer, path: string): Promise<WatchStream> {
  const url = new URL(path, server.url);
  const req = httpsRequest(url, {
    method: 'GET',
    headers: { Authorization: `Bearer ${server.token}`, Accept: 'application/json' },
    ca: server.caPem,
  });
  req.end();
  const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
  const queue: WatchEvent[] = [];
  const waiters: Array<(e: WatchEvent) => void> = [];
  let buffer = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (!line.trim()) continue;
      const event = JSON.parse(line) as WatchEvent;
      const waiter = waiters.shift();
      if (waiter) waiter(event);
      else queue.push(event);
    }
  });
  const ended = new Promise<void>((resolve) => {
    res.on('end', () => resolve());
    res.on('close', () => resolve());
    res.on('error', () => resolve());
  });
  return {
    status: res.statusCode ?? 0,
    ended,
    next(timeoutMs = 5000) {
      const queued = queue.shift();
      if (queued) return Promise.resolve(queued);
      return new Promise<WatchEvent>((resolve, reject) => {
        const timer = setTimeout(() => {
          const i = waiters.indexOf(deliver);
          if (i >= 0) waiters.splice(i, 1);
          reject(new Error(`no watch event within ${timeoutMs} ms on ${path}`));
        }, timeoutMs);
        const deliver = (e: WatchEvent): void => {
          clearTimeout(timer);
          resolve(e);
        };
        waiters.push(deliver);
      });
    },
    close() {
      req.destroy();
      res.destroy();
    },
  };
}

export function tempDir(prefix = 'kovn-apiserver-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startTestServer(extra: Partial<ApiServerOptions> = {}): Promise<TestServer> {
  const dir = tempDir();
  let server = await startApiServer(serverOptions(join(dir, 'data'), extra));
  const kc = new KubeConfig();
  kc.loadFromFile(server.kubeconfigPath);
  const harness: TestServer = {
    get server() {
      return server;
    },
    dir,
    kc,
    request: (method, path, options) => rawRequest(server, method, path, options),
    watch: (path) => rawWatch(server, path),
    async restart(more = {}) {
      await server.close();
      server = await startApiServer(serverOptions(join(dir, 'data'), { ...extra, ...more }));
      kc.loadFromFile(server.kubeconfigPath);
    },
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Polls until fn returns a truthy value (or throws after timeoutMs). */
export async function eventually<T>(
  fn: () => Promise<T> | T,
  timeoutMs = 5000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`, { cause: last });
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function widget(
  name: string,
  spec: Record<string, unknown> = {},
  meta: Record<string, unknown> = {},
): Record<string, unknown> {
  return { apiVersion: 'test.kovn.io/v1', kind: 'Widget', metadata: { name, ...meta }, spec };
}
