// Helpers shared by the lab end-to-end tests (test/integration/lab/*-e2e) and the integration tests that drive the
// kovn CLI or the API server the same way: the kovn CLI run with a KOVN_HOME, commands in a pod's network namespace,
// polling (`eventually`), API get/create/delete/list through kube-request, and a lab brought up in a temp home with a
// random id and taken down leaving no namespace. One copy, so the tests cannot drift apart; where the copies
// differed (timeouts, poll intervals, retrying on errors) the difference is a parameter.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../src/api/types.ts';
import { kubeRequest } from '../../src/kube/request.ts';
import { kindCollectionPath, objectPath } from '../../src/kube/resources.ts';
import { labLayout, type LabLayout } from '../../src/lab/layout.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(ROOT, 'src/cli/main.ts');
/** The lab needs root: network namespaces and OVS. */
export const skipUnlessRoot = process.getuid?.() !== 0 ? 'needs root (network namespaces, OVS)' : false;
/** The seed's NAT gateway manifests (examples/config-vpc/nat-gateway), in apply order, one variant of each object. */
export const NAT_MANIFESTS = [
  '00-nat-configmaps',
  '01-external-network',
  '02-gateway',
  '03-eip-random',
  '04-dnat',
  '05-snat',
  '06-fip',
];

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type Eventually = <T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  ms?: number,
) => Promise<T>;

/**
 * An `eventually(what, fn, ms?)`: polls `fn` every `every` ms until it returns something other than undefined or
 * false, and returns that; throws "timed out waiting for <what>" after `ms` (default `defaults.ms`). With
 * `retryErrors`, a throwing `fn` counts as "not yet" and the last error becomes the timeout's cause.
 */
export function poller(defaults: { ms: number; every: number; retryErrors?: boolean }): Eventually {
  return async (what, fn, ms = defaults.ms) => {
    const deadline = Date.now() + ms;
    let last: unknown;
    for (;;) {
      if (defaults.retryErrors) {
        try {
          const v = await fn();
          if (v !== undefined && v !== false) return v;
        } catch (err) {
          last = err;
        }
      } else {
        const v = await fn();
        if (v !== undefined && v !== false) return v;
      }
      if (Date.now() > deadline) {
        if (defaults.retryErrors) throw new Error(`timed out waiting for ${what}`, { cause: last });
        throw new Error(`timed out waiting for ${what}`);
      }
      await sleep(defaults.every);
    }
  };
}

/** `kovn ARGS` as a child process with KOVN_HOME=home: exit code and stdout+stderr. */
export function runKovn(home: string, args: string[], timeout = 240_000): { code: number; out: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    env: { ...process.env, KOVN_HOME: home },
    encoding: 'utf8',
    timeout,
  });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** A command inside a network namespace (`ip netns exec`). */
export const inNetns = (netns: string, cmd: string[], timeout: number): SpawnSyncReturns<string> =>
  spawnSync('ip', ['netns', 'exec', netns, ...cmd], { encoding: 'utf8', timeout });

/** A command inside the network namespace of pod ns/pod of the lab. */
export const inPodNetns = (
  layout: LabLayout,
  ns: string,
  pod: string,
  cmd: string[],
  timeout: number,
): SpawnSyncReturns<string> => inNetns(layout.podNetns(ns, pod), cmd, timeout);

/** The host's network namespaces (`ip netns list`). */
export const netnsList = (): string => spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;

/** `kubectl --kubeconfig KUBECONFIG ARGS`. */
export const kubectlRun = (kubeconfig: string, args: string[], timeout?: number): SpawnSyncReturns<string> =>
  spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...args], {
    encoding: 'utf8',
    ...(timeout === undefined ? {} : { timeout }),
  });

/** `ovn-nbctl` against the lab's central NB. */
export const nbctlRun = (layout: LabLayout, args: string[]): SpawnSyncReturns<string> =>
  spawnSync('ovn-nbctl', [`--db=unix:${join(layout.centralDir, 'nb.sock')}`, ...args], {
    encoding: 'utf8',
    env: { ...process.env, OVS_RUNDIR: layout.centralDir },
  });

/** An object, or undefined when it cannot be read (absent). */
export const getObject = (kc: KubeConfig, kind: string, name: string, namespace?: string) =>
  kubeRequest<KubeObject>(kc, { method: 'GET', path: objectPath(kind, name, namespace) }).catch(
    () => undefined,
  );
/**
 * A pod pinned to a subnet and an address by Kube-OVN's annotations, with one container declaring port 80 (the
 * lab's responder answers HTTP there, naming the pod); `readiness` adds an HTTP readiness probe on it.
 */
export const webPodAt = (o: {
  name: string;
  namespace: string;
  subnet: string;
  ip: string;
  readiness?: boolean;
  /** Bound to this node (`spec.nodeName`) instead of where the lab's scheduler puts it. */
  node?: string;
}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: o.name,
    namespace: o.namespace,
    annotations: { 'ovn.kubernetes.io/logical_switch': o.subnet, 'ovn.kubernetes.io/ip_address': o.ip },
  },
  spec: {
    ...(o.node ? { nodeName: o.node } : {}),
    containers: [
      {
        name: 'web',
        image: 'nginx',
        ports: [{ containerPort: 80 }],
        ...(o.readiness
          ? { readinessProbe: { httpGet: { path: '/healthz', port: 80 }, periodSeconds: 2 } }
          : {}),
      },
    ],
  },
});

export const createObject = (kc: KubeConfig, obj: KubeObject) =>
  kubeRequest<KubeObject>(kc, {
    method: 'POST',
    path: kindCollectionPath(obj.kind, obj.metadata.namespace),
    body: obj,
  });
export const deleteObject = (kc: KubeConfig, kind: string, name: string, namespace?: string) =>
  kubeRequest(kc, { method: 'DELETE', path: objectPath(kind, name, namespace) });
export const listObjects = async (kc: KubeConfig, kind: string, namespace?: string) =>
  (
    await kubeRequest<{ items: KubeObject[] }>(kc, {
      method: 'GET',
      path: kindCollectionPath(kind, namespace),
    })
  ).items;

/** get/create/del bound to a KubeConfig read at call time (tests assign it in `before`). */
export function kubeApi(kc: () => KubeConfig) {
  return {
    get: (kind: string, name: string, namespace?: string) => getObject(kc(), kind, name, namespace),
    create: (obj: KubeObject) => createObject(kc(), obj),
    del: (kind: string, name: string, namespace?: string) => deleteObject(kc(), kind, name, namespace),
  };
}

/** Waits until pod ns/name is Running; its podIP. */
export const runningPodIp = (
  kc: KubeConfig,
  eventually: Eventually,
  ns: string,
  name: string,
): Promise<string> =>
  eventually(`${ns}/${name} running`, async () => {
    const s = (await getObject(kc, 'Pod', name, ns))?.['status'] as
      { phase?: string; podIP?: string } | undefined;
    return s?.phase === 'Running' ? s.podIP : undefined;
  });

/** A new temp home (`<tmpdir>/<homePrefix>XXXXXX`) and the layout of a lab with id `<idPrefix><8 hex>` in it. */
export function labHome(homePrefix: string, idPrefix: string): { home: string; layout: LabLayout } {
  const home = mkdtempSync(join(tmpdir(), homePrefix));
  return { home, layout: labLayout(home, `${idPrefix}${randomBytes(4).toString('hex')}`) };
}

/**
 * `kovn up` of that lab; asserts it came up; its kubeconfig. Separate from labHome so that a test holds home and
 * layout (for labDown in `after`) even when the lab fails to come up.
 */
export function labUp(home: string, layout: LabLayout, args: readonly string[] = []): KubeConfig {
  const up = runKovn(home, ['up', '--id', layout.id, ...args]);
  assert.equal(up.code, 0, up.out);
  const kc = new KubeConfig();
  kc.loadFromFile(layout.kubeconfig);
  return kc;
}

/** `kovn down`; asserts it succeeded and left no network namespace of the lab. */
export function labDown(home: string, layout: LabLayout): void {
  const down = runKovn(home, ['down']);
  assert.equal(down.code, 0, down.out);
  assert.doesNotMatch(netnsList(), new RegExp(`^${layout.id}-`, 'm'), 'no namespace of the lab is left');
}
