/**
 * kubelet's exec probe (pkg/probe/exec, through the runtime's ExecSync) as the lab makes it: the probe's command runs
 * in the pod — in its network namespace (the node's for a hostNetwork pod), with the container's own working
 * directory (sandbox.ts, removed with the pod) and an environment of the container's literal `env` values plus PATH
 * and HOSTNAME, not the lab's — as one process (`ip netns exec` execs the command) in a process group of its own.
 * Exit code 0 is success; anything else is a failure whose message is the output, stdout then stderr, at most 10 KiB
 * (kubelet's maxReadLength); at timeoutSeconds the whole group is killed by the started pid and the failure reads
 * `command "sh -c sleep 10" timed out`, as kubelet's. `$(VAR)` in the command is expanded from the container's
 * literal env as kubelet's ExpandContainerCommandOnlyStatic does (`$$` escapes, unknown names stay as written).
 * The pure parts (`expandCommand`, `execEnv`, `execResult`) are separate from the run.
 */
import { existsSync } from 'node:fs';
import type { KubeObject } from '../../api/types.ts';
import { ProcessTimeoutError, type ProcessRunner, type RunResult } from '../../util/exec.ts';
import { goQuote, type ProbeResult } from './probe-result.ts';
import type { SandboxStore } from './sandbox.ts';

/** kubelet keeps this much of a probe command's output. */
export const MAX_EXEC_OUTPUT = 10 * 1024;
const CONTAINER_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

interface ContainerEnv {
  name?: string;
  env?: { name?: string; value?: string }[];
}

/** The container's env by name, as kubelet maps it for expansion: the literal `value` (empty for `valueFrom`
 * entries, which the lab does not resolve), a later entry winning. */
export function literalEnv(pod: KubeObject, container: string): Map<string, string> {
  const containers = (pod['spec'] as { containers?: ContainerEnv[] } | undefined)?.containers ?? [];
  const out = new Map<string, string>();
  for (const e of containers.find((c) => c.name === container)?.env ?? [])
    if (e.name) out.set(e.name, e.value ?? '');
  return out;
}

/** `$(VAR)` replaced by its value when VAR is known, `$$` is a literal `$`, anything else is kept as written. */
export function expandCommand(command: readonly string[], env: ReadonlyMap<string, string>): string[] {
  return command.map((arg) => {
    let out = '';
    for (let i = 0; i < arg.length; i++) {
      const c = arg[i];
      if (c !== '$' || i + 1 >= arg.length) {
        out += c;
        continue;
      }
      const next = arg[i + 1];
      if (next === '$') {
        out += '$';
        i++;
      } else if (next === '(') {
        const close = arg.indexOf(')', i + 2);
        const name = close < 0 ? undefined : arg.slice(i + 2, close);
        if (name === undefined || name === '') {
          out += c;
          continue;
        }
        out += env.get(name) ?? `$(${name})`;
        i = close;
      } else out += c;
    }
    return out;
  });
}

/** The command's whole environment: a container's PATH and HOSTNAME (the pod's name), then its literal env. */
export function execEnv(podName: string, env: ReadonlyMap<string, string>): Record<string, string> {
  return { PATH: CONTAINER_PATH, HOSTNAME: podName, ...Object.fromEntries(env) };
}

/** kubelet's result for a finished command, or for one killed at the deadline (`result` undefined). */
export function execResult(command: readonly string[], result: RunResult | undefined): ProbeResult {
  if (!result) return { ok: false, message: `command ${goQuote(command.join(' '))} timed out` };
  const output = Buffer.from(result.stdout + result.stderr, 'utf8')
    .subarray(0, MAX_EXEC_OUTPUT)
    .toString('utf8');
  return { ok: result.code === 0, message: output };
}

export interface ExecProbeRun {
  pod: KubeObject;
  container: string;
  command: readonly string[];
  timeoutMs: number;
}

export interface ExecProberOptions {
  runner: ProcessRunner;
  /** The sandbox records: the pod's namespace and its containers' directories. */
  store: SandboxStore;
  /** The node's namespace (hostNetwork pods run there). */
  nodeNetns: string;
}

export class ExecProber {
  readonly #o: ExecProberOptions;

  constructor(o: ExecProberOptions) {
    this.#o = o;
  }

  /** Runs the probe's command; never throws (a command that cannot be run is a failed probe saying why). */
  async run(r: ExecProbeRun): Promise<ProbeResult> {
    const namespace = r.pod.metadata.namespace ?? 'default';
    const name = r.pod.metadata.name ?? '';
    const env = literalEnv(r.pod, r.container);
    const command = expandCommand(r.command, env);
    try {
      const record = this.#o.store.read(namespace, name);
      if (!record?.ready)
        return { ok: false, message: `the sandbox of pod ${namespace}/${name} is not ready` };
      const cwd = this.#o.store.containerDir(namespace, name, r.container);
      if (!existsSync(cwd))
        return { ok: false, message: `container ${r.container} has no working directory` };
      const [cmd, ...args] = command as [string, ...string[]];
      const result = await this.#o.runner.run(cmd, args, {
        netns: record.hostNetwork ? this.#o.nodeNetns : record.netns,
        cwd,
        env: execEnv(name, env),
        inheritEnv: false,
        timeoutMs: r.timeoutMs,
        processGroup: true,
      });
      return execResult(command, result);
    } catch (err) {
      if (err instanceof ProcessTimeoutError) return execResult(command, undefined);
      return { ok: false, message: (err as Error).message };
    }
  }
}
