// `kovn up | status | down` as a user runs them (the CLI as a child process, a temp KOVN_HOME and a random lab id):
// up brings the whole lab to ready (real kubectl sees both nodes Ready with the usual labels; each node's ovn0
// reaches the join gateway), a second up is harmless, a crashed component is restarted and the restart logged,
// down removes every namespace, process and file, and up after down works again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { labLayout } from '../../../src/lab/layout.ts';
import { readStatus } from '../../../src/lab/status.ts';

const CLI = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));

function kovn(home: string, ...args: string[]): { code: number; out: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    env: { ...process.env, KOVN_HOME: home },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

const netnsOf = (prefix: string): string[] =>
  spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(`${prefix}-`));

/** Running and not a zombie (an exited daemon waits a moment for init to reap it). */
const alive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return false;
  }
};

void test('kovn up, status, crash restart, up twice, down, up again', { timeout: 600_000 }, async (t) => {
  if (process.getuid?.() !== 0) {
    t.skip('needs root (network namespaces, OVS)');
    return;
  }
  const home = mkdtempSync(join(tmpdir(), 'kovn-lab-it-'));
  const id = `t${randomBytes(4).toString('hex')}`;
  const layout = labLayout(home, id);
  t.after(() => {
    kovn(home, 'down');
  });

  const up = kovn(home, 'up', '--id', id);
  assert.equal(up.code, 0, up.out);
  assert.match(up.out, /kovn lab is up in [\d.]+ s/);
  assert.match(up.out, /✓ kube-ovn-worker\/ovn-controller/);

  // real kubectl through the lab's kubeconfig
  const nodes = spawnSync(
    'kubectl',
    [
      '--kubeconfig',
      layout.kubeconfig,
      'get',
      'nodes',
      '-o',
      'jsonpath={range .items[*]}{.metadata.name} {.metadata.labels.kubernetes\\.io/hostname} {.metadata.labels.kubernetes\\.io/os} {.status.conditions[0].type}={.status.conditions[0].status}{"\\n"}{end}',
    ],
    { encoding: 'utf8' },
  );
  assert.equal(nodes.status, 0, nodes.stderr);
  assert.deepEqual(nodes.stdout.trim().split('\n'), [
    'kube-ovn-control-plane kube-ovn-control-plane linux Ready=True',
    'kube-ovn-worker kube-ovn-worker linux Ready=True',
  ]);
  // the nodes' ovn0 ports are on join, and reach its gateway through OVN (not through the root namespace)
  for (const node of ['kube-ovn-control-plane', 'kube-ovn-worker']) {
    const ping = spawnSync('ip', [
      'netns',
      'exec',
      layout.nodeNetns(node),
      'ping',
      '-c',
      '1',
      '-W',
      '2',
      '100.64.0.1',
    ]);
    assert.equal(ping.status, 0, `${node} reaches 100.64.0.1`);
    const ovn0 = spawnSync('ip', ['-n', layout.nodeNetns(node), '-4', '-o', 'addr', 'show', 'ovn0'], {
      encoding: 'utf8',
    });
    assert.match(ovn0.stdout, /inet 100\.64\.0\.\d+\/16/);
  }

  const status = kovn(home, 'status');
  assert.equal(status.code, 0, status.out);
  assert.match(status.out, /: ready \(daemon pid \d+\)/);
  for (const c of ['central/nb', 'central/northd', 'apiserver', 'controller', 'kube-ovn-worker/node-agent'])
    assert.match(status.out, new RegExp(`^${c}\\s+running`, 'm'));

  // up twice is harmless
  const again = kovn(home, 'up');
  assert.equal(again.code, 0, again.out);
  assert.match(again.out, /already up/);

  // a crashed daemon is restarted, and the restart logged
  const before = readStatus(layout.statusFile)!;
  const victim = before.components.find((c) => c.name === 'kube-ovn-worker/ovn-controller')!;
  process.kill(victim.pid!, 'SIGKILL');
  const deadline = Date.now() + 30_000;
  let restarted;
  while (Date.now() < deadline) {
    restarted = readStatus(layout.statusFile)?.components.find((c) => c.name === victim.name);
    if (restarted?.state === 'running' && restarted.pid !== victim.pid) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(restarted?.state, 'running');
  assert.equal(restarted?.restarts, 1);
  assert.notEqual(restarted?.pid, victim.pid);
  const log = readFileSync(join(layout.logDir, 'lab.log'), 'utf8');
  assert.match(log, /kube-ovn-worker\/ovn-controller restarted/);

  const pids = readStatus(layout.statusFile)!.components.flatMap((c) =>
    c.pid ? [`${c.name}:${c.pid}`] : [],
  );
  assert.ok(netnsOf(id).length >= 3);
  const down = kovn(home, 'down');
  assert.equal(down.code, 0, down.out);
  assert.deepEqual(netnsOf(id), [], 'no namespace of the lab is left');
  assert.deepEqual(
    pids.filter((p) => alive(Number(p.split(':')[1]))),
    [],
    'no process of the lab is left',
  );
  assert.equal(existsSync(home), false, 'the lab directory is gone');

  const second = kovn(home, 'up', '--id', id);
  assert.equal(second.code, 0, second.out);
  const downAgain = kovn(home, 'down');
  assert.equal(downAgain.code, 0, downAgain.out);
  assert.deepEqual(netnsOf(id), []);
});
