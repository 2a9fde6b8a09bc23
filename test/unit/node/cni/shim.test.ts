// The bin/kovn-cni shim on its own, no agent: it compiles under strict and warnings, answers VERSION as plugin.ts
// would, chooses the agent socket as invocation.ts does, and prints CNI error objects (exit 1) for a config that is
// not a JSON object and for an agent it cannot reach.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseNetConf } from '../../../../src/node/cni/invocation.ts';
import { versionOf } from '../../../../src/node/cni/plugin.ts';
import { SUPPORTED_VERSIONS } from '../../../../src/node/cni/spec.ts';
import { processRunner, type RunResult } from '../../../../src/util/exec.ts';

const SHIM = resolve(import.meta.dirname, '../../../../bin/kovn-cni');
const NOWHERE = '/nonexistent/kovn-shim-test';

function shim(command: string, stdin: string, env: Record<string, string> = {}): Promise<RunResult> {
  return processRunner.run(SHIM, [], {
    inheritEnv: false,
    env: {
      CNI_COMMAND: command,
      CNI_CONTAINERID: 'c1',
      CNI_NETNS: '/var/run/netns/x',
      CNI_IFNAME: 'eth0',
      CNI_ARGS: 'K8S_POD_NAMESPACE=ns;K8S_POD_NAME=p',
      ...env,
    },
    input: stdin,
    timeoutMs: 10_000,
  });
}

const errorOf = (r: RunResult): { cniVersion: string; code: number; msg: string; details: string } => {
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.equal(r.stderr, '');
  return JSON.parse(r.stdout) as { cniVersion: string; code: number; msg: string; details: string };
};

void test('the shim compiles under strict and warnings', async () => {
  const r = await processRunner.run('perl', ['-Mstrict', '-Mwarnings', '-c', SHIM]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr.trim(), `${SHIM} syntax OK`);
});

void test('VERSION: the same answer as plugin.ts, without an agent', async () => {
  const stdins = [
    '{"cniVersion":"0.4.0"}',
    '{"cniVersion": "0.3.1", "name": "n", "type": "kube-ovn"}',
    '{"name":"n"}',
    '{"cniVersion":""}',
    '',
    'not json',
  ];
  for (const stdin of stdins) {
    const r = await shim('VERSION', stdin, { KOVN_CNI_SOCKET: NOWHERE });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(
      r.stdout,
      `${JSON.stringify({ cniVersion: versionOf(stdin), supportedVersions: SUPPORTED_VERSIONS })}\n`,
      stdin,
    );
  }
});

void test('the agent socket: chosen as invocation.ts chooses it', async () => {
  const dir = '/nonexistent/kovn';
  const cases: [string, Record<string, unknown>, Record<string, string>][] = [
    [
      'KOVN_CNI_SOCKET wins',
      { type: 'kube-ovn', server_socket: join(dir, 'conf.sock') },
      { KOVN_CNI_SOCKET: join(dir, 'env.sock') },
    ],
    ['server_socket', { type: 'kube-ovn', server_socket: join(dir, 'conf.sock') }, {}],
    ['Kube-OVN default', { type: 'kube-ovn' }, {}],
    [
      'ipam.server_socket as another plugin IPAM',
      {
        type: 'macvlan',
        master: 'eth1',
        ipam: { type: 'kube-ovn', provider: 'p.ns', server_socket: join(dir, 'i.sock') },
      },
      {},
    ],
  ];
  for (const [what, conf, env] of cases) {
    const stdin = JSON.stringify({ cniVersion: '0.3.1', name: 'n', ...conf });
    const want = parseNetConf(stdin, env).serverSocket;
    if (existsSync(want)) continue; // Kube-OVN's default path on a machine that runs it
    const err = errorOf(await shim('ADD', stdin, env));
    assert.deepEqual(
      { cniVersion: err.cniVersion, code: err.code, msg: err.msg },
      { cniVersion: '0.3.1', code: 11, msg: 'RPC failed' },
      what,
    );
    assert.match(
      err.details,
      new RegExp(`^node agent at ${want}: connect: No such file or directory$`),
      what,
    );
  }
});

void test('a config that is not a JSON object: decoding failure, without asking the agent', async () => {
  for (const stdin of ['not json', '', '[1, 2]', '{"cniVersion": "1.0.0"']) {
    const err = errorOf(await shim('ADD', stdin, { KOVN_CNI_SOCKET: NOWHERE }));
    assert.deepEqual(err, {
      cniVersion: '1.0.0',
      code: 6,
      msg: 'failed to load netconf',
      details: 'the configuration is not a JSON object',
    });
  }
});
