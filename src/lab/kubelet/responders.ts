/**
 * The responder processes that stand in for a pod's containers (src/node/responder.ts), one per pod answering all
 * its declared ports and the gRPC health ports its `kovn.io/grpc-health` annotation names, run in the pod's network namespace (the node's for hostNetwork pods) in their own process
 * group so that they outlive a kubelet restart and can be adopted by pid: a recorded pid is ours if the process is
 * alive and its command line is the responder for that pod. Stopped by that pid (SIGTERM, then SIGKILL).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ANNOTATION_LAB_GRPC_HEALTH } from '../../api/annotations.ts';
import type { KubeObject } from '../../api/types.ts';
import { formatGrpcHealthEntry, parseGrpcHealth } from '../../node/responder-protocol.ts';
import type { Clock } from '../../util/clock.ts';
import type { ProcessRunner } from '../../util/exec.ts';
import { declaredPorts } from './status.ts';

export const RESPONDER_SCRIPT = fileURLToPath(new URL('../../node/responder.ts', import.meta.url));

export interface ResponderSpec {
  /** `<namespace>/<name>`. */
  pod: string;
  netns: string;
  /** `tcp:80`, `udp:53`, `grpc:9000=SERVING` (responderPorts). */
  ports: string[];
  logFile?: string;
}

/**
 * What the pod's responder serves: its declared ports (`tcp:80`, `udp:53`), then the entries of its
 * `kovn.io/grpc-health` annotation (`grpc:9000=SERVING`, `grpc:9000/echo.Echo=NOT_SERVING`), which make those ports
 * gRPC health servers. An annotation that cannot be read is an error naming it.
 */
export function responderPorts(pod: KubeObject): string[] {
  const value = pod.metadata.annotations?.[ANNOTATION_LAB_GRPC_HEALTH];
  let grpc: string[] = [];
  try {
    grpc = value === undefined ? [] : parseGrpcHealth(value).map((e) => `grpc:${formatGrpcHealthEntry(e)}`);
  } catch (err) {
    throw new Error(`annotation ${ANNOTATION_LAB_GRPC_HEALTH}: ${(err as Error).message}`, { cause: err });
  }
  return [...declaredPorts(pod), ...grpc];
}

export function responderArgs(spec: ResponderSpec): string[] {
  const args = [RESPONDER_SCRIPT, '--pod', spec.pod];
  for (const p of spec.ports) {
    const colon = p.indexOf(':');
    args.push(`--${colon < 0 ? 'tcp' : p.slice(0, colon)}`, p.slice(colon + 1));
  }
  return args;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Is `pid` a live responder for `pod`? */
export function isResponder(pid: number, pod: string): boolean {
  if (!(pid > 0) || !alive(pid)) return false;
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const i = argv.indexOf('--pod');
    return argv.includes(RESPONDER_SCRIPT) && i >= 0 && argv[i + 1] === pod;
  } catch {
    return false;
  }
}

/**
 * Starts a responder; returns its pid once its ports listen (it logs one line then), so a pod reported Running
 * answers at once. Without a log file there is nothing to wait on. A responder that exits or stays silent for
 * `readyTimeoutMs` is an error (the pod's setup is retried).
 */
export async function startResponder(
  runner: ProcessRunner,
  node: string,
  spec: ResponderSpec,
  clock: Clock,
  readyTimeoutMs = 15_000,
): Promise<number> {
  const from = spec.logFile && existsSync(spec.logFile) ? statSync(spec.logFile).size : 0;
  const proc = await runner.spawn(node, responderArgs(spec), {
    netns: spec.netns,
    detached: true,
    ...(spec.logFile ? { logFile: spec.logFile } : {}),
  });
  if (!spec.logFile) return proc.pid;
  const ready = `responder for ${spec.pod}:`;
  const deadline = clock.now() + readyTimeoutMs;
  while (!logSince(spec.logFile, from).includes(ready)) {
    if (!alive(proc.pid))
      throw new Error(`the responder for ${spec.pod} exited: ${logSince(spec.logFile, from).trim()}`);
    if (clock.now() > deadline) {
      process.kill(proc.pid, 'SIGKILL');
      throw new Error(`the responder for ${spec.pod} did not listen within ${readyTimeoutMs / 1000} s`);
    }
    await clock.sleep(20);
  }
  return proc.pid;
}

function logSince(file: string, offset: number): string {
  try {
    return readFileSync(file).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone (or was never ours). */
export async function stopResponder(clock: Clock, pid: number, pod: string, graceMs = 3_000): Promise<void> {
  if (!isResponder(pid, pod)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = clock.now() + graceMs;
  while (alive(pid) && clock.now() < deadline) await clock.sleep(50);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  while (alive(pid) && clock.now() < deadline + 2_000) await clock.sleep(50);
}
