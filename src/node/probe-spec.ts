/**
 * A pod's probes as kubelet reads them (core/v1 `Probe`): for each container its readiness, liveness and startup
 * probes with the handler (`tcpSocket`, `httpGet`, `grpc` with its `service`, `exec` with its `command`), the port
 * resolved (a named port is looked up in the container's `ports`), and the timing fields with kubelet's defaults (initialDelaySeconds 0,
 * periodSeconds 10, timeoutSeconds 1, successThreshold 1, failureThreshold 3). Shared by the node agent (which
 * ports to carry through TProxy) and the lab's kubelet (which probes to run). Pure.
 */
import type { KubeObject } from '../api/types.ts';

export type ProbeKind = 'startup' | 'liveness' | 'readiness';
export const PROBE_KINDS: readonly ProbeKind[] = ['startup', 'liveness', 'readiness'];

export type ProbeAction =
  | { type: 'tcp'; port: number; host?: string }
  | {
      type: 'http';
      port: number;
      path: string;
      scheme: 'HTTP' | 'HTTPS';
      host?: string;
      headers: { name: string; value: string }[];
    }
  /** grpc.health.v1 Check for `service` (kubelet sends "" when the probe names none). */
  | { type: 'grpc'; port: number; service: string }
  /** The command as written (kubelet expands `$(VAR)` from the container's env when it runs it). */
  | { type: 'exec'; command: string[] }
  /** A port that names no container port, or no handler at all: the probe can only fail. */
  | { type: 'invalid'; reason: string };

export interface ProbeSpec {
  container: string;
  kind: ProbeKind;
  action: ProbeAction;
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

interface RawProbe {
  tcpSocket?: { port?: number | string; host?: string };
  httpGet?: {
    port?: number | string;
    path?: string;
    scheme?: string;
    host?: string;
    httpHeaders?: { name?: string; value?: string }[];
  };
  grpc?: { port?: number; service?: string };
  exec?: { command?: unknown };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
}

interface RawContainer {
  name?: string;
  ports?: { name?: string; containerPort?: number }[];
  readinessProbe?: RawProbe;
  livenessProbe?: RawProbe;
  startupProbe?: RawProbe;
}

/** A probe's port: a number, or the name of one of the container's ports. */
export function resolvePort(port: number | string | undefined, container: RawContainer): number | undefined {
  if (typeof port === 'number') return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
  if (typeof port !== 'string' || port === '') return undefined;
  if (/^\d+$/.test(port)) return resolvePort(Number(port), container);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

function actionOf(raw: RawProbe, c: RawContainer): ProbeAction {
  const badPort = (port: unknown): ProbeAction => ({
    type: 'invalid',
    reason: `port ${JSON.stringify(port ?? null)} is not a number and names no port of container ${c.name ?? ''}`,
  });
  if (raw.tcpSocket) {
    const port = resolvePort(raw.tcpSocket.port, c);
    if (port === undefined) return badPort(raw.tcpSocket.port);
    return { type: 'tcp', port, ...(raw.tcpSocket.host ? { host: raw.tcpSocket.host } : {}) };
  }
  if (raw.httpGet) {
    const h = raw.httpGet;
    const port = resolvePort(h.port, c);
    if (port === undefined) return badPort(h.port);
    const path = h.path ?? '/';
    return {
      type: 'http',
      port,
      path: path.startsWith('/') ? path : `/${path}`,
      scheme: h.scheme?.toUpperCase() === 'HTTPS' ? 'HTTPS' : 'HTTP',
      ...(h.host ? { host: h.host } : {}),
      headers: (h.httpHeaders ?? []).flatMap((x) => (x.name ? [{ name: x.name, value: x.value ?? '' }] : [])),
    };
  }
  if (raw.grpc) {
    const port = resolvePort(raw.grpc.port, c);
    return port === undefined
      ? badPort(raw.grpc.port)
      : { type: 'grpc', port, service: typeof raw.grpc.service === 'string' ? raw.grpc.service : '' };
  }
  if (raw.exec) {
    const command = raw.exec.command;
    if (!Array.isArray(command) || command.length === 0 || command.some((a) => typeof a !== 'string'))
      return { type: 'invalid', reason: 'the exec probe has no command' };
    return { type: 'exec', command: command as string[] };
  }
  return { type: 'invalid', reason: 'the probe has no handler (tcpSocket, httpGet, grpc or exec)' };
}

const positive = (v: unknown, dflt: number, min: number): number =>
  typeof v === 'number' && Number.isFinite(v) && v >= min ? v : dflt;

/** Every probe of every container, in container order, startup before liveness before readiness. */
export function podProbes(pod: KubeObject): ProbeSpec[] {
  const containers = (pod['spec'] as { containers?: RawContainer[] } | undefined)?.containers ?? [];
  const out: ProbeSpec[] = [];
  for (const c of containers) {
    if (!c.name) continue;
    for (const kind of PROBE_KINDS) {
      const raw = c[`${kind}Probe`];
      if (!raw) continue;
      out.push({
        container: c.name,
        kind,
        action: actionOf(raw, c),
        initialDelaySeconds: positive(raw.initialDelaySeconds, 0, 0),
        periodSeconds: positive(raw.periodSeconds, 10, 1),
        timeoutSeconds: positive(raw.timeoutSeconds, 1, 1),
        // Liveness and startup probes must have successThreshold 1 (the API insists; we do not trust it).
        successThreshold: kind === 'readiness' ? positive(raw.successThreshold, 1, 1) : 1,
        failureThreshold: positive(raw.failureThreshold, 3, 1),
      });
    }
  }
  return out;
}

/** The TCP ports the pod's network probes connect to (tcpSocket, httpGet, grpc), sorted and unique. */
export function probedPorts(pod: KubeObject): number[] {
  const ports = new Set<number>();
  for (const p of podProbes(pod)) if ('port' in p.action) ports.add(p.action.port);
  return [...ports].sort((a, b) => a - b);
}
