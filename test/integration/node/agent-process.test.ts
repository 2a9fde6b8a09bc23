// The node agent as a process (src/node/agent/main.ts with its flags), reached through the kovn-cni binary:
// it serves its socket, gives up on a pod the controller never annotates with the bounded-wait error, refuses bad
// flags, serves /metrics on an ephemeral loopback port (the failed ADD counted there, with its wait stage), and stops
// cleanly on SIGTERM (socket and metrics listener gone). No root needed: nothing is plumbed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { socketAccepts } from '../../../src/ovn/daemons.ts';
import { processRunner } from '../../../src/util/exec.ts';
import { sampleValue, scrape, typedFamilies } from '../../support/metrics-text.ts';
import { KOVN_CNI, PROJECT, apiServer, callPlugin, defer, eventually, tempDir } from './helpers.ts';

const NODE = join(PROJECT, 'node_modules/.bin/node');
const MAIN = join(PROJECT, 'src/node/agent/main.ts');

void test('the agent process: flags, socket, bounded wait, SIGTERM', async (t) => {
  const api = await apiServer(t);
  const dir = tempDir(t);
  const socket = join(dir, 'cni.sock');

  const outside = {
    KUBE_NODE_NAME: '',
    KUBECONFIG: '',
    KUBERNETES_SERVICE_HOST: '',
    KUBERNETES_SERVICE_PORT: '',
  };
  const noNode = await processRunner.run(NODE, [MAIN], { env: outside });
  assert.equal(noNode.code, 2);
  assert.match(noNode.stderr, /missing --node \(and KUBE_NODE_NAME is not set\)/);
  const noKube = await processRunner.run(NODE, [MAIN, '--node', 'w1'], { env: outside });
  assert.equal(noKube.code, 2);
  assert.match(
    noKube.stderr,
    /no Kubernetes configuration: no --kubeconfig, KUBECONFIG is not set, and this is not a pod/,
  );

  const urlFile = join(dir, 'metrics.url');
  const flags = ['--node', 'w1', '--netns', 'lab-n-w1', '--ovs-rundir', dir, '--socket', socket];
  const metricsFlags = ['--metrics-addr', '127.0.0.1:0', '--metrics-url-file', urlFile];
  const agent = await processRunner.spawn(
    NODE,
    [
      MAIN,
      ...flags,
      ...metricsFlags,
      '--kubeconfig',
      api.kubeconfigPath,
      '--wait-timeout',
      '1',
      '--log-level',
      'warn',
    ],
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

  const url = readFileSync(urlFile, 'utf8').trim();
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  const text = await scrape(url);
  for (const name of [
    'kovn_cni_op_duration_seconds',
    'kovn_cni_stage_duration_seconds',
    'kovn_workqueue_depth',
  ])
    assert.ok(typedFamilies(text).includes(name), `# TYPE ${name}`);
  assert.equal(sampleValue(text, 'kovn_cni_op_duration_seconds_count{op="add",result="error"}'), 1);
  assert.equal(
    sampleValue(text, 'kovn_cni_stage_duration_seconds_count{op="add",stage="wait_annotations"}'),
    1,
  );

  agent.kill('SIGTERM');
  const exit = await agent.exited;
  assert.equal(exit.code, 0);
  assert.equal(existsSync(socket), false, 'socket removed');
  await assert.rejects(fetch(url), 'nothing listens on the metrics port');
});
