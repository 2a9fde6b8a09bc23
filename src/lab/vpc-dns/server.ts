/**
 * The lab's VPC DNS server, run by the lab inside a DNS pod's network namespace
 * (`ip netns exec <pod netns> node src/lab/vpc-dns/server.ts --zone-file F --pod NS/NAME`) in place of the CoreDNS
 * container: UDP and TCP on the Corefile's port, questions inside the cluster zones answered from the zone file
 * (answer.ts), others relayed to the Corefile's upstreams (UDP, 2 s each; SERVFAIL when none answers: the lab has no
 * internet). The zone file is written by the lab daemon (runner.ts) from its watch on Services and Endpoints; the
 * server reloads it when it changes. Stopped by its pid (SIGTERM).
 */
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync, watchFile } from 'node:fs';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import * as dnsPacket from 'dns-packet';
import { answerQuestion } from './answer.ts';
import type { ZoneData } from './zone.ts';

export interface ZoneFile {
  port: number;
  /** `ip` or `ip:port`. */
  upstreams: string[];
  zone: ZoneData;
}

const FORWARD_TIMEOUT_MS = 2_000;
const RCODES = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3 } as const;

const { values } = parseArgs({ options: { 'zone-file': { type: 'string' }, pod: { type: 'string' } } });
const zoneFile = values['zone-file'];
if (!zoneFile) {
  process.stderr.write('usage: server.ts --zone-file FILE --pod NS/NAME\n');
  process.exit(2);
}
let current = JSON.parse(readFileSync(zoneFile, 'utf8')) as ZoneFile;
watchFile(zoneFile, { interval: 200 }, () => {
  try {
    current = JSON.parse(readFileSync(zoneFile, 'utf8')) as ZoneFile;
  } catch (err) {
    process.stderr.write(`zone file not reloaded: ${(err as Error).message}\n`);
  }
});

function forwardOnce(query: Buffer, upstream: string): Promise<Buffer> {
  const [host, port] =
    upstream.includes(']:') || /^[^:]+:\d+$/.test(upstream) ? splitHostPort(upstream) : [upstream, 53];
  return new Promise((resolve, reject) => {
    const sock = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const signal = AbortSignal.timeout(FORWARD_TIMEOUT_MS);
    const done = (err?: Error, msg?: Buffer) => {
      signal.onabort = null;
      sock.close();
      if (msg) resolve(msg);
      else reject(err ?? new Error('no answer'));
    };
    signal.onabort = () => done(new Error(`${upstream}: no answer in ${FORWARD_TIMEOUT_MS} ms`));
    sock.on('error', (err) => done(err));
    sock.on('message', (msg) => done(undefined, msg));
    sock.send(query, port, host);
  });
}

function splitHostPort(text: string): [string, number] {
  const m = /^\[?(.*?)\]?:(\d+)$/.exec(text);
  return m ? [m[1]!, Number(m[2])] : [text, 53];
}

async function respond(raw: Buffer): Promise<Buffer> {
  let query: dnsPacket.Packet;
  try {
    query = dnsPacket.decode(raw);
  } catch {
    return Buffer.alloc(0);
  }
  const question = query.questions?.[0];
  const reply = (rcode: keyof typeof RCODES, answers: dnsPacket.Answer[], aa: boolean): Buffer =>
    dnsPacket.encode({
      type: 'response',
      id: query.id ?? 0,
      // the response code is the low four bits of the flags (RFC 1035 §4.1.1)
      flags:
        (aa ? dnsPacket.AUTHORITATIVE_ANSWER : 0) |
        dnsPacket.RECURSION_DESIRED |
        dnsPacket.RECURSION_AVAILABLE |
        RCODES[rcode],
      questions: query.questions ?? [],
      answers,
    });
  if (!question) return reply('FORMERR', [], false);
  const outcome = answerQuestion(current.zone, question);
  if (outcome.kind === 'answer') return reply(outcome.rcode, outcome.answers, true);
  for (const upstream of current.upstreams) {
    try {
      return await forwardOnce(raw, upstream);
    } catch {
      // next upstream
    }
  }
  return reply('SERVFAIL', [], false);
}

function serveUdp(sock: Socket): void {
  sock.on('message', (msg, rinfo) => {
    void respond(msg).then((out) => {
      if (out.length) sock.send(out, rinfo.port, rinfo.address);
    });
  });
}

const port = current.port;
const udp = createSocket('udp4');
serveUdp(udp);
await new Promise<void>((resolve, reject) => {
  udp.once('error', reject);
  udp.bind(port, '0.0.0.0', () => resolve());
});
const tcp = createServer((conn) => {
  let buffered = Buffer.alloc(0);
  conn.on('error', () => conn.destroy());
  conn.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
      const msg = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
      buffered = buffered.subarray(2 + msg.length);
      void respond(Buffer.from(msg)).then((out) => {
        const len = Buffer.alloc(2);
        len.writeUInt16BE(out.length);
        conn.write(Buffer.concat([len, out]));
      });
    }
  });
});
await new Promise<void>((resolve, reject) => {
  tcp.once('error', reject);
  tcp.listen({ port, host: '0.0.0.0' }, () => resolve());
});
process.stdout.write(
  `vpc dns for ${values.pod ?? '?'}: udp+tcp ${port}, zones ${current.zone.zones.join(' ')}\n`,
);
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
