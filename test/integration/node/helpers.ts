// Test support for the node side: an embedded API server in a temp dir with a small client over src/kube/request.ts,
// running the kovn-cni binary as a runtime does (env + stdin), and a root check. Every helper registers its own
// cleanup with `defer` (run after the test, last registered first), so nothing outlives the test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject, ObjectMeta } from '../../../src/api/types.ts';
import { startApiServer } from '../../../src/apiserver/server.ts';
import { isNotFound } from '../../../src/kube/errors.ts';
import { kubeRequest } from '../../../src/kube/request.ts';
import { processRunner, type RunResult } from '../../../src/util/exec.ts';

export const PROJECT = resolve(import.meta.dirname, '../../..');
export const KOVN_CNI = join(PROJECT, 'bin/kovn-cni');

export interface TestLike {
  after(fn: () => Promise<void> | void): void;
  skip(message: string): void;
}

const stacks = new WeakMap<TestLike, (() => Promise<void> | void)[]>();

/** Runs `fn` after the test, in reverse order of registration (what was made last is undone first). */
export function defer(t: TestLike, fn: () => Promise<void> | void): void {
  let stack = stacks.get(t);
  if (!stack) {
    const fns: (() => Promise<void> | void)[] = [];
    stacks.set(t, (stack = fns));
    t.after(async () => {
      for (const f of fns.splice(0).reverse()) await f();
    });
  }
  stack.push(fn);
}

export function tempDir(t: TestLike, prefix = 'kovn-node-it-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  defer(t, () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export const isRoot = (): boolean => process.getuid?.() === 0;

/** A random lab id (layout.ts: 1-12 of [a-z0-9]). */
export const randomLabId = (): string => `t${Math.random().toString(36).slice(2, 9)}`;

export interface NewObject {
  kind: string;
  apiVersion?: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export interface Api {
  kc: KubeConfig;
  kubeconfigPath: string;
  create(obj: NewObject): Promise<KubeObject>;
  get(path: string): Promise<KubeObject | undefined>;
  patch(path: string, body: unknown, subresource?: string): Promise<KubeObject>;
  remove(path: string): Promise<void>;
}

const collection: Record<string, (ns: string) => string> = {
  Pod: (ns) => `/api/v1/namespaces/${ns}/pods`,
  Node: () => '/api/v1/nodes',
  Namespace: () => '/api/v1/namespaces',
  NetworkAttachmentDefinition: (ns) =>
    `/apis/k8s.cni.cncf.io/v1/namespaces/${ns}/network-attachment-definitions`,
  Subnet: () => '/apis/kubeovn.io/v1/subnets',
};
export const podPath = (ns: string, name: string): string => `/api/v1/namespaces/${ns}/pods/${name}`;
export const nodePath = (name: string): string => `/api/v1/nodes/${name}`;

/** An embedded API server for this test, stopped and removed after it. */
export async function apiServer(t: TestLike): Promise<Api> {
  const dataDir = tempDir(t, 'kovn-node-api-');
  const server = await startApiServer({ dataDir });
  defer(t, () => server.close());
  const kc = new KubeConfig();
  kc.loadFromFile(server.kubeconfigPath);
  return {
    kc,
    kubeconfigPath: server.kubeconfigPath,
    create: async (obj) => {
      const path = collection[obj.kind]?.(obj.metadata.namespace ?? 'default');
      if (!path) throw new Error(`no path for ${obj.kind}`);
      const apiVersion =
        obj.apiVersion ??
        (obj.kind === 'NetworkAttachmentDefinition'
          ? 'k8s.cni.cncf.io/v1'
          : obj.kind === 'Subnet'
            ? 'kubeovn.io/v1'
            : 'v1');
      return kubeRequest<KubeObject>(kc, { method: 'POST', path, body: { ...obj, apiVersion } });
    },
    get: async (path) => {
      try {
        return await kubeRequest<KubeObject>(kc, { method: 'GET', path });
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    patch: (path, body, subresource) =>
      kubeRequest<KubeObject>(kc, {
        method: 'PATCH',
        path: subresource ? `${path}/${subresource}` : path,
        body,
        patch: 'merge',
      }),
    remove: async (path) => {
      await kubeRequest(kc, { method: 'DELETE', path }).catch((err: unknown) => {
        if ((err as { statusCode?: number }).statusCode !== 404) throw err;
      });
    },
  };
}

export interface CniCall {
  command: 'ADD' | 'DEL' | 'CHECK' | 'VERSION';
  conf: unknown;
  env?: Record<string, string>;
  netns?: string;
  ifname?: string;
  pod?: { namespace: string; name: string };
}

/** Runs a CNI plugin binary as a runtime does: CNI_* variables and the config on stdin. */
export function callPlugin(
  binary: string,
  call: CniCall,
  options: { runIn?: string } = {},
): Promise<RunResult> {
  const env: Record<string, string> = {
    CNI_COMMAND: call.command,
    CNI_CONTAINERID: 'c0ffee',
    CNI_NETNS: call.netns ?? '/var/run/netns/none',
    CNI_IFNAME: call.ifname ?? 'eth0',
    CNI_PATH: '/usr/lib/cni',
    CNI_ARGS: call.pod
      ? `IgnoreUnknown=1;K8S_POD_NAMESPACE=${call.pod.namespace};K8S_POD_NAME=${call.pod.name}`
      : '',
    ...call.env,
  };
  return processRunner.run(binary, [], {
    env,
    input: typeof call.conf === 'string' ? call.conf : JSON.stringify(call.conf),
    timeoutMs: 60_000,
    ...(options.runIn ? { netns: options.runIn } : {}),
  });
}

/** Polls until `probe` returns a value; fails after `timeoutMs`. */
export async function eventually<V>(
  what: string,
  probe: () => Promise<V | undefined> | V | undefined,
  timeoutMs = 20_000,
): Promise<V> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
