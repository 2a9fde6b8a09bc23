/**
 * One JSON request over HTTP on a unix socket (the node prober's and the TProxy listener's control APIs). A unix
 * socket is addressed by its path, so it reaches a process in another network namespace. Resolves with the status
 * and the parsed body (undefined when empty); rejects only when the socket cannot be reached.
 */
import { request } from 'node:http';

export function unixJson(
  socketPath: string,
  method: string,
  path: string,
  body?: unknown,
  timeoutMs = 60_000,
): Promise<{ status: number; body: unknown }> {
  const text = body === undefined ? '' : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath,
        method,
        path,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) },
      },
      (res) => {
        let out = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (out += c));
        res.on('end', () => {
          let parsed: unknown;
          try {
            parsed = out ? (JSON.parse(out) as unknown) : undefined;
          } catch {
            parsed = out;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.setTimeout(timeoutMs, () =>
      req.destroy(new Error(`${socketPath} ${path}: no answer in ${timeoutMs} ms`)),
    );
    req.on('error', reject);
    req.end(text);
  });
}
