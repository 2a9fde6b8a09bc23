// A TCP server that tells each client where it came from, and its client, for tests that check NAT by the addresses
// a connection shows on either end. Run inside a test's network namespace:
//   node test/support/peer-echo.ts serve HOST PORT     prints "listening", answers "<peer address> <local address>"
//   node test/support/peer-echo.ts ask SOURCE HOST PORT  connects from SOURCE, prints the answer (exit 1 after 5 s)
import { connect, createServer } from 'node:net';

const [mode, ...args] = process.argv.slice(2);
if (mode === 'serve') {
  const [host, port] = args;
  const server = createServer((s) => s.end(`${s.remoteAddress ?? ''} ${s.localAddress ?? ''}\n`));
  server.listen(Number(port), host, () => process.stdout.write('listening\n'));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
} else if (mode === 'ask') {
  const [source, host, port] = args;
  let answer = '';
  const s = connect({ host: host ?? '', port: Number(port), localAddress: source ?? '' });
  s.setTimeout(5_000, () => {
    process.stderr.write(`no answer from ${host}:${port}\n`);
    process.exit(1);
  });
  s.on('data', (b: Buffer) => (answer += b.toString()));
  s.on('end', () => {
    process.stdout.write(answer);
    process.exit(0);
  });
  s.on('error', (err) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  });
} else {
  process.stderr.write('usage: peer-echo.ts serve HOST PORT | ask SOURCE HOST PORT\n');
  process.exit(2);
}
