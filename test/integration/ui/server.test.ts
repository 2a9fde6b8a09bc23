// The topology page's server (src/ui/server.ts, cluster-watch.ts) against kovn's real embedded API server: it
// answers only requests that carry its token and name it in Host, trades the token for an HttpOnly cookie, serves
// the page, its scripts and the graph library from the package, refuses writes and cross-origin traces, and its
// event stream follows the cluster live (a pod created after the page connected arrives without a reload).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { pino } from 'pino';
import type { KubeObject } from '../../../src/api/types.ts';
import { kubeRequest } from '../../../src/kube/request.ts';
import { kindCollectionPath } from '../../../src/kube/resources.ts';
import { ClusterWatch } from '../../../src/ui/cluster-watch.ts';
import { serveUi, type UiServer } from '../../../src/ui/server.ts';
import type { Topology } from '../../../src/ui/topology-types.ts';
import { systemClock } from '../../../src/util/clock.ts';
import { embeddedApiServer, eventually } from '../../support/embedded-apiserver.ts';
import type { KubeConfig } from '@kubernetes/client-node';

const create = (kc: KubeConfig, obj: KubeObject) =>
  kubeRequest(kc, { method: 'POST', path: kindCollectionPath(obj.kind, obj.metadata.namespace), body: obj });

const pod = (name: string, ip: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'ns1',
    annotations: { 'ovn.kubernetes.io/logical_switch': 's1', 'ovn.kubernetes.io/ip_address': ip },
  },
  spec: { containers: [{ name: 'c', image: 'x' }], nodeName: 'n1' },
});

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(url: string, options: http.RequestOptions = {}, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, options, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function startUi(t: { after(fn: () => Promise<void>): void }) {
  const lab = await embeddedApiServer(t);
  const kc = lab.kubeConfig;
  await create(kc, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1' } });
  await create(kc, {
    apiVersion: 'kubeovn.io/v1',
    kind: 'Vpc',
    metadata: { name: 'v1' },
    spec: { namespaces: ['ns1'] },
  });
  await create(kc, {
    apiVersion: 'kubeovn.io/v1',
    kind: 'Subnet',
    metadata: { name: 's1' },
    spec: { vpc: 'v1', cidrBlock: '10.0.1.0/24', protocol: 'IPv4', namespaces: ['ns1'] },
  });
  await create(kc, pod('p1', '10.0.1.2'));
  const log = pino({ level: 'silent' });
  const watch = new ClusterWatch({ kubeConfig: kc, nbRemotes: [], trace: false, clock: systemClock, log });
  const ui: UiServer = await serveUi({
    host: '127.0.0.1',
    port: 0,
    watch,
    tracer: undefined,
    clock: systemClock,
    log,
  });
  lab.defer(() => ui.close());
  const token = new URL(ui.url).searchParams.get('token') ?? '';
  return { kc, ui, token, auth: { Authorization: `Bearer ${token}` } };
}

test('only the token opens it; the Host header must name the server; the token becomes an HttpOnly cookie', async (t) => {
  const { ui, token, auth } = await startUi(t);
  assert.equal((await request(`${ui.origin}/api/topology`)).status, 401);
  assert.equal(
    (await request(`${ui.origin}/api/topology`, { headers: { Authorization: 'Bearer wrong' } })).status,
    401,
  );
  const rebound = await request(`${ui.origin}/api/topology`, {
    headers: { ...auth, Host: 'attacker.example:80' },
  });
  assert.equal(rebound.status, 421);
  const entry = await request(ui.url);
  assert.equal(entry.status, 303);
  const cookie = entry.headers['set-cookie']?.[0] ?? '';
  assert.match(cookie, /^kovn-ui-token=[\w-]+; HttpOnly; SameSite=Strict; Path=\/$/);
  assert.ok(cookie.includes(token));
  const page = await request(`${ui.origin}/`, { headers: { Cookie: cookie.split(';')[0]! } });
  assert.equal(page.status, 200);
  assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
  assert.match(page.body, /<html/i);
});

test('the graph library comes from the package; nothing outside the page and vendor lists is served', async (t) => {
  const { ui, auth } = await startUi(t);
  const lib = await request(`${ui.origin}/vendor/cytoscape.min.js`, { headers: auth });
  assert.equal(lib.status, 200);
  assert.match(lib.headers['content-type'] ?? '', /^text\/javascript/);
  assert.ok(lib.body.length > 100_000);
  for (const path of ['/vendor/fs.js', '/web/../server.ts', '/web/%2e%2e/server.ts', '/etc/passwd'])
    assert.equal((await request(`${ui.origin}${path}`, { headers: auth })).status, 404, path);
});

test('read-only: writes are refused; a trace must be same-origin JSON; without NB and SB it says what it needs', async (t) => {
  const { ui, auth } = await startUi(t);
  assert.equal((await request(`${ui.origin}/api/topology`, { method: 'PUT', headers: auth })).status, 405);
  const body = JSON.stringify({ source: 'ns1/p1', dest: '10.0.1.3' });
  const json = { ...auth, 'Content-Type': 'application/json' };
  const crossSite = await request(
    `${ui.origin}/api/trace`,
    { method: 'POST', headers: { ...json, Origin: 'http://evil.example' } },
    body,
  );
  assert.equal(crossSite.status, 403);
  const form = await request(
    `${ui.origin}/api/trace`,
    { method: 'POST', headers: { ...auth, 'Content-Type': 'text/plain' } },
    body,
  );
  assert.equal(form.status, 403);
  const untraceable = await request(
    `${ui.origin}/api/trace`,
    { method: 'POST', headers: { ...json, Origin: ui.origin } },
    body,
  );
  assert.equal(untraceable.status, 501);
  assert.match(untraceable.body, /--ovn-nb-addr and --ovn-sb-addr/);
});

test('the event stream sends the topology at once, then follows the cluster live', async (t) => {
  const { kc, ui, auth } = await startUi(t);
  const seen: Topology[] = [];
  const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
    http.get(`${ui.origin}/api/events`, { headers: auth }, resolve).on('error', reject),
  );
  t.after(() => res.destroy());
  assert.equal(res.headers['content-type'], 'text/event-stream');
  let buffer = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    buffer += chunk;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = /^event: topology\ndata: (.*)$/s.exec(event)?.[1];
      if (data) seen.push(JSON.parse(data) as Topology);
    }
  });
  const pods = (topology: Topology | undefined) =>
    topology?.vpcs.flatMap((v) =>
      v.subnets.flatMap((s) => s.pods.map((p) => `${p.id} ${p.ips.join(',')}`)),
    ) ?? [];
  await eventually(() => seen.length > 0, 'the first topology');
  assert.deepEqual(pods(seen[0]), ['pod/ns1/p1 10.0.1.2']);
  assert.equal(seen[0]!.nb, 'off');
  assert.equal(seen[0]!.trace, false);
  await create(kc, pod('p2', '10.0.1.3'));
  await eventually(() => pods(seen.at(-1)).includes('pod/ns1/p2 10.0.1.3'), 'the new pod in a later event');
});
