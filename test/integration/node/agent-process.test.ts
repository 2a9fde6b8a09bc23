// The node agent as a process (src/node/agent/main.ts with its flags), reached through the kovn-cni binary:
// it serves its socket, gives up on a pod the controller never annotates with the bounded-wait error, refuses bad
// flags, and stops cleanly on SIGTERM (socket removed). No root needed: nothing is plumbed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { socketAccepts } from '../../../src/ovn/daemons.ts';
import { processRunner } from '../../../src/util/exec.ts';
import { KOVN_CNI, PROJECT, apiServer, callPlugin, defer, eventually, tempDir } from './helpers.ts';

const NODE = join(PROJECT, 'node_modules/.bin/node');
const MAIN = join(PROJECT, 'src/node/agent/main.ts');

void test('the agent process: flags, socket, bounded wait, SIGTERM', async (t) => {
  const api = await apiServer(t);
  const dir = tempDir(t);
  const socket = join(dir, 'cni.sock');

  const bad = await processRunner.run(NODE, [MAIN, '--node', 'w1']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /missing --netns, --ovs-rundir, --socket, --kubeconfig/);

  const flags = ['--node', 'w1', '--netns', 'lab-n-w1', '--ovs-rundir', dir, '--socket', socket];
  const agent = await processRunner.spawn(
    NODE,
    [MAIN, ...flags, '--kubeconfig', api.kubeconfigPath, '--wait-timeout', '1', '--log-level', 'warn'],
    { logFile: join(dir, 'agent.log') },
  );
  defer(t, async () => {
    agent.kill('SIGKILL');
    await agent.exited;
  });
  await eventually('the agent socket', async () => (await socketAccepts(socket)) || undefined);

  const r = await callPlugin(KOVN_CNI, {
    command: 'ADD',
    conf: { cniVersion: '1.0.0', name: 'kube-ovn', type: 'kube-ovn', server_socket: socket },
    netns: '/var/run/netns/lab-p-default.ghost',
    pod: { namespace: 'default', name: 'ghost' },
  });
  assert.equal(r.code, 1);
  const err = JSON.parse(r.stdout) as { code: number; details: string };
  assert.equal(err.code, 11);
  assert.match(err.details, /pod default\/ghost: gave up after 1 s waiting for the controller/);

  agent.kill('SIGTERM');
  const exit = await agent.exited;
  assert.equal(exit.code, 0);
  assert.equal(existsSync(socket), false, 'socket removed');
});
