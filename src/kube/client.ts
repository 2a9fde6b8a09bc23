/**
 * The one HTTP client for a Kubernetes API server (CLI, controller writes, lab, scheduler, agents) and the one
 * request type, `KubeRequest`: one JSON request at a time, authenticated by an `Endpoint` (the CLI's own kubeconfig
 * reader, or any client-node `KubeConfig` through `endpointOf`; request.ts keeps one client per `KubeConfig`).
 * Informers stream through src/kube/informer-http.ts; paths come from src/kube/paths.ts. Callers choose the Accept
 * header (server-side tables) and name the patch dialect. A non-2xx answer becomes an `ApiStatusError` carrying the
 * server's `Status` (tested with the predicates of errors.ts); a connection failure an `UnreachableError`. `Warning`
 * headers (RFC 7234 `299 - "text"`, as kube-apiserver sends admission warnings) go to the client's `onWarning`. Why not
 * client-node's `KubernetesObjectApi`: docs/adr/0009-cli-api-client.md.
 */
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { ApiStatusError, UnreachableError, reasonForCode, type KubeStatus } from './errors.ts';

export type Query = Record<string, string | number | boolean | undefined>;

/** How a PATCH body is applied: JSON merge patch (RFC 7386), JSON patch (RFC 6902), strategic merge patch. */
export type PatchType = 'merge' | 'json' | 'strategic';

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

export interface KubeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Query;
  /** Sent as JSON. */
  body?: unknown;
  /** For PATCH: how the body is to be applied (default merge). */
  patch?: PatchType;
  accept?: string;
  timeoutMs?: number;
}

/** The Content-Type of a request's body. */
export function contentTypeOf(request: Pick<KubeRequest, 'method' | 'patch'>): string {
  return request.method === 'PATCH' ? PATCH_CONTENT_TYPES[request.patch ?? 'merge'] : 'application/json';
}

/** A server and how to authenticate to it. */
export interface Endpoint {
  server: string;
  /** Adds TLS settings and credentials to a request's options. */
  authenticate(options: https.RequestOptions): Promise<void>;
}

/** The endpoint a client-node `KubeConfig` names (its current cluster and user). */
export function endpointOf(kubeConfig: KubeConfig): Endpoint {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig names no current cluster');
  return { server: cluster.server, authenticate: (options) => kubeConfig.applyToHTTPSOptions(options) };
}

export interface KubeClientOptions {
  /** Called with the text of each `Warning` header of an answer (kubectl prints them as `Warning: <text>`). */
  onWarning?: (text: string) => void;
}

/** The texts of `Warning` header values (`<code> <agent> "<text>"`, the text quoted with `\` escapes); others as given. */
export function warningTexts(values: readonly string[]): string[] {
  return values.map((value) => {
    const m = /^\d{3} \S+ "((?:[^"\\]|\\.)*)"/.exec(value);
    return m ? m[1]!.replace(/\\(.)/g, '$1') : value;
  });
}

export class KubeClient {
  readonly server: string;
  readonly #endpoint: Endpoint;
  readonly #onWarning: ((text: string) => void) | undefined;
  #agent: https.Agent | undefined;

  constructor(endpoint: Endpoint, options: KubeClientOptions = {}) {
    this.#endpoint = endpoint;
    this.#onWarning = options.onWarning;
    this.server = endpoint.server.replace(/\/$/, '');
  }

  async request<T = unknown>(request: KubeRequest): Promise<T> {
    const url = new URL(this.server + request.path);
    for (const [k, v] of Object.entries(request.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
    const headers: Record<string, string> = {
      Accept: request.accept ?? 'application/json',
      'User-Agent': 'kovn',
    };
    if (payload !== undefined) {
      headers['Content-Type'] = contentTypeOf(request);
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const options: https.RequestOptions = {
      method: request.method,
      headers,
      signal: AbortSignal.timeout(request.timeoutMs ?? 32_000),
    };
    await this.#endpoint.authenticate(options);
    if (url.protocol === 'https:') options.agent = this.#keepAliveAgent(options);
    const { status, body, warnings } = await send(url, options, payload).catch((cause: unknown) => {
      throw new UnreachableError(this.server, { cause });
    });
    if (this.#onWarning) for (const text of warningTexts(warnings)) this.#onWarning(text);
    const parsed = parseJson(body);
    if (status >= 200 && status <= 299) return parsed as T;
    const kubeStatus: KubeStatus =
      parsed && typeof parsed === 'object' && (parsed as KubeStatus).kind === 'Status'
        ? parsed
        : { code: status, reason: reasonForCode(status), message: body.trim().slice(0, 500) };
    throw new ApiStatusError(`${request.method} ${request.path}`, status, kubeStatus);
  }

  /**
   * One keep-alive agent per client, with the TLS material of the first request. client-node's
   * `applyToHTTPSOptions` hands every call a new Agent without keep-alive, so each request would cost a TCP and TLS
   * handshake on both ends (most of the lab's API traffic is small writes, where that dominated the CPU).
   */
  #keepAliveAgent(options: https.RequestOptions): https.Agent {
    this.#agent ??= new https.Agent({
      keepAlive: true,
      ...pick(options, ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername']),
    });
    return this.#agent;
  }
}

function pick<T extends object, K extends keyof T>(from: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (from[k] !== undefined) out[k] = from[k];
  return out;
}

function parseJson(body: string): unknown {
  if (body === '') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function send(
  url: URL,
  options: https.RequestOptions,
  payload: string | undefined,
): Promise<{ status: number; body: string; warnings: string[] }> {
  const request = url.protocol === 'http:' ? http.request : https.request;
  return new Promise((resolve, reject) => {
    const req = request(url, options, (res) => {
      res.setEncoding('utf8');
      let text = '';
      res.on('data', (chunk: string) => (text += chunk));
      const warnings = res.rawHeaders.filter(
        (_, i) => i % 2 === 1 && /^warning$/i.test(res.rawHeaders[i - 1]!),
      );
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, warnings }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}
