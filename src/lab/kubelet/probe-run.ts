/**
 * One network probe, made as kubelet makes it (pkg/probe/tcp, pkg/probe/http and pkg/probe/grpc), from wherever this
 * code runs (the node prober runs it in the node's namespace): `tcp` succeeds when the connection opens within the
 * timeout; `http` sends `GET` with `User-Agent: kube-probe/<version>` and an `Accept` of any type plus the probe's
 * headers and succeeds on a status from 200 to 399; `grpc` asks grpc.health.v1 over the opened connection
 * (probe-grpc.ts). Failure messages use kubelet's wording ("dial tcp 10.0.1.2:80: connect: connection refused", "HTTP
 * probe failed with statuscode: 500", "timeout: failed to connect service ..."). A probe into a custom VPC goes
 * through the node's TProxy: it is announced first (the listener's `/expect`, naming the pod and the source port the
 * probe will use), so the listener knows which pod is meant even when two VPCs on the node use the same address.
 * `exec` probes are not network probes: the kubelet runs them in the pod (probe-exec.ts).
 */
import http from 'node:http';
import net from 'node:net';
import type { ProbeAction } from '../../node/probe-spec.ts';
import { systemClock } from '../../util/clock.ts';
import { randomBelow, systemRandom, type Random } from '../../util/random.ts';
import { unixJson } from '../../util/unix-json.ts';
import { joinHostPort } from '../../net/ip.ts';
import { grpcHealthCheck, grpcResult, loadGrpc } from './probe-grpc.ts';
import type { ProbeResult } from './probe-result.ts';

export const PROBE_USER_AGENT = 'kube-probe/1.33';

export interface ProbeRequest {
  action: ProbeAction;
  /** The pod's IP (the probe's `host` field wins when set). */
  ip: string;
  timeoutMs: number;
  /** Announce through the node's TProxy control socket first (custom-VPC pods). */
  announce?: { control: string; pod: string };
}

const errno: Record<string, string> = {
  ECONNREFUSED: 'connect: connection refused',
  ECONNRESET: 'read: connection reset by peer',
  EHOSTUNREACH: 'connect: no route to host',
  ENETUNREACH: 'connect: network is unreachable',
};
const dialError = (host: string, port: number, err: NodeJS.ErrnoException): string =>
  `dial tcp ${host}:${port}: ${errno[err.code ?? ''] ?? err.message}`;

/** A source port for an announced probe (an ephemeral-range port; a clash is retried by the caller). */
const sourcePort = (random: Random): number => 32768 + randomBelow(random, 28000);

function connect(host: string, port: number, timeoutMs: number, localPort?: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, ...(localPort ? { localPort } : {}) });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(Object.assign(new Error('i/o timeout'), { code: 'ETIMEDOUT' }));
    });
    socket.once('connect', () => {
      socket.setTimeout(0);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

function httpGet(
  socket: net.Socket,
  a: Extract<ProbeAction, { type: 'http' }>,
  host: string,
  timeoutMs: number,
) {
  return new Promise<ProbeResult>((resolve) => {
    const headers: Record<string, string> = { 'User-Agent': PROBE_USER_AGENT, Accept: '*/*' };
    for (const h of a.headers) headers[h.name] = h.value;
    const req = http.request(
      {
        method: 'GET',
        path: a.path,
        headers: { Host: `${host}:${a.port}`, ...headers },
        createConnection: () => socket,
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const code = res.statusCode ?? 0;
          resolve(
            code >= 200 && code < 400
              ? { ok: true, message: `HTTP probe succeeded with statuscode: ${code}` }
              : { ok: false, message: `HTTP probe failed with statuscode: ${code}` },
          );
        });
      },
    );
    req.setTimeout(timeoutMs, () =>
      req.destroy(new Error('context deadline exceeded (Client.Timeout exceeded while awaiting headers)')),
    );
    req.on('error', (err) =>
      resolve({ ok: false, message: `Get "http://${host}:${a.port}${a.path}": ${err.message}` }),
    );
    req.end();
  });
}

type NetworkAction = Extract<ProbeAction, { type: 'tcp' | 'http' | 'grpc' }>;

/** The probe's connection; or kubelet's dial error when it cannot be opened; or the TProxy listener's refusal (its
 * message is the whole failure, as the listener words it). */
async function dial(
  p: ProbeRequest,
  a: NetworkAction,
  host: string,
  random: Random,
): Promise<{ socket: net.Socket } | { failure: string } | { refused: string }> {
  let lastError: NodeJS.ErrnoException | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const localPort = p.announce ? sourcePort(random) : undefined;
    if (p.announce && localPort) {
      const r = await unixJson(p.announce.control, 'POST', '/expect', {
        pod: p.announce.pod,
        ip: host,
        port: a.port,
        srcPort: localPort,
        timeoutMs: p.timeoutMs,
      }).catch((err: unknown) => ({ status: 0, body: { error: (err as Error).message } }));
      // Refused by the pod, or not (yet) a target the listener can place: a TCP connection would then be accepted
      // by the listener and reset, which a TCP probe cannot tell from success. Either way the probe fails.
      if (r.status !== 200)
        return { refused: (r.body as { error?: string } | undefined)?.error ?? `tproxy: ${r.status}` };
    }
    try {
      return { socket: await connect(host, a.port, p.timeoutMs, localPort) };
    } catch (err) {
      lastError = err as NodeJS.ErrnoException;
      if (lastError.code !== 'EADDRINUSE') break;
    }
  }
  return { failure: dialError(host, a.port, lastError ?? new Error('no connection')) };
}

/** Makes the probe; `random` picks the announced source port. */
export async function runProbe(p: ProbeRequest, random: Random = systemRandom): Promise<ProbeResult> {
  const a = p.action;
  if (a.type === 'invalid') return { ok: false, message: a.reason };
  if (a.type === 'exec') return { ok: false, message: 'exec probes run in the pod, not in the node prober' };
  const host = a.type === 'grpc' ? p.ip : (a.host ?? p.ip);
  if (a.type === 'grpc') await loadGrpc();
  const startedAt = systemClock.now();
  const dialed = await dial(p, a, host, random);
  if (a.type === 'grpc' && !('socket' in dialed))
    return grpcResult({ kind: 'not-connected' }, joinHostPort(host, a.port), p.timeoutMs);
  if ('refused' in dialed) return { ok: false, message: dialed.refused };
  if ('failure' in dialed) {
    return {
      ok: false,
      message:
        a.type === 'http' ? `Get "http://${host}:${a.port}${a.path}": ${dialed.failure}` : dialed.failure,
    };
  }
  const { socket } = dialed;
  if (a.type === 'tcp') {
    socket.destroy();
    return { ok: true, message: `dial tcp ${host}:${a.port}: connected` };
  }
  if (a.type === 'grpc')
    return grpcHealthCheck(socket, {
      host,
      port: a.port,
      service: a.service,
      timeoutMs: p.timeoutMs,
      startedAt,
      userAgent: PROBE_USER_AGENT,
    });
  return httpGet(socket, a, host, p.timeoutMs);
}
