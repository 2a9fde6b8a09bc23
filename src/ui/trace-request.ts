/**
 * A trace request from the page (`POST /api/trace`): parsed and checked before anything runs, each problem named by
 * its field. `Tracer` is what runs it (`kovn ui` passes the `kovn trace` engine in); a `TraceRequestError` carries
 * the HTTP status the page gets back. Pure.
 */
import { parseIp } from '../net/ip.ts';
import type { TraceRequest, TraceResult } from './topology-types.ts';

export type Tracer = (request: TraceRequest) => Promise<TraceResult>;

export class TraceRequestError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const POD_REF = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/;

function port(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65_535)
    throw new TraceRequestError(400, `${field}: want a port number 1-65535, got ${JSON.stringify(value)}`);
  return value;
}

export function parseTraceRequest(body: string): TraceRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new TraceRequestError(400, 'the body is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) throw new TraceRequestError(400, 'want a JSON object');
  const { source, dest, tcp, udp } = parsed as Record<string, unknown>;
  if (typeof source !== 'string' || !POD_REF.test(source))
    throw new TraceRequestError(400, `source: want NAMESPACE/POD, got ${JSON.stringify(source)}`);
  if (typeof dest !== 'string' || (!POD_REF.test(dest) && !parseIp(dest)))
    throw new TraceRequestError(
      400,
      `dest: want NAMESPACE/POD or an IP address, got ${JSON.stringify(dest)}`,
    );
  const tcpPort = port(tcp, 'tcp');
  const udpPort = port(udp, 'udp');
  if (tcpPort !== undefined && udpPort !== undefined)
    throw new TraceRequestError(400, 'tcp, udp: give one of them, not both');
  return {
    source,
    dest,
    ...(tcpPort === undefined ? {} : { tcp: tcpPort }),
    ...(udpPort === undefined ? {} : { udp: udpPort }),
  };
}
