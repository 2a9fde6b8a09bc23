// Exec probes run for real, as root: in a network namespace the test makes for the pod, in the container's own
// working directory, with the container's environment only; `exit 3` fails, `true` passes, and a command that
// outlives timeoutSeconds is killed at the deadline with everything it started, worded as kubelet words it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../../../src/api/types.ts';
import { ExecProber } from '../../../../src/lab/kubelet/probe-exec.ts';
import { deleteNetns, ensureNetns } from '../../../../src/lab/kubelet/netns.ts';
import { SandboxStore } from '../../../../src/lab/kubelet/sandbox.ts';
import { LinkHelper } from '../../../../src/node/netlink/link-helper.ts';
import { processRunner } from '../../../../src/util/exec.ts';

const skip = process.getuid?.() !== 0 ? 'needs root (network namespaces)' : false;
const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-0', namespace: 'ns1' },
  spec: { containers: [{ name: 'web', env: [{ name: 'GREETING', value: 'hello' }] }] },
} as KubeObject;

void test('exec probes run in the pod and honour timeoutSeconds', { skip, timeout: 60_000 }, async (t) => {
  const netns = `kovn-exec-probe-${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'kovn-exec-probe-'));
  const links = new LinkHelper();
  t.after(async () => {
    await deleteNetns(links, netns);
    await links.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await ensureNetns(links, netns);
  const store = new SandboxStore(dir);
  store.write({
    namespace: 'ns1',
    name: 'web-0',
    uid: 'u',
    containerId: 'c',
    netns,
    hostNetwork: false,
    ready: true,
    attachments: [],
  });
  store.ensureContainerDirs('ns1', 'web-0', ['web']);
  process.env['KOVN_LAB_SECRET'] = 'not for pods';
  t.after(() => delete process.env['KOVN_LAB_SECRET']);
  const prober = new ExecProber({ runner: processRunner, store, nodeNetns: 'unused' });
  const run = (command: string[], timeoutMs = 1_000) =>
    prober.run({ pod, container: 'web', command, timeoutMs });

  assert.deepEqual(await run(['sh', '-c', 'exit 3']), { ok: false, message: '' });
  assert.deepEqual(await run(['true']), { ok: true, message: '' });

  const where = await run([
    'sh',
    '-c',
    'ip -o link show | cut -d: -f2; pwd; echo "$HOSTNAME $GREETING $(GREETING) [$KOVN_LAB_SECRET]"; echo oops >&2; exit 1',
  ]);
  assert.equal(where.ok, false);
  assert.equal(
    where.message,
    ` lo\n${store.containerDir('ns1', 'web-0', 'web')}\nweb-0 hello hello []\noops\n`,
    "only the pod's loopback, the container's directory, the container's env; stdout then stderr",
  );

  const started = Date.now();
  const slow = await run(['sh', '-c', 'sleep 30 & sleep 30'], 1_000);
  const took = Date.now() - started;
  assert.deepEqual(slow, { ok: false, message: 'command "sh -c sleep 30 & sleep 30" timed out' });
  assert.ok(took >= 900 && took < 5_000, `killed at the deadline (${took} ms)`);
  let left = '';
  for (let i = 0; i < 40; i++) {
    left = (await processRunner.run('ip', ['netns', 'pids', netns])).stdout.trim();
    if (left === '') break;
    await processRunner.run('sleep', ['0.05']);
  }
  assert.equal(left, '', 'nothing the command started is left in the pod');

  store.removeContainerDirs('ns1', 'web-0');
  assert.deepEqual(await run(['true']), { ok: false, message: 'container web has no working directory' });
});
