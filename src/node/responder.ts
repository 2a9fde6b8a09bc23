/**
 * The lab's built-in responder, run inside a pod's network namespace by kubelet-lite (`ip netns exec <pod netns>
 * node src/node/responder.ts --pod NS/NAME --tcp 80 --udp 53 --grpc 9000`) in place of the pod's containers: it
 * accepts TCP on every declared TCP port (HTTP requests get 200 naming the pod, other bytes are echoed; see
 * responder-protocol.ts), serves each `--grpc` port as a grpc.health.v1 server (responder-grpc.ts, loaded only
 * then) and echoes UDP datagrams, on all addresses. Stopped by its pid (SIGTERM).
 */
import { createSocket } from 'node:dgram';
import { createServer, type Socket } from 'node:net';
import { grpcStatusMaps, httpAnswer, looksLikeHttp, parseResponderArgs } from './responder-protocol.ts';

function serveTcp(pod: string, socket: Socket): void {
  let head = '';
  let mode: 'unknown' | 'http' | 'echo' = 'unknown';
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    if (mode === 'echo') {
      socket.write(chunk);
      return;
    }
    if (mode === 'http') return;
    head += chunk.toString('latin1');
    const http = looksLikeHttp(head);
    if (http === false) {
      mode = 'echo';
      socket.write(Buffer.from(head, 'latin1'));
      return;
    }
    if (http && head.includes('\r\n\r\n')) {
      mode = 'http';
      socket.end(httpAnswer(pod, head));
    }
  });
}

function listenTcp(port: number, serve: (socket: Socket) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer(serve);
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EAFNOSUPPORT' && err.code !== 'EADDRNOTAVAIL') return reject(err);
      const v4 = createServer(serve);
      v4.once('error', reject);
      v4.listen({ port, host: '0.0.0.0' }, () => resolve());
    });
    server.listen({ port, host: '::', ipv6Only: false }, () => resolve());
  });
}

function listenUdp(port: number): Promise<void> {
  const bind = (type: 'udp4' | 'udp6'): Promise<void> =>
    new Promise((resolve, reject) => {
      const sock = createSocket({ type, ipv6Only: false });
      sock.on('message', (msg, rinfo) => sock.send(msg, rinfo.port, rinfo.address));
      sock.once('error', reject);
      sock.bind(port, type === 'udp6' ? '::' : '0.0.0.0', () => resolve());
    });
  return bind('udp6').catch(() => bind('udp4'));
}

const args = parseResponderArgs(process.argv.slice(2));
const grpc = grpcStatusMaps(args.grpc);
const plain = args.tcp.filter((p) => !grpc.has(p));
const grpcServers = grpc.size ? await import('./responder-grpc.ts') : undefined;
await Promise.all([
  ...plain.map((p) => listenTcp(p, (s) => serveTcp(args.pod, s))),
  ...[...grpc].map(([p, statuses]) => listenTcp(p, grpcServers!.grpcHealthServer(statuses))),
  ...args.udp.map((p) => listenUdp(p)),
]);
process.stdout.write(
  `responder for ${args.pod}: tcp ${plain.join(',') || '-'} udp ${args.udp.join(',') || '-'} grpc ${
    [...grpc.keys()].join(',') || '-'
  }\n`,
);
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
