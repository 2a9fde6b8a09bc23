/**
 * The chaos run's long-lived TCP flow, run inside the pods' network namespaces (`ip netns exec`):
 *   `node tcp-flow.ts server PORT`        echoes every line back;
 *   `node tcp-flow.ts client IP PORT MS`  keeps one connection open and sends a sequence number every MS ms; a reply
 *                                         more than a second after its request counts as late; a reset or a closed
 *                                         connection is counted and the connection made again. On SIGTERM it
 *                                         prints one JSON line: sent, replied, late, missing (no reply, not counting
 *                                         the last second), resets, and the longest time without a reply.
 */
import { createConnection, createServer, type Socket } from 'node:net';

const [mode, ...args] = process.argv.slice(2);

function server(port: number): void {
  createServer((s) => {
    s.on('error', () => undefined);
    s.pipe(s);
  }).listen(port, '0.0.0.0');
}

function client(ip: string, port: number, everyMs: number): void {
  const sentAt = new Map<number, number>();
  const stats = { sent: 0, replied: 0, late: 0, resets: 0, connects: 0, longestGapMs: 0 };
  let lastReply = Date.now();
  let seq = 0;
  let socket: Socket | undefined;
  let buffer = '';
  const connect = () => {
    stats.connects++;
    const s = createConnection({ host: ip, port });
    s.setNoDelay(true);
    s.setEncoding('utf8');
    s.on('connect', () => (socket = s));
    s.on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      const now = Date.now();
      for (const line of lines) {
        const at = sentAt.get(Number(line));
        if (at === undefined) continue;
        sentAt.delete(Number(line));
        stats.replied++;
        if (now - at > 1_000) stats.late++;
        stats.longestGapMs = Math.max(stats.longestGapMs, now - lastReply);
        lastReply = now;
      }
    });
    let done = false;
    const lost = () => {
      if (done) return;
      done = true;
      if (socket === s) {
        socket = undefined;
        stats.resets++;
      }
      s.destroy();
      buffer = '';
      setTimeout(connect, 100);
    };
    s.on('error', lost);
    s.on('close', lost);
  };
  connect();
  const tick = setInterval(() => {
    if (!socket) return;
    seq++;
    stats.sent++;
    sentAt.set(seq, Date.now());
    socket.write(`${seq}\n`);
  }, everyMs);
  process.on('SIGTERM', () => {
    clearInterval(tick);
    const now = Date.now();
    const missing = [...sentAt.values()].filter((at) => now - at > 1_000).length;
    stats.longestGapMs = Math.max(stats.longestGapMs, now - lastReply);
    process.stdout.write(`${JSON.stringify({ ...stats, missing })}\n`, () => process.exit(0));
  });
}

if (mode === 'server') server(Number(args[0]));
else if (mode === 'client') client(args[0]!, Number(args[1]), Number(args[2] ?? 100));
else {
  process.stderr.write('usage: tcp-flow.ts server PORT | client IP PORT [MS]\n');
  process.exit(2);
}
