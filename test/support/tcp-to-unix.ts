// A relay for tests that run a process in a network namespace they created: `node test/support/tcp-to-unix.ts
// PORT SOCKET` listens on 127.0.0.1:PORT (in whatever namespace it was started in, e.g. under `ip netns exec`) and
// relays each connection to the Unix socket SOCKET, whose file every namespace sees. Paired with a relay from that
// socket to a loopback server in the test's own namespace (`unixToTcp`), a process in the test's namespace reaches,
// say, the embedded API server at the same 127.0.0.1:PORT, without any link to the host's network. Prints
// `listening` once bound; exits on SIGTERM.
import { createConnection, createServer, type Socket } from 'node:net';

/** Listens on the Unix socket `path` and relays each connection to 127.0.0.1:`port` (in this namespace); `close`
 * ends the relayed connections too. */
export function unixToTcp(path: string, port: number): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  const close = (): Promise<void> =>
    new Promise((done) => {
      server.close(() => done());
      for (const s of sockets) s.destroy();
    });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve({ close }));
  });
}

if (import.meta.main) {
  const [port, socket] = process.argv.slice(2);
  if (!port || !socket) {
    process.stderr.write('usage: tcp-to-unix.ts PORT SOCKET\n');
    process.exit(2);
  }
  const server = createServer((client) => {
    const upstream = createConnection({ path: socket });
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  server.listen(Number(port), '127.0.0.1', () => process.stdout.write('listening\n'));
  process.on('SIGTERM', () => process.exit(0));
}
