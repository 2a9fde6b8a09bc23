// KubeLeaseStore over HTTP against a minimal Lease endpoint (GET/POST/PUT with resourceVersion checks), to pin the
// wire format (MicroTime with microseconds) and the mapping of 404 and 409 answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeLeaseStore, LeaseConflictError } from '../../../src/kube/leader-election.ts';
import { microTime } from '../../../src/util/time.ts';

interface Lease {
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: Record<string, unknown>;
}

async function leaseServer(t: { after: (fn: () => Promise<void>) => void }) {
  let stored: Lease | undefined;
  let rv = 10;
  const bodies: Lease[] = [];
  const base = '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases';
  const server = http.createServer((req, res) => {
    const send = (code: number, body: unknown): void => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const status = (code: number, reason: string): void =>
      send(code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message: reason });
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body = raw ? (JSON.parse(raw) as Lease) : undefined;
      if (body) bodies.push(body);
      if (req.method === 'GET' && req.url === `${base}/ctl`)
        return stored ? send(200, stored) : status(404, 'NotFound');
      if (req.method === 'POST' && req.url === base && body) {
        if (stored) return status(409, 'AlreadyExists');
        stored = { ...body, metadata: { ...body.metadata, resourceVersion: String(++rv) } };
        return send(201, stored);
      }
      if (req.method === 'PUT' && req.url === `${base}/ctl` && body) {
        if (!stored) return status(404, 'NotFound');
        if (body.metadata.resourceVersion !== stored.metadata.resourceVersion) return status(409, 'Conflict');
        stored = { ...body, metadata: { ...body.metadata, resourceVersion: String(++rv) } };
        return send(200, stored);
      }
      status(500, `unexpected ${req.method} ${req.url}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'c',
        server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        skipTLSVerify: true,
      },
    ],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return { store: new KubeLeaseStore(kc, 'kube-system', 'ctl'), bodies };
}

void test('KubeLeaseStore: absent lease, create, conflicting create, optimistic update, micro-time wire format', async (t) => {
  const { store, bodies } = await leaseServer(t);
  assert.equal(await store.get(), undefined);
  const record = {
    holderIdentity: 'a',
    leaseDurationSeconds: 15,
    acquireTime: microTime(Date.UTC(2026, 0, 1, 0, 0, 0, 123)),
    renewTime: microTime(Date.UTC(2026, 0, 1, 0, 0, 0, 123)),
    leaseTransitions: 0,
  };
  const created = await store.create(record);
  assert.deepEqual(created, { resourceVersion: '11', record });
  assert.equal(bodies[0]?.spec.renewTime, '2026-01-01T00:00:00.123000Z');
  assert.deepEqual(bodies[0]?.metadata, { name: 'ctl', namespace: 'kube-system' });
  await assert.rejects(store.create(record), LeaseConflictError);
  const renewed = await store.update(
    { ...record, renewTime: microTime(Date.UTC(2026, 0, 1, 0, 0, 2)) },
    '11',
  );
  assert.equal(renewed.resourceVersion, '12');
  assert.equal(renewed.record.renewTime, '2026-01-01T00:00:02.000000Z');
  await assert.rejects(store.update(record, '11'), LeaseConflictError, 'stale resourceVersion');
  assert.deepEqual(await store.get(), renewed);
});
