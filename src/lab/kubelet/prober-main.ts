/**
 * The lab node's prober: kubelet's probe client, run in the node's network namespace (the "host network" a real
 * kubelet probes from) by the lab's kubelet for that node: `ip netns exec <node netns> node
 * src/lab/kubelet/prober-main.ts --socket PATH`. It answers `POST /probe` (a `ProbeRequest`, probe-run.ts) on a unix
 * socket with a `ProbeResult`; the kubelet in the lab daemon decides when to probe and what the results mean.
 */
import { existsSync, rmSync } from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { runProbe, type ProbeRequest } from './probe-run.ts';

const { values } = parseArgs({ options: { socket: { type: 'string' } } });
const socket = values.socket;
if (!socket) {
  process.stderr.write('usage: prober-main.ts --socket PATH\n');
  process.exit(2);
}

const server = http.createServer((req, res) => {
  let text = '';
  req.setEncoding('utf8');
  req.on('data', (c: string) => (text += c));
  req.on('end', () => {
    void (async () => {
      let status = 200;
      let body: unknown;
      try {
        if (req.method !== 'POST' || req.url !== '/probe')
          throw new Error(`no such endpoint ${req.url ?? ''}`);
        body = await runProbe(JSON.parse(text) as ProbeRequest);
      } catch (err) {
        status = 400;
        body = { error: (err as Error).message };
      }
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    })();
  });
});
if (existsSync(socket)) rmSync(socket, { force: true });
server.listen(socket, () => process.stdout.write(`node prober listening on ${socket}\n`));
const stop = (): void => {
  server.close();
  rmSync(socket, { force: true });
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
