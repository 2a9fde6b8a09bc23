/**
 * Calling CNI plugins the way a container runtime (libcni) does: find the plugin named by `type` on CNI_PATH, run
 * it inside the node's network namespace (where the runtime lives; a macvlan `master` is looked up there) with the
 * `CNI_*` variables and the plugin's config on stdin (the list's `cniVersion` and `name` injected, and for ADD/CHECK
 * the previous plugin's result as `prevResult`), read the result or the CNI error object from stdout. ADD runs a
 * list's plugins in order, DEL in reverse. `KOVN_CNI_SOCKET` tells our plugin (and, through the delegating plugin's
 * environment, our IPAM) which node agent to ask (ADR 7).
 */
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { SOCKET_ENV } from '../../node/cni/protocol.ts';
import { isCniErrorObject, type CniResult } from '../../node/cni/spec.ts';
import type { ProcessRunner } from '../../util/exec.ts';
import type { ConfList, PluginConf } from './networks.ts';

export interface CniRuntime {
  runner: ProcessRunner;
  /** CNI_PATH, searched in order. */
  binDirs: readonly string[];
  /** Where plugins run (the node's network namespace). */
  runNetns: string;
  /** The node agent's socket (`KOVN_CNI_SOCKET`). */
  agentSocket: string;
  timeoutMs?: number;
}

export interface Attachment {
  containerId: string;
  /** CNI_NETNS (a path). */
  netnsPath: string;
  ifname: string;
  podNamespace: string;
  podName: string;
  podUid: string;
}

/** A plugin failed: its CNI error object, or what it printed. */
export class CniPluginError extends Error {
  readonly code: number;
  constructor(message: string, code: number) {
    super(message);
    this.name = 'CniPluginError';
    this.code = code;
  }
}

/** The first executable `type` on the path. */
export function findPlugin(type: string, binDirs: readonly string[]): string {
  if (!/^[A-Za-z0-9._-]+$/.test(type))
    throw new CniPluginError(`plugin type ${JSON.stringify(type)} is not a file name`, 7);
  for (const dir of binDirs) {
    const path = join(dir, type);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  throw new CniPluginError(`failed to find plugin "${type}" in path [${binDirs.join(' ')}]`, 7);
}

/** CNI_ARGS as Kubernetes runtimes pass them (IgnoreUnknown so plugins that do not know K8S_* keys accept them). */
export function cniArgs(a: Attachment): string {
  return [
    'IgnoreUnknown=1',
    `K8S_POD_NAMESPACE=${a.podNamespace}`,
    `K8S_POD_NAME=${a.podName}`,
    `K8S_POD_INFRA_CONTAINER_ID=${a.containerId}`,
    `K8S_POD_UID=${a.podUid}`,
  ].join(';');
}

/** The stdin config of plugin `index` of a list. */
export function pluginStdin(
  list: ConfList,
  plugin: PluginConf,
  prevResult?: CniResult,
): Record<string, unknown> {
  return { ...plugin, cniVersion: list.cniVersion, name: list.name, ...(prevResult ? { prevResult } : {}) };
}

async function execPlugin(
  rt: CniRuntime,
  command: 'ADD' | 'DEL' | 'CHECK',
  conf: Record<string, unknown> & { type: string },
  a: Attachment,
): Promise<CniResult | undefined> {
  const binary = findPlugin(conf.type, rt.binDirs);
  const env: Record<string, string> = {
    CNI_COMMAND: command,
    CNI_CONTAINERID: a.containerId,
    CNI_NETNS: a.netnsPath,
    CNI_IFNAME: a.ifname,
    CNI_ARGS: cniArgs(a),
    CNI_PATH: rt.binDirs.join(':'),
    [SOCKET_ENV]: rt.agentSocket,
  };
  const r = await rt.runner.run(binary, [], {
    env,
    input: JSON.stringify(conf),
    netns: rt.runNetns,
    timeoutMs: rt.timeoutMs ?? 120_000,
  });
  let out: unknown;
  try {
    out = r.stdout.trim() === '' ? undefined : JSON.parse(r.stdout);
  } catch {
    out = undefined;
  }
  const what = `${conf.type} ${command} ${a.ifname}`;
  if (r.code !== 0) {
    if (isCniErrorObject(out))
      throw new CniPluginError(`${what}: ${out.msg}${out.details ? `: ${out.details}` : ''}`, out.code);
    throw new CniPluginError(`${what}: exit ${r.code}: ${(r.stdout + r.stderr).trim().slice(0, 400)}`, 999);
  }
  if (command !== 'ADD') return undefined;
  if (typeof out !== 'object' || out === null) throw new CniPluginError(`${what}: printed no result`, 999);
  return out as CniResult;
}

/** ADD every plugin of the list in order; returns the last result. */
export async function addNetwork(rt: CniRuntime, list: ConfList, a: Attachment): Promise<CniResult> {
  let prev: CniResult | undefined;
  for (const plugin of list.plugins) {
    prev = await execPlugin(rt, 'ADD', { ...pluginStdin(list, plugin, prev), type: plugin.type }, a);
  }
  if (!prev) throw new CniPluginError(`network ${list.name}: no result`, 999);
  return prev;
}

/** DEL every plugin of the list in reverse order (with the cached ADD result, if any). */
export async function delNetwork(
  rt: CniRuntime,
  list: ConfList,
  a: Attachment,
  result?: CniResult,
): Promise<void> {
  for (const plugin of [...list.plugins].reverse()) {
    await execPlugin(rt, 'DEL', { ...pluginStdin(list, plugin, result), type: plugin.type }, a);
  }
}

/** CHECK every plugin of the list in order, with the cached ADD result. */
export async function checkNetwork(
  rt: CniRuntime,
  list: ConfList,
  a: Attachment,
  result: CniResult,
): Promise<void> {
  for (const plugin of list.plugins) {
    await execPlugin(rt, 'CHECK', { ...pluginStdin(list, plugin, result), type: plugin.type }, a);
  }
}
