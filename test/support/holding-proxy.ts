// A plain-HTTP proxy in front of a test API server (HTTPS with its own CA): it forwards every request unchanged and,
// for a request a test picks, holds the server's answer until the test's callback has run. So a test can change
// objects between two pages of a client's paged list (an informer's, kubectl's) deterministically, over the real
// protocol, with neither the client nor the server knowing. It adds the server's bearer token where a request has
// none: kubectl sends no credentials over plain HTTP (clientcmd applies them to TLS connections only).
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';

export interface Upstream {
  url: string;
  caPem: string;
  token: string;
}

/** Runs after the server answered a matching request and before the client receives that answer. */
export type Hold = (request: URL) => Promise<void>;

export class HoldingProxy {
  readonly #upstream: Upstream;
  readonly #server = http.createServer((req, res) => this.#forward(req, res));
  readonly #holds: { matches: (request: URL) => boolean; run: Hold }[] = [];
  /** Every request seen, as path?query. */
  readonly requests: string[] = [];
  url = '';

  constructor(upstream: Upstream) {
    this.#upstream = upstream;
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this.url;
  }

  /** Holds the answer to the next request `matches` accepts until `run` resolves (once). */
  holdNext(matches: (request: URL) => boolean, run: Hold): void {
    this.#holds.push({ matches, run });
  }

  /** A client configuration that reaches the server through this proxy, with the server's token. */
  kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      // client-node refuses http:// unless TLS verification is off (there is no TLS to verify).
      clusters: [{ name: 'proxy', server: this.url, skipTLSVerify: true }],
      users: [{ name: 'u', token: this.#upstream.token }],
      contexts: [{ name: 'proxy', cluster: 'proxy', user: 'u' }],
      currentContext: 'proxy',
    });
    return kc;
  }

  /** Writes that configuration as a kubeconfig file (for kubectl) and returns its path. */
  writeKubeconfig(path: string): string {
    writeFileSync(path, this.kubeConfig().exportConfig());
    return path;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.#upstream.url);
    this.requests.push(`${url.pathname}${url.search}`);
    const index = this.#holds.findIndex((h) => h.matches(url));
    const hold = index >= 0 ? this.#holds.splice(index, 1)[0] : undefined;
    const upstream = https.request(
      url,
      {
        method: req.method,
        headers: {
          authorization: `Bearer ${this.#upstream.token}`,
          ...req.headers,
          host: url.host,
        },
        ca: this.#upstream.caPem,
      },
      (answer) => {
        const chunks: Buffer[] = [];
        const send = (): void => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(Buffer.concat(chunks));
        };
        if (!hold) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        }
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          hold.run(url).then(send, (err: unknown) => {
            res.writeHead(599).end(`hold failed: ${String(err)}`);
          });
        });
      },
    );
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  }
}
