// The lab's real dataplane end to end: OVN central + 2 nodes (own ovsdb-server, userspace ovs-vswitchd,
// ovn-controller each) + the underlay, in a random lab under a temp home. One logical switch written with our OVSDB
// client, a pod on each node plugged with plugNic: ping and TCP cross the nodes over geneve; a spoofed source is
// dropped by port security; ovn-controller killed with SIGKILL is restarted by the supervisor (and logged); stop()
// leaves no namespace, process, root link or file. Then a lab brought up by a child process that dies with
// SIGKILL is removed by teardown() from the ledger alone. Needs root, OVS and OVN (skips otherwise).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startDataplane, type Dataplane } from '../../../src/lab/dataplane/dataplane.ts';
import { DEFAULT_NODES, labLayout, type LabLayout } from '../../../src/lab/layout.ts';
import { Ledger } from '../../../src/lab/process/ledger.ts';
import type { ProcessIdentity } from '../../../src/lab/process/procfs.ts';
import { teardown } from '../../../src/lab/process/teardown.ts';
import { underlayPortName } from '../../../src/lab/dataplane/underlay.ts';
import { check } from '../../../src/util/exec.ts';
import {
  addPod,
  dataplaneSkipReason,
  leftovers,
  ping,
  pingEventually,
  randomLab,
  runner,
  tcpExchange,
  waitPortUp,
  writeSwitch,
  type PodPort,
} from './dataplane-support.ts';

const [NODE_A, NODE_B] = DEFAULT_NODES;
const P1: PodPort = { name: 'p1', mac: '0a:58:0a:00:01:0a', ip: '10.0.1.10' };
const P2: PodPort = { name: 'p2', mac: '0a:58:0a:00:01:0b', ip: '10.0.1.11' };

let skip: string | undefined;
let layout: LabLayout | undefined;
let dp: Dataplane | undefined;
/** Every process the lab ever recorded, to check after stop() that none is alive. */
const seen: ProcessIdentity[] = [];
const remember = (): void => void seen.push(...(layout ? new Ledger(layout.ledger).read().processes : []));

before(async () => {
  skip = await dataplaneSkipReason();
  if (skip) return;
  layout = randomLab();
  dp = await startDataplane({ layout, nodes: [NODE_A, NODE_B] });
  remember();
});

after(async () => {
  await dp?.stop().catch(() => undefined);
  if (layout) {
    await teardown(layout);
    rmSync(layout.home, { recursive: true, force: true });
  }
});

void test('central, underlay and both nodes are up and healthy, with nothing in the root namespace', async (t) => {
  if (skip || !dp) return t.skip(skip);
  const h = dp.health();
  assert.ok(h.ok, JSON.stringify(h, null, 1));
  assert.deepEqual(
    h.central.map((c) => c.name),
    ['central/nb', 'central/sb', 'central/northd'],
  );
  const chassis = await check(runner, 'ovn-sbctl', [
    `--db=${dp.sbRemotes[0]}`,
    '--bare',
    '--columns=name',
    'list',
    'Chassis',
  ]);
  assert.deepEqual(chassis.split('\n').filter(Boolean).sort(), [NODE_A, NODE_B]);
  const encaps = await check(runner, 'ovn-sbctl', [
    `--db=${dp.sbRemotes[0]}`,
    '--bare',
    '--columns=ip',
    'list',
    'Encap',
  ]);
  assert.deepEqual(encaps.split('\n').filter(Boolean).sort(), ['192.0.2.11', '192.0.2.12']);
  const root = await check(runner, 'ip', ['-o', 'link', 'show']);
  for (const name of ['ul0', underlayPortName(NODE_A), underlayPortName(NODE_B), 'br-phy', 'br-int'])
    assert.ok(
      !root.includes(` ${name}:`) && !root.includes(` ${name}@`),
      `${name} is not in the root namespace`,
    );
});

void test('pods on two nodes exchange ping and TCP over geneve', async (t) => {
  if (skip || !dp) return t.skip(skip);
  await writeSwitch(dp.nbRemotes[0]!, 'ls1', [P1, P2]);
  const s1 = await addPod(dp, NODE_A, P1);
  const s2 = await addPod(dp, NODE_B, P2);
  await waitPortUp(dp, P1.name);
  await waitPortUp(dp, P2.name);
  const bound = await check(runner, 'ovn-sbctl', [
    `--db=${dp.sbRemotes[0]}`,
    ...['--bare', '--columns=chassis', 'find', 'Port_Binding', `logical_port=${P2.name}`],
  ]);
  const b = await check(runner, 'ovn-sbctl', [
    `--db=${dp.sbRemotes[0]}`,
    '--bare',
    '--columns=_uuid',
    'find',
    'Chassis',
    `name=${NODE_B}`,
  ]);
  assert.equal(bound.trim(), b.trim(), 'p2 is bound on the second node');
  const tunnels = await check(runner, 'ovs-vsctl', [
    `--db=unix:${dp.nodes.get(NODE_A)!.ovsRundir}/db.sock`,
    ...['--bare', '--columns=options', 'find', 'Interface', 'type=geneve'],
  ]);
  assert.match(tunnels, /remote_ip="?192\.0\.2\.12/, 'node A has a geneve tunnel to node B');

  assert.ok(await pingEventually(s1.podNetns, P2.ip), 'p1 pings p2 across nodes');
  assert.ok(await ping(s2.podNetns, P1.ip), 'p2 pings p1');
  assert.equal(await tcpExchange(s2.podNetns, s1.podNetns, P2.ip), 'hello over tcp\n');
  assert.equal(await tcpExchange(s1.podNetns, s2.podNetns, P1.ip, 8081), 'hello over tcp\n');
  // the node settings that keep ovs-vswitchd's CPU per pod down (node.ts): no link-local on the pod's host end
  // (while its pod end, in the pod's namespace, keeps its own), and idle datapath flows go after 1 s
  for (const [node, s] of [
    [NODE_A, s1],
    [NODE_B, s2],
  ] as const) {
    const netns: string = dp.nodes.get(node)!.netns;
    const host = await check(runner, 'ip', ['-n', netns, '-6', '-o', 'addr', 'show', 'dev', s.hostIf]);
    assert.equal(host.trim(), '', `${s.hostIf} in ${netns} has no IPv6 address`);
    const pod = await check(runner, 'ip', ['-n', s.podNetns, '-6', '-o', 'addr', 'show', 'dev', 'eth0']);
    assert.match(pod, /inet6 fe80::/, `eth0 in ${s.podNetns} has its link-local address`);
  }
  const maxIdle = await check(runner, 'ovs-vsctl', [
    `--db=unix:${dp.nodes.get(NODE_A)!.ovsRundir}/db.sock`,
    ...['get', 'Open_vSwitch', '.', 'other_config:max-idle'],
  ]);
  assert.equal(maxIdle.trim(), '"1000"');
});

void test('a spoofed source address is dropped by port security', async (t) => {
  if (skip || !dp || !layout) return t.skip(skip);
  const p1 = layout.podNetns('default', P1.name);
  await check(runner, 'ip', ['-n', p1, 'addr', 'add', '10.0.1.99/24', 'dev', 'eth0']);
  try {
    assert.equal(await ping(p1, P2.ip, ['-I', '10.0.1.99']), false, 'spoofed source gets no reply');
    assert.ok(await ping(p1, P2.ip, ['-I', P1.ip]), 'the real source still works');
    // control: without port security the same spoofed ping gets through, so it was port security that dropped it
    const nbctl = (...args: string[]) => check(runner, 'ovn-nbctl', [`--db=${dp!.nbRemotes[0]}`, ...args]);
    await nbctl('lsp-set-port-security', P1.name);
    try {
      assert.ok(
        await pingEventually(p1, P2.ip, 10_000, ['-I', '10.0.1.99']),
        'spoofed ping passes without it',
      );
    } finally {
      await nbctl('lsp-set-port-security', P1.name, `${P1.mac} ${P1.ip}`);
    }
  } finally {
    await check(runner, 'ip', ['-n', p1, 'addr', 'del', '10.0.1.99/24', 'dev', 'eth0']);
  }
});

void test('ovn-controller killed with SIGKILL is restarted by the supervisor, and the restart is logged', async (t) => {
  if (skip || !dp || !layout) return t.skip(skip);
  const name = `${NODE_B}/ovn-controller`;
  const c = dp.supervisor.get(name)!;
  const before = c.health();
  assert.equal(before.state, 'running');
  c.kill('SIGKILL');
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && !(c.health().state === 'running' && c.health().pid !== before.pid))
    await new Promise((r) => setTimeout(r, 100));
  const h = c.health();
  assert.equal(h.state, 'running');
  assert.notEqual(h.pid, before.pid);
  assert.equal(h.restarts, before.restarts + 1);
  assert.equal(h.lastExit?.signal, 'SIGKILL');
  remember();
  const log = readFileSync(join(layout.logDir, 'dataplane.log'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.ok(
    log.some(
      (l) =>
        l['component'] === name &&
        l['signal'] === 'SIGKILL' &&
        l['restarts'] === 1 &&
        l['pid'] === before.pid,
    ),
    'a log line names the component, the signal and the restart count',
  );
  assert.ok(dp.health().ok);
  assert.ok(
    await pingEventually(layout.podNetns('default', P1.name), P2.ip),
    'traffic flows after the restart',
  );
});

void test('central SB killed with SIGKILL comes back on the same socket and port; nodes reconnect', async (t) => {
  if (skip || !dp || !layout) return t.skip(skip);
  const c = dp.supervisor.get('central/sb')!;
  const before = c.health();
  const tcp = dp.sbRemotes[1];
  c.kill('SIGKILL');
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && !(c.health().state === 'running' && c.health().pid !== before.pid))
    await new Promise((r) => setTimeout(r, 100));
  assert.equal(c.health().state, 'running');
  assert.equal(c.health().restarts, 1);
  assert.equal(dp.central.sb.remotes[1], tcp, 'same TCP port');
  remember();
  const chassis = await check(runner, 'ovn-sbctl', [
    `--db=${tcp}`,
    '--bare',
    '--columns=name',
    'list',
    'Chassis',
  ]);
  assert.deepEqual(chassis.split('\n').filter(Boolean).sort(), [NODE_A, NODE_B], 'SB kept its rows');
  assert.ok(
    await pingEventually(layout.podNetns('default', P1.name), P2.ip),
    'traffic flows after the restart',
  );
});

void test('stop() leaves no namespace, process, root link or file of the lab', async (t) => {
  if (skip || !dp || !layout) return t.skip(skip);
  remember();
  const report = await dp.stop();
  dp = undefined;
  assert.deepEqual(report?.errors, []);
  const left = await leftovers(layout, seen, ['ul0', underlayPortName(NODE_A), underlayPortName(NODE_B)]);
  assert.deepEqual(left, { namespaces: [], pids: [], links: [], files: [] });
});

void test('teardown() from the ledger alone removes a lab whose daemon died', async (t) => {
  if (skip) return t.skip(skip);
  const lab = randomLab();
  try {
    const child = join(import.meta.dirname, 'dataplane-crash-child.ts');
    const r = await runner.run(process.execPath, [child, lab.home, lab.id], { timeoutMs: 120_000 });
    assert.match(r.stdout, /ready/, `child brought the lab up: ${r.stderr}`);
    assert.equal(r.code, 128 + 9, 'the child died with SIGKILL');
    const recorded = new Ledger(lab.ledger).read();
    assert.ok(recorded.processes.length >= 9, `processes recorded: ${recorded.processes.length}`);
    assert.ok(recorded.namespaces.includes(lab.podNetns('default', 'c1')));
    const before = await leftovers(lab, recorded.processes, []);
    assert.ok(before.pids.length >= 9 && before.namespaces.length === 4, JSON.stringify(before));

    const again = labLayout(lab.home, lab.id); // a fresh process would only know home and id
    const report = await teardown(again);
    assert.deepEqual(report.errors, []);
    assert.equal(report.stopped.length, recorded.processes.length);
    const left = await leftovers(lab, recorded.processes, [
      'ul0',
      underlayPortName('a'),
      underlayPortName('b'),
    ]);
    assert.deepEqual(left, { namespaces: [], pids: [], links: [], files: [] });
    assert.deepEqual((await teardown(again)).errors, [], 'a second teardown is a no-op');
  } finally {
    await teardown(lab);
    rmSync(lab.home, { recursive: true, force: true });
  }
});
