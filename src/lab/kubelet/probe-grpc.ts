/**
 * kubelet's gRPC probe (pkg/probe/grpc), spoken with @grpc/grpc-js over a connection the prober has already opened
 * (probe-run.ts: straight to the pod, or announced through the node's TProxy): wait for the channel to be ready, then
 * one grpc.health.v1 `Check` for the probe's `service`, all within timeoutSeconds. grpc-js dials its own sockets and
 * cannot be handed one, so the open connection is offered to it through a one-shot relay on a loopback port of the
 * prober (in-process, no extra process); the request's `:authority` is still the pod's `host:port`, as kubelet's.
 * Outcomes are worded as kubelet words them (`grpcResult`, pure): `service healthy`, `service unhealthy (responded
 * with "NOT_SERVING")`, `timeout: failed to connect service "10.0.1.5:9000" within 1s: context deadline exceeded`,
 * `error: health rpc probe failed: rpc error: code = NotFound desc = ...`. grpc-js and the health proto are loaded on
 * the first gRPC probe only.
 */
import net from 'node:net';
import type { ServiceClientConstructor } from '@grpc/grpc-js';
import { joinHostPort } from '../../net/ip.ts';
import { systemClock, type Clock } from '../../util/clock.ts';
import { goDuration, goQuote, type ProbeResult } from './probe-result.ts';

/** How one gRPC health check ended. */
export type GrpcOutcome =
  | { kind: 'not-connected' }
  | { kind: 'response'; status: string }
  | { kind: 'error'; code: number; details: string };

/** grpc-go's names of the status codes (codes.Code.String()). */
const CODE_NAMES = [
  'OK',
  'Canceled',
  'Unknown',
  'InvalidArgument',
  'DeadlineExceeded',
  'NotFound',
  'AlreadyExists',
  'PermissionDenied',
  'ResourceExhausted',
  'FailedPrecondition',
  'Aborted',
  'OutOfRange',
  'Unimplemented',
  'Internal',
  'Unavailable',
  'DataLoss',
  'Unauthenticated',
];
export const grpcCodeName = (code: number): string => CODE_NAMES[code] ?? `Code(${code})`;

/** kubelet's result and message for an outcome against `addr` with the probe's timeout. */
export function grpcResult(o: GrpcOutcome, addr: string, timeoutMs: number): ProbeResult {
  const within = goDuration(timeoutMs);
  if (o.kind === 'not-connected')
    return {
      ok: false,
      message: `timeout: failed to connect service ${goQuote(addr)} within ${within}: context deadline exceeded`,
    };
  if (o.kind === 'response')
    return o.status === 'SERVING'
      ? { ok: true, message: 'service healthy' }
      : { ok: false, message: `service unhealthy (responded with ${goQuote(o.status)})` };
  if (o.code === 12)
    return {
      ok: false,
      message: `error: this server does not implement the grpc health protocol (grpc.health.v1.Health): ${o.details}`,
    };
  if (o.code === 4) return { ok: false, message: `timeout: health rpc did not complete within ${within}` };
  return {
    ok: false,
    message: `error: health rpc probe failed: rpc error: code = ${grpcCodeName(o.code)} desc = ${o.details}`,
  };
}

/**
 * A loopback listener that hands its first connection to `socket` byte for byte and refuses any later one (a
 * reconnecting client). It keeps its port until `close()`, so no other probe's relay can be given that port while
 * this probe's client may still dial it.
 */
function relayTo(socket: net.Socket): Promise<{ port: number; close(): void }> {
  return new Promise((resolve, reject) => {
    let taken = false;
    const server = net.createServer((conn) => {
      if (taken) return void conn.destroy();
      taken = true;
      conn.on('error', () => socket.destroy());
      socket.on('error', () => conn.destroy());
      socket.on('close', () => conn.destroy());
      conn.pipe(socket).pipe(conn);
    });
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address() as net.AddressInfo;
      resolve({ port: address.port, close: () => server.close() });
    });
  });
}

interface HealthClient {
  waitForReady(deadline: number, cb: (err?: Error) => void): void;
  Check(
    req: { service: string },
    options: { deadline: number },
    cb: (err: { code?: number; details?: string } | null, res?: { status?: string }) => void,
  ): void;
  close(): void;
}

let healthClient: Promise<ServiceClientConstructor> | undefined;
async function loadHealthClient(): Promise<ServiceClientConstructor> {
  const [grpc, health] = await Promise.all([import('@grpc/grpc-js'), import('grpc-health-check')]);
  return grpc.makeClientConstructor(health.service, 'grpc.health.v1.Health');
}

/** Loads grpc-js and the health proto once (the first load takes most of a second, which must not count against
 * a probe's timeout). */
export function loadGrpc(): Promise<ServiceClientConstructor> {
  healthClient ??= loadHealthClient();
  return healthClient;
}

export interface GrpcCheck {
  /** The pod's address and port as kubelet names them (`host:port` is the `:authority`). */
  host: string;
  port: number;
  service: string;
  timeoutMs: number;
  /** When the probe began (the dial counted against the same timeout). */
  startedAt: number;
  userAgent: string;
  clock?: Clock;
}

/** One health check over `socket`, which it owns from here on (destroyed at the end). */
export async function grpcHealthCheck(socket: net.Socket, c: GrpcCheck): Promise<ProbeResult> {
  const addr = joinHostPort(c.host, c.port);
  const deadline = c.startedAt + c.timeoutMs;
  const { credentials } = await import('@grpc/grpc-js');
  const Health = await loadGrpc();
  const relay = await relayTo(socket);
  const client = new Health(`127.0.0.1:${relay.port}`, credentials.createInsecure(), {
    'grpc.default_authority': addr,
    'grpc.primary_user_agent': c.userAgent,
    'grpc.enable_retries': 0,
    'grpc.service_config_disable_resolution': 1,
    'grpc.use_local_subchannel_pool': 1,
  }) as unknown as HealthClient;
  try {
    const outcome = await new Promise<GrpcOutcome>((resolve) => {
      client.waitForReady(deadline, (err) => {
        if (err || (c.clock ?? systemClock).now() >= deadline) return resolve({ kind: 'not-connected' });
        client.Check({ service: c.service }, { deadline }, (e, res) =>
          resolve(
            e
              ? { kind: 'error', code: e.code ?? 2, details: e.details ?? '' }
              : { kind: 'response', status: res?.status ?? 'UNKNOWN' },
          ),
        );
      });
    });
    return grpcResult(outcome, addr, c.timeoutMs);
  } finally {
    client.close();
    relay.close();
    socket.destroy();
  }
}
