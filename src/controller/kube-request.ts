/**
 * One JSON request to a Kubernetes API server named by a `KubeConfig` (its TLS and credentials applied): the write
 * side next to informer-http.ts's GET and watch. A non-2xx answer becomes a `KubeApiError` carrying the server's
 * `Status`, so callers can tell NotFound (404) and AlreadyExists/Conflict (409) from real failures.
 */
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError, type KubeStatus } from './informer-http.ts';

export type PatchType = 'merge' | 'json' | 'strategic';

const CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

export interface KubeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  /** For PATCH: how the body is to be applied (default merge). */
  patch?: PatchType;
  timeoutMs?: number;
}

export async function kubeRequest<T = unknown>(kc: KubeConfig, request: KubeRequest): Promise<T> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  const url = new URL(cluster.server.replace(/\/$/, '') + request.path);
  const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (payload !== undefined) {
    headers['Content-Type'] =
      request.method === 'PATCH' ? CONTENT_TYPES[request.patch ?? 'merge'] : 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  const options: https.RequestOptions = {
    method: request.method,
    headers,
    signal: AbortSignal.timeout(request.timeoutMs ?? 30_000),
  };
  await kc.applyToHTTPSOptions(options);
  const send = url.protocol === 'http:' ? http.request : https.request;
  const what = `${request.method} ${request.path}`;
  const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = send(url, options, (res) => {
      res.setEncoding('utf8');
      let text = '';
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
  let parsed: unknown;
  try {
    parsed = body === '' ? undefined : JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (status < 200 || status > 299) {
    const kubeStatus: KubeStatus = (parsed as KubeStatus | undefined) ?? { message: body.slice(0, 200) };
    throw new KubeApiError(what, status, kubeStatus);
  }
  return parsed as T;
}

export const isNotFound = (err: unknown): boolean => err instanceof KubeApiError && err.statusCode === 404;
export const isAlreadyExists = (err: unknown): boolean =>
  err instanceof KubeApiError && err.statusCode === 409 && err.status?.reason === 'AlreadyExists';
