/**
 * The chaos run's running flows between the two flow pods (one per node): a ping every 100 ms from pod A to pod B
 * (`ip netns exec <pod A netns> ping -i 0.1`, counted by icmp_seq), and one long-lived TCP connection from A to an
 * echo server in B (tcp-flow.ts: sequence numbers, missing and late replies, resets). `startFlows` starts both and
 * returns a handle whose `stop` ends them and returns their figures: packets lost and the longest gap.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const TCP_FLOW = fileURLToPath(new URL('./tcp-flow.ts', import.meta.url));
const TCP_PORT = 7001;
const EVERY_MS = 100;

export interface PingFigures {
  sent: number;
  received: number;
  lost: number;
  /** The longest run of consecutive lost echoes, in ms (number of echoes x 100 ms). */
  longestGapMs: number;
  /** When the longest gap began, as ms since the flows started. */
  longestGapAtMs: number;
  /** Every run of consecutive lost echoes: when it began (ms since the flows started) and how many were lost. */
  gaps: { atMs: number; lost: number }[];
}

export interface TcpFigures {
  sent: number;
  replied: number;
  missing: number;
  late: number;
  resets: number;
  longestGapMs: number;
}

export interface FlowFigures {
  ping: PingFigures;
  tcp: TcpFigures;
}

/**
 * Figures from the echoes answered (icmp_seq -> when it came back, ms since the flows started), out of `sent` (the
 * last second's echoes not counted: in flight). A gap is dated by the answer before it (ping's own pace slips under
 * load, so a sequence number alone is not a time).
 */
export function pingFigures(
  arrivals: ReadonlyMap<number, number>,
  sent: number,
  everyMs = EVERY_MS,
): PingFigures {
  const counted = Math.max(0, sent - Math.ceil(1_000 / everyMs));
  const gaps: { atMs: number; lost: number }[] = [];
  let open = false;
  for (let seq = 1; seq <= counted; seq++) {
    if (arrivals.has(seq)) {
      open = false;
      continue;
    }
    if (open) gaps.at(-1)!.lost++;
    else gaps.push({ atMs: (arrivals.get(seq - 1) ?? (seq - 2) * everyMs) + everyMs, lost: 1 });
    open = true;
  }
  const lost = gaps.reduce((n, g) => n + g.lost, 0);
  const longest = gaps.reduce<{ atMs: number; lost: number } | undefined>(
    (best, g) => (!best || g.lost > best.lost ? g : best),
    undefined,
  );
  return {
    sent: counted,
    received: counted - lost,
    lost,
    longestGapMs: (longest?.lost ?? 0) * everyMs,
    longestGapAtMs: longest?.atMs ?? 0,
    gaps,
  };
}

const inNetns = (netns: string, cmd: string[]): ChildProcess =>
  spawn('ip', ['netns', 'exec', netns, ...cmd], { stdio: ['ignore', 'pipe', 'pipe'] });

function collect(child: ChildProcess): { out: () => string } {
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (out += c));
  return { out: () => out };
}

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));

export interface Flows {
  /** Ends the flows; their figures. */
  stop(): Promise<FlowFigures>;
  /** The echoes answered so far (a flow that does not start answering is found before the storm). */
  answered(): number;
  /** When the ping started (epoch ms). */
  startedAt: number;
}

export async function startFlows(o: { fromNetns: string; toNetns: string; toIp: string }): Promise<Flows> {
  const server = inNetns(o.toNetns, [process.execPath, TCP_FLOW, 'server', String(TCP_PORT)]);
  await new Promise((r) => setTimeout(r, 1_000));
  const ping = inNetns(o.fromNetns, ['ping', '-n', '-i', String(EVERY_MS / 1000), '-W', '1', o.toIp]);
  const client = inNetns(o.fromNetns, [
    process.execPath,
    TCP_FLOW,
    'client',
    o.toIp,
    String(TCP_PORT),
    String(EVERY_MS),
  ]);
  const startedAt = Date.now();
  const received = new Map<number, number>();
  let pingOut = '';
  ping.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    pingOut += chunk;
    for (const m of chunk.matchAll(/icmp_seq=(\d+)/g)) received.set(Number(m[1]), Date.now() - startedAt);
  });
  const tcpOut = collect(client);
  collect(server);
  return {
    answered: () => received.size,
    startedAt,
    async stop() {
      ping.kill('SIGINT');
      client.kill('SIGTERM');
      await Promise.all([exited(ping), exited(client)]);
      server.kill('SIGTERM');
      await exited(server);
      const sent = Number(/(\d+) packets transmitted/.exec(pingOut)?.[1] ?? received.size);
      const line = tcpOut.out().trim().split('\n').at(-1) ?? '{}';
      let tcp: TcpFigures;
      try {
        tcp = JSON.parse(line) as TcpFigures;
      } catch {
        throw new Error(`the TCP flow client printed no figures: ${tcpOut.out().slice(-500)}`);
      }
      return { ping: pingFigures(received, sent), tcp };
    },
  };
}
