/**
 * The core of `kovn exec NAMESPACE/POD -- CMD ...`: run a command inside a pod's network namespace (the node's, for
 * a hostNetwork pod) and pass its exit code through. The pod must exist in the lab's API server and be bound to a
 * node, and its namespace must be one this lab created (`layout.podNetns`), so a stale or foreign namespace of the
 * same name is never entered.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../api/types.ts';
import { isNotFound } from '../kube/errors.ts';
import { kubeRequest } from '../kube/request.ts';
import { objectPath } from '../kube/resources.ts';
import { processRunner, type ProcessRunner, type RunResult } from '../util/exec.ts';
import type { LabLayout } from './layout.ts';
import { netnsExists } from './kubelet/netns.ts';

export interface ExecInPodOptions {
  layout: LabLayout;
  kubeConfig: KubeConfig;
  namespace: string;
  pod: string;
  /** The command and its arguments. */
  command: readonly string[];
  runner?: ProcessRunner;
  /** Written to the command's stdin. */
  input?: string;
  timeoutMs?: number;
}

/** Why a command could not be started in the pod (the command's own failures are exit codes, not this). */
export class PodExecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PodExecError';
  }
}

/** The namespace a pod's processes would live in. */
export async function podNetnsFor(options: Omit<ExecInPodOptions, 'command'>): Promise<string> {
  const { layout, kubeConfig, namespace, pod } = options;
  let obj: KubeObject;
  try {
    obj = await kubeRequest<KubeObject>(kubeConfig, {
      method: 'GET',
      path: objectPath('Pod', pod, namespace),
    });
  } catch (err) {
    if (isNotFound(err)) throw new PodExecError(`pod ${namespace}/${pod} not found`);
    throw err;
  }
  const spec = (obj['spec'] ?? {}) as { nodeName?: string; hostNetwork?: boolean };
  if (!spec.nodeName) throw new PodExecError(`pod ${namespace}/${pod} is not scheduled to a node yet`);
  const netns = spec.hostNetwork ? layout.nodeNetns(spec.nodeName) : layout.podNetns(namespace, pod);
  if (!layout.owns(netns) || !netnsExists(netns))
    throw new PodExecError(
      `pod ${namespace}/${pod} has no network namespace in this lab yet (${netns}); is it Running? (kovn get pods)`,
    );
  return netns;
}

/** Runs `command` in the pod's namespace; resolves with its exit code and output. */
export async function execInPod(options: ExecInPodOptions): Promise<RunResult> {
  if (!options.command.length || !options.command[0]) throw new PodExecError('no command given');
  const netns = await podNetnsFor(options);
  const [cmd, ...args] = options.command as [string, ...string[]];
  return (options.runner ?? processRunner).run(cmd, args, {
    netns,
    ...(options.input === undefined ? {} : { input: options.input }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
}
