/**
 * The lab's status file (`.kovn/status.json`): written by the lab daemon whenever a component changes state, read
 * by `kovn up` (progress until ready), `kovn status` and the web page. Writes are atomic (temp file + rename), so a
 * reader never sees half a document.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

export type LabPhase = 'starting' | 'ready' | 'failed' | 'stopping' | 'stopped';

export interface ComponentStatus {
  name: string;
  state: 'pending' | 'starting' | 'running' | 'restarting' | 'failed' | 'stopped';
  pid?: number;
  restarts: number;
  /** ms since the epoch of the last state change. */
  since: number;
  message?: string;
  /** The component's Prometheus endpoint (`http://127.0.0.1:PORT/metrics`), for those that serve one. */
  metrics?: string;
}

export interface LabStatus {
  phase: LabPhase;
  /** Pid of the lab daemon. */
  pid: number;
  startedAt: number;
  readyAt?: number;
  /** Why the lab failed to start, when phase is `failed`. */
  error?: string;
  apiserver?: string;
  kubeconfig: string;
  /** The daemon's own Prometheus endpoint (its NAT gateway agents). */
  metrics?: string;
  /** The topology page (`kovn ui`), its access token included. */
  ui?: string;
  nodes: string[];
  components: ComponentStatus[];
}

export function writeStatus(path: string, status: LabStatus): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(status, null, 2)}\n`);
  renameSync(tmp, path);
}

export function readStatus(path: string): LabStatus | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LabStatus;
  } catch {
    return undefined;
  }
}
