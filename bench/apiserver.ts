/**
 * Benchmark of the embedded API server (run: npm run bench:apiserver). The server runs as a separate process
 * (src/apiserver/main.ts) so client work does not skew it. Prints:
 *   1. creates/second (HTTPS, keep-alive, 16 concurrent clients) and write latency p50/p99;
 *   2. watch delivery latency p50/p99 with 10 watchers while 10,000 objects are written;
 *   3. cold start time and resident memory with 100,000 stored objects, and the time to list them all.
 * Figures only; no assertions. Env: BENCH_CREATES (default 3000), BENCH_WATCH_OBJECTS (10000), BENCH_STORED (100000).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { Store } from '../src/apiserver/store/store.ts';

const creates = Number(process.env.BENCH_CREATES ?? 3000);
const watchObjects = Number(process.env.BENCH_WATCH_OBJECTS ?? 10_000);
const stored = Number(process.env.BENCH_STORED ?? 100_000);
const mainTs = new URL('../src/apiserver/main.ts', import.meta.url).pathname;

interface Server {
  child: ChildProcess;
  url: string;
  ca: string;
  token: string;
  agent: Agent;
  startMs: number;
}

const children = new Set<ChildProcess>();

async function startServer(dataDir: string): Promise<Server> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [mainTs, '--data-dir', dataDir, '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const [line] = (await once(lines, 'line')) as [string];
  const startMs = performance.now() - t0;
  const url = (JSON.parse(line) as { url: string }).url;
  const ca = readFileSync(join(dataDir, 'pki', 'ca.crt'), 'utf8');
  const token = readFileSync(join(dataDir, 'pki', 'token'), 'utf8').trim();
  return { child, url, ca, token, agent: new Agent({ keepAlive: true, maxSockets: 64, ca }), startMs };
}

async function stopServer(s: Server): Promise<void> {
  s.agent.destroy();
  s.child.kill('SIGTERM');
  if (s.child.exitCode === null) await once(s.child, 'exit');
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

function call(
  s: Server,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, s.url),
      {
        method,
        agent: s.agent,
        headers: {
          Authorization: `Bearer ${s.token}`,
          Accept: 'application/json',
          ...(payload
            ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) }
            : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const fmt = (ms: number): string => `${ms.toFixed(2)} ms`;

async function createMany(
  s: Server,
  ns: string,
  count: number,
  concurrency: number,
  onSent?: (name: string) => void,
): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const name = `obj-${next++}`;
      onSent?.(name);
      const t0 = performance.now();
      const res = await call(s, 'POST', `/api/v1/namespaces/${ns}/configmaps`, {
        metadata: { name, labels: { bench: 'yes' } },
        data: { payload: 'x'.repeat(200) },
      });
      if (res.status !== 201) throw new Error(`create ${name}: ${res.status} ${res.text}`);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return latencies;
}

async function benchCreates(dir: string): Promise<void> {
  const s = await startServer(join(dir, 'creates'));
  try {
    await call(s, 'POST', '/api/v1/namespaces', { metadata: { name: 'bench' } });
    const t0 = performance.now();
    const latencies = await createMany(s, 'bench', creates, 16);
    const seconds = (performance.now() - t0) / 1000;
    console.log(
      `creates:        ${creates} ConfigMaps, 16 clients: ${(creates / seconds).toFixed(0)} creates/s; write latency p50 ${fmt(percentile(latencies, 50))}, p99 ${fmt(percentile(latencies, 99))}`,
    );
  } finally {
    await stopServer(s);
  }
}

async function benchWatch(dir: string): Promise<void> {
  const s = await startServer(join(dir, 'watch'));
  try {
    await call(s, 'POST', '/api/v1/namespaces', { metadata: { name: 'bench' } });
    const rv = (
      JSON.parse((await call(s, 'GET', '/api/v1/namespaces/bench/configmaps')).text) as {
        metadata: { resourceVersion: string };
      }
    ).metadata.resourceVersion;
    const sent = new Map<string, number>();
    const delays: number[] = [];
    let received = 0;
    const watchers = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const req = request(
          new URL(`/api/v1/namespaces/bench/configmaps?watch=true&resourceVersion=${rv}`, s.url),
          { headers: { Authorization: `Bearer ${s.token}` }, ca: s.ca },
        );
        req.end();
        const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const now = performance.now();
          buffer += chunk;
          let nl: number;
          while ((nl = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, nl);
            buffer = buffer.slice(nl + 1);
            const name = /"name":"([^"]+)"/.exec(line)?.[1] ?? '';
            const start = sent.get(name);
            if (start !== undefined) delays.push(now - start);
            received++;
          }
        });
        return req;
      }),
    );
    const t0 = performance.now();
    await createMany(s, 'bench', watchObjects, 16, (name) => sent.set(name, performance.now()));
    const deadline = performance.now() + 30_000;
    while (received < watchObjects * 10 && performance.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    const seconds = (performance.now() - t0) / 1000;
    for (const w of watchers) w.destroy();
    console.log(
      `watch:          10 watchers x ${watchObjects} objects in ${seconds.toFixed(1)} s: ${received} events delivered; delivery latency (request sent -> event received) p50 ${fmt(percentile(delays, 50))}, p99 ${fmt(percentile(delays, 99))}`,
    );
  } finally {
    await stopServer(s);
  }
}

async function benchColdStart(dir: string): Promise<void> {
  const dataDir = join(dir, 'cold');
  const first = await startServer(dataDir);
  await call(first, 'POST', '/api/v1/namespaces', { metadata: { name: 'bench' } });
  await stopServer(first);
  const t0 = performance.now();
  const store = new Store(join(dataDir, 'store.db'));
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  for (let i = 0; i < stored; i += 1000) {
    const batch = [];
    for (let j = i; j < Math.min(stored, i + 1000); j++) {
      batch.push({
        type: 'ADDED' as const,
        resource: '/configmaps',
        object: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name: `obj-${j}`,
            namespace: 'bench',
            uid: `uid-${j}`,
            creationTimestamp: now,
            generation: 1,
            labels: { bench: 'yes' },
          },
          data: { payload: 'x'.repeat(200) },
        },
      });
    }
    store.commit(batch);
  }
  store.close();
  console.log(
    `seed:           ${stored} objects written straight into the store in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const s = await startServer(dataDir);
  try {
    const rssAtStart = rssMiB(s.child.pid ?? 0);
    const t1 = performance.now();
    const list = await call(s, 'GET', '/api/v1/namespaces/bench/configmaps');
    const listMs = performance.now() - t1;
    const items = (JSON.parse(list.text) as { items: unknown[] }).items.length;
    const t2 = performance.now();
    const page = await call(s, 'GET', '/api/v1/namespaces/bench/configmaps?limit=500');
    const pageMs = performance.now() - t2;
    console.log(
      `cold start:     ${stored} stored objects: listening after ${fmt(s.startMs)} (process spawn included); RSS ${rssAtStart.toFixed(0)} MiB`,
    );
    console.log(
      `list:           all ${items} objects in ${fmt(listMs)} (${(list.text.length / 1048576).toFixed(0)} MiB of JSON); first page of 500 in ${fmt(pageMs)} (${page.status}); RSS after ${rssMiB(s.child.pid ?? 0).toFixed(0)} MiB`,
    );
  } finally {
    await stopServer(s);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'kovn-bench-apiserver-'));
const cleanup = (): void => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
};
process.once('exit', cleanup);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGPIPE'] as const) {
  process.once(signal, () => {
    cleanup();
    process.exit(1);
  });
}
try {
  await benchCreates(dir);
  await benchWatch(dir);
  await benchColdStart(dir);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
