/**
 * What the lab's built-in responder (responder.ts) says: its command line (`--pod NS/NAME --tcp PORT ... --udp
 * PORT ... --grpc PORT[/SERVICE][=STATUS] ...`), and its answer to a TCP client: an HTTP request (any method, one
 * request per connection) gets `200 OK` with the body `<ns>/<pod>\n`; bytes that are not an HTTP request are
 * echoed back. A `--grpc` port is served as gRPC instead, by a grpc.health.v1 server answering each listed service
 * with its status (default SERVING) and the whole server ("") with SERVING unless an entry says otherwise, as
 * grpc-go's health server starts; a service not listed is NOT_FOUND. The pod's `kovn.io/grpc-health` annotation
 * lists those entries, comma-separated (`parseGrpcHealth`). Pure.
 */

export const GRPC_STATUSES = ['SERVING', 'NOT_SERVING', 'UNKNOWN'] as const;
export type GrpcServingStatus = (typeof GRPC_STATUSES)[number];

/** One service's status on one port (`service` "" is the whole server). */
export interface GrpcHealthEntry {
  port: number;
  service: string;
  status: GrpcServingStatus;
}

export interface ResponderArgs {
  pod: string;
  tcp: number[];
  udp: number[];
  grpc: GrpcHealthEntry[];
}

export const RESPONDER_USAGE =
  'usage: responder --pod NAMESPACE/NAME [--tcp PORT]... [--udp PORT]... [--grpc PORT[/SERVICE][=STATUS]]...';

const asPort = (text: string): number | undefined => {
  const port = /^\d+$/.test(text) ? Number(text) : NaN;
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? port : undefined;
};

/** `PORT[/SERVICE][=STATUS]`, e.g. `9000`, `9000=NOT_SERVING`, `9000/echo.Echo=SERVING`. */
export function parseGrpcHealthEntry(text: string): GrpcHealthEntry {
  const m = /^([^/=]+)(?:\/([^=]*))?(?:=(.*))?$/.exec(text.trim());
  const port = m ? asPort(m[1]!) : undefined;
  if (!m || port === undefined)
    throw new Error(`${JSON.stringify(text)}: want PORT[/SERVICE][=STATUS] with a port from 1 to 65535`);
  const status = m[3] ?? 'SERVING';
  if (!(GRPC_STATUSES as readonly string[]).includes(status))
    throw new Error(`${JSON.stringify(text)}: the status is one of ${GRPC_STATUSES.join(', ')}`);
  return { port, service: m[2] ?? '', status: status as GrpcServingStatus };
}

/** The entry as `parseGrpcHealthEntry` reads it back. */
export const formatGrpcHealthEntry = (e: GrpcHealthEntry): string =>
  `${e.port}${e.service ? `/${e.service}` : ''}=${e.status}`;

/** The `kovn.io/grpc-health` annotation: entries separated by commas (blank ones skipped). */
export function parseGrpcHealth(value: string): GrpcHealthEntry[] {
  return value
    .split(',')
    .filter((part) => part.trim() !== '')
    .map(parseGrpcHealthEntry);
}

/** Each gRPC port's status map: "" SERVING unless an entry sets it, then the entries in order (a later one wins). */
export function grpcStatusMaps(
  entries: readonly GrpcHealthEntry[],
): Map<number, Record<string, GrpcServingStatus>> {
  const out = new Map<number, Record<string, GrpcServingStatus>>();
  for (const e of entries) {
    const map = out.get(e.port) ?? { '': 'SERVING' };
    map[e.service] = e.status;
    out.set(e.port, map);
  }
  return out;
}

export function parseResponderArgs(argv: readonly string[]): ResponderArgs {
  const out: ResponderArgs = { pod: '', tcp: [], udp: [], grpc: [] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${flag ?? ''} needs a value\n${RESPONDER_USAGE}`);
    i++;
    if (flag === '--pod') {
      if (!/^[^/\s]+\/[^/\s]+$/.test(value))
        throw new Error(`--pod ${JSON.stringify(value)}: want NAMESPACE/NAME`);
      out.pod = value;
    } else if (flag === '--tcp' || flag === '--udp') {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 1 || port > 65535)
        throw new Error(`${flag} ${JSON.stringify(value)}: not a port`);
      out[flag === '--tcp' ? 'tcp' : 'udp'].push(port);
    } else if (flag === '--grpc') {
      out.grpc.push(parseGrpcHealthEntry(value));
    } else throw new Error(`unknown argument ${JSON.stringify(flag)}\n${RESPONDER_USAGE}`);
  }
  if (!out.pod) throw new Error(`--pod is required\n${RESPONDER_USAGE}`);
  return out;
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'TRACE'];

/** Is this the start of an HTTP request? (`undefined`: too few bytes to tell.) */
export function looksLikeHttp(head: string): boolean | undefined {
  const space = head.indexOf(' ');
  if (space < 0) return head.length < 8 && METHODS.some((m) => m.startsWith(head)) ? undefined : false;
  return METHODS.includes(head.slice(0, space));
}

/** The full answer to an HTTP request whose head (up to the blank line) is `head`. */
export function httpAnswer(pod: string, head: string): string {
  const method = head.slice(0, head.indexOf(' '));
  const body = `${pod}\n`;
  const headers = [
    'HTTP/1.1 200 OK',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `X-Kovn-Pod: ${pod}`,
    'Connection: close',
    '',
    '',
  ].join('\r\n');
  return method === 'HEAD' ? headers : headers + body;
}
