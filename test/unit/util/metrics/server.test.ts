// The /metrics endpoint: address parsing, the one route, the bound URL and its file, nothing left listening.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metrics } from '../../../../src/util/metrics/registry.ts';
import { metricsUrl, parseMetricsAddress, serveMetrics } from '../../../../src/util/metrics/server.ts';

void test('metrics addresses: HOST:PORT, [V6]:PORT, :PORT on loopback; anything else refused', () => {
  const good: [string, { host: string; port: number }, string][] = [
    ['127.0.0.1:10660', { host: '127.0.0.1', port: 10660 }, 'http://127.0.0.1:10660/metrics'],
    ['0.0.0.0:0', { host: '0.0.0.0', port: 0 }, 'http://0.0.0.0:0/metrics'],
    [':10665', { host: '127.0.0.1', port: 10665 }, 'http://127.0.0.1:10665/metrics'],
    ['[::1]:9000', { host: '::1', port: 9000 }, 'http://[::1]:9000/metrics'],
  ];
  for (const [text, want, url] of good) {
    assert.deepEqual(parseMetricsAddress(text), want, text);
    assert.equal(metricsUrl(want), url, text);
  }
  for (const bad of ['127.0.0.1', '127.0.0.1:70000', '::1:80', 'host:port', ''])
    assert.throws(() => parseMetricsAddress(bad), /metrics address .*: want HOST:PORT/, bad);
});

void test('serves GET /metrics as text on an ephemeral loopback port, 404 otherwise, and writes its URL', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kovn-metrics-'));
  const metrics = new Metrics();
  metrics.reconcile('Vpc').finished('success', 3);
  const urlFile = join(dir, 'url');
  const server = await serveMetrics(metrics, { urlFile });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    assert.equal(readFileSync(urlFile, 'utf8'), `${server.url}\n`);
    const ok = await fetch(server.url);
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get('content-type') ?? '', /^text\/plain/);
    assert.match(await ok.text(), /^# TYPE kovn_reconcile_total counter$/m);
    for (const [path, method] of [
      ['/', 'GET'],
      ['/metricsx', 'GET'],
      ['/metrics', 'POST'],
    ] as const) {
      const r = await fetch(new URL(path, server.url), { method });
      assert.equal(r.status, 404, `${method} ${path}`);
      await r.body?.cancel();
    }
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  await assert.rejects(fetch(server.url), 'nothing listens after close');
});

void test('GET /healthz: 200 ok while healthy, 503 when the program says it is not (liveness, readiness)', async () => {
  let healthy = true;
  const server = await serveMetrics(new Metrics(), { healthy: () => healthy });
  try {
    const url = server.url.replace(/\/metrics$/, '/healthz');
    const ok = await fetch(url);
    assert.deepEqual([ok.status, await ok.text()], [200, 'ok\n']);
    healthy = false;
    const sick = await fetch(url);
    assert.deepEqual([sick.status, await sick.text()], [503, 'unhealthy\n']);
  } finally {
    await server.close();
  }
});
