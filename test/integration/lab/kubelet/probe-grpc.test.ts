// gRPC probes for real, as root: the lab's responder serves grpc.health.v1 in a pod namespace the test makes, and
// the node prober process probes it from a node namespace over a veth pair, as the lab's kubelet does. SERVING
// passes; NOT_SERVING, an unknown service, a plain (non-gRPC) port and a closed port fail in kubelet's words; probes
// made at once each get their own answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteNetns, ensureNetns } from '../../../../src/lab/kubelet/netns.ts';
import { NodeProber } from '../../../../src/lab/kubelet/prober-process.ts';
import { startResponder, stopResponder } from '../../../../src/lab/kubelet/responders.ts';
import { systemClock } from '../../../../src/util/clock.ts';
import { LinkHelper } from '../../../../src/node/netlink/link-helper.ts';
import { check, processRunner } from '../../../../src/util/exec.ts';

const skip = process.getuid?.() !== 0 ? 'needs root (network namespaces)' : false;

void test('a gRPC probe against a real health server', { skip, timeout: 120_000 }, async (t) => {
  const node = `kovn-grpc-node-${process.pid}`;
  const pod = `kovn-grpc-pod-${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'kovn-grpc-probe-'));
  const prober = new NodeProber({
    runner: processRunner,
    clock: systemClock,
    nodeBinary: process.execPath,
    nodeNetns: node,
    socket: join(dir, 'prober.sock'),
    logFile: join(dir, 'prober.log'),
  });
  let responder = 0;
  const links = new LinkHelper();
  t.after(async () => {
    await prober.stop();
    if (responder) await stopResponder(systemClock, responder, 'ns1/grpc');
    await deleteNetns(links, pod);
    await deleteNetns(links, node);
    await links.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await ensureNetns(links, node);
  await ensureNetns(links, pod);
  const veth = `kg${process.pid % 100000}`;
  await check(processRunner, 'ip', [
    '-n',
    node,
    'link',
    'add',
    `${veth}a`,
    'type',
    'veth',
    'peer',
    'name',
    `${veth}b`,
    'netns',
    pod,
  ]);
  await check(processRunner, 'ip', ['-n', node, 'addr', 'add', '10.250.0.1/30', 'dev', `${veth}a`]);
  await check(processRunner, 'ip', ['-n', pod, 'addr', 'add', '10.250.0.2/30', 'dev', `${veth}b`]);
  await check(processRunner, 'ip', ['-n', node, 'link', 'set', `${veth}a`, 'up']);
  await check(processRunner, 'ip', ['-n', pod, 'link', 'set', `${veth}b`, 'up']);
  responder = await startResponder(
    processRunner,
    process.execPath,
    {
      pod: 'ns1/grpc',
      netns: pod,
      ports: ['tcp:8080', 'grpc:9000=SERVING', 'grpc:9000/echo.Echo=NOT_SERVING'],
      logFile: join(dir, 'responder.log'),
    },
    systemClock,
  );
  const grpc = (port: number, service = '') =>
    prober.probe({ action: { type: 'grpc', port, service }, ip: '10.250.0.2', timeoutMs: 1_000 });

  assert.deepEqual(await grpc(9000), { ok: true, message: 'service healthy' });
  assert.deepEqual(await grpc(9000, 'echo.Echo'), {
    ok: false,
    message: 'service unhealthy (responded with "NOT_SERVING")',
  });
  assert.deepEqual(await grpc(9000, 'other.Svc'), {
    ok: false,
    message:
      'error: health rpc probe failed: rpc error: code = NotFound desc = Health status unknown for service other.Svc',
  });
  const notGrpc = 'timeout: failed to connect service "10.250.0.2:PORT" within 1s: context deadline exceeded';
  assert.deepEqual(await grpc(8080), { ok: false, message: notGrpc.replace('PORT', '8080') }, 'a plain port');
  assert.deepEqual(
    await grpc(9001),
    { ok: false, message: notGrpc.replace('PORT', '9001') },
    'a closed port',
  );
  // Probes at once, half of them to a port that keeps failing (its client redials): none borrows another's connection.
  const mixed = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((i) => grpc(i % 2 ? 8080 : 9000)));
  assert.deepEqual(
    mixed.map((r) => r.ok),
    [true, false, true, false, true, false, true, false],
    JSON.stringify(mixed),
  );
  // The HTTP side of the same responder still answers as before.
  assert.equal(
    (
      await prober.probe({
        action: { type: 'http', port: 8080, path: '/', scheme: 'HTTP', headers: [] },
        ip: '10.250.0.2',
        timeoutMs: 1_000,
      })
    ).ok,
    true,
  );
});
