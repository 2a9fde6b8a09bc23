// The API server closes promptly even with a client stuck before its TLS handshake, and a kubeovn.io object with a
// field of the wrong type is rejected as Invalid naming the field, before any defaulting looks at it.
/* eslint-disable @typescript-eslint/no-unsafe-member-access -- raw JSON responses are asserted structurally */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { startTestServer } from './helpers.ts';

void test('close() ends sockets that never finished their TLS handshake', async () => {
  const t = await startTestServer();
  const url = new URL(t.server.url);
  const socket = connect(Number(url.port), url.hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const socketClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  const started = performance.now();
  await Promise.race([
    t.close(),
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error('close() hung on a half-open socket')), 5_000),
    ),
  ]);
  await socketClosed;
  assert.ok(performance.now() - started < 5_000);
});

void test('a Subnet with a wrongly typed field is Invalid, naming the field, not a defaulting error', async (t) => {
  const server = await startTestServer();
  t.after(() => server.close());
  const res = await server.request('POST', '/apis/kubeovn.io/v1/subnets', {
    body: {
      apiVersion: 'kubeovn.io/v1',
      kind: 'Subnet',
      metadata: { name: 'typed' },
      spec: { cidrBlock: 10, excludeIps: 'not-a-list', protocol: 'IPv4' },
    },
  });
  assert.equal(res.status, 422, res.text);
  assert.equal(res.body.reason, 'Invalid');
  const fields = (res.body.details.causes as { field: string }[]).map((c) => c.field).sort();
  assert.deepEqual(fields, ['spec.cidrBlock', 'spec.excludeIps']);
});
