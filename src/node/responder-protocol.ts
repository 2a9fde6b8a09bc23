/**
 * What the lab's built-in responder (responder.ts) says: its command line (`--pod NS/NAME --tcp PORT ... --udp
 * PORT ...`), and its answer to a TCP client: an HTTP request (any method, one request per connection) gets
 * `200 OK` with the body `<ns>/<pod>\n`; bytes that are not an HTTP request are echoed back. Pure.
 */

export interface ResponderArgs {
  pod: string;
  tcp: number[];
  udp: number[];
}

export const RESPONDER_USAGE = 'usage: responder --pod NAMESPACE/NAME [--tcp PORT]... [--udp PORT]...';

export function parseResponderArgs(argv: readonly string[]): ResponderArgs {
  const out: ResponderArgs = { pod: '', tcp: [], udp: [] };
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
