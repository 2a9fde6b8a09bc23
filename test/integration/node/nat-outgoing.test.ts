// Subnet natOutgoing in real network namespaces, without a lab: a "pod" namespace (10.16.0.5/16, default route to
// 10.16.0.1), a "node" namespace that forwards (the pod's gateway 10.16.0.1 on one veth, the node address 192.0.2.11/24
// on the other) and holds the rules (src/node/nat-outgoing/apply.ts), and an "outside" host 192.0.2.200/24 with no
// route to 10.16.0.0/16, whose HTTP server answers with the peer address it sees. With natOutgoing the pod's request is
// answered and seen from the node's address; without it the request leaves with the pod's address and gets no answer
// (the outside host cannot route back). Applying twice, or from a fresh start (a restarted agent), writes nothing and
// leaves one jump; turning natOutgoing off removes the chains, the jump and the sets. Every namespace and process is
// removed at the end.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { applyNatOutgoing, removeNatOutgoing } from '../../../src/node/nat-outgoing/apply.ts';
import { desiredNatOutgoing, type SubnetLike } from '../../../src/node/nat-outgoing/desired.ts';
import { processRunner } from '../../../src/util/exec.ts';

const skip =
  process.getuid?.() !== 0
    ? 'needs root (network namespaces, iptables, ipset)'
    : spawnSync('ipset', ['version']).status !== 0
      ? 'needs ipset (scripts/setup.sh installs it)'
      : false;
const id = randomBytes(3).toString('hex');
const pod = `nat${id}-p`;
const node = `nat${id}-n`;
const outside = `nat${id}-o`;
let server: ChildProcess | undefined;

const sh = (cmd: string, ...args: string[]) => spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
const must = (cmd: string, ...args: string[]): string => {
  const r = sh(cmd, ...args);
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const inNs = (ns: string, ...args: string[]) => sh('ip', 'netns', 'exec', ns, ...args);
const fetchFromPod = () => inNs(pod, 'curl', '-s', '--max-time', '2', 'http://192.0.2.200:8080/');

const subnets = (natOutgoing: boolean): SubnetLike[] => [
  { metadata: { name: 'ovn-default' }, spec: { cidrBlock: '10.16.0.0/16', vpc: 'ovn-cluster', natOutgoing } },
  { metadata: { name: 'join' }, spec: { cidrBlock: '100.64.0.0/16', vpc: 'ovn-cluster' } },
];
const apply = (natOutgoing: boolean) =>
  applyNatOutgoing(processRunner, node, desiredNatOutgoing(subnets(natOutgoing)));
const natSave = () => must('ip', 'netns', 'exec', node, 'iptables-save', '-t', 'nat');
const count = (text: string, needle: string) => text.split('\n').filter((l) => l.includes(needle)).length;

describe('natOutgoing in a node namespace', { skip }, () => {
  before(async () => {
    for (const ns of [pod, node, outside]) must('ip', 'netns', 'add', ns);
    must('ip', '-n', outside, 'link', 'set', 'lo', 'up'); // the readiness check below goes over loopback
    must('ip', '-n', pod, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'p0', 'netns', node);
    must('ip', '-n', node, 'link', 'add', 'ul0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', outside);
    for (const [ns, dev, addr] of [
      [pod, 'eth0', '10.16.0.5/16'],
      [node, 'p0', '10.16.0.1/16'],
      [node, 'ul0', '192.0.2.11/24'],
      [outside, 'eth0', '192.0.2.200/24'],
    ] as const) {
      must('ip', '-n', ns, 'addr', 'add', addr, 'dev', dev);
      must('ip', '-n', ns, 'link', 'set', dev, 'up');
    }
    must('ip', '-n', pod, 'route', 'add', 'default', 'via', '10.16.0.1');
    must('ip', 'netns', 'exec', node, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
    const answer = `require('node:http').createServer((q, r) => r.end(q.socket.remoteAddress)).listen(8080, '192.0.2.200')`;
    server = spawn('ip', ['netns', 'exec', outside, process.execPath, '-e', answer], { stdio: 'ignore' });
    for (
      let i = 0;
      i < 50 && inNs(outside, 'curl', '-s', '--max-time', '1', 'http://192.0.2.200:8080/').status !== 0;
      i++
    )
      await new Promise((r) => setTimeout(r, 100));
  });

  after(() => {
    server?.kill();
    for (const ns of [pod, node, outside]) sh('ip', 'netns', 'del', ns);
  });

  it('without natOutgoing the request leaves with the pod address and gets no answer', async () => {
    assert.deepEqual(await apply(false), { sets: [], chains: false, jumps: 0 }, 'nothing to remove');
    assert.notEqual(fetchFromPod().status, 0, 'no answer: the outside host has no route to 10.16.0.0/16');
  });

  it('with natOutgoing the outside host sees the node address; applying again writes nothing', async () => {
    const first = await apply(true);
    assert.deepEqual(first, { sets: ['ovn40subnets', 'ovn40subnets-nat'], chains: true, jumps: 1 });
    const r = fetchFromPod();
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '192.0.2.11');
    assert.deepEqual(await apply(true), { sets: [], chains: false, jumps: 0 });
    const save = natSave();
    assert.equal(
      count(save, '-A POSTROUTING -m comment --comment "kube-ovn postrouting rules" -j OVN-POSTROUTING'),
      1,
    );
    assert.match(
      save,
      /-A OVN-POSTROUTING -m set --match-set ovn40subnets-nat src -m set ! --match-set ovn40subnets dst -j OVN-MASQUERADE/,
    );
    const sets = must('ip', 'netns', 'exec', node, 'ipset', 'save');
    assert.match(sets, /add ovn40subnets-nat 10\.16\.0\.0\/16/);
    assert.match(sets, /add ovn40subnets 100\.64\.0\.0\/16/);
  });

  it('a set or jump removed by hand comes back, once', async () => {
    must(
      'ip',
      'netns',
      'exec',
      node,
      'iptables',
      '-t',
      'nat',
      '-D',
      'POSTROUTING',
      '-m',
      'comment',
      '--comment',
      'kube-ovn postrouting rules',
      '-j',
      'OVN-POSTROUTING',
    );
    must('ip', 'netns', 'exec', node, 'ipset', 'del', 'ovn40subnets-nat', '10.16.0.0/16');
    assert.deepEqual(await apply(true), { sets: ['ovn40subnets-nat'], chains: false, jumps: 1 });
    assert.equal(count(natSave(), '-j OVN-POSTROUTING'), 1);
    assert.equal(fetchFromPod().stdout, '192.0.2.11');
  });

  it('turning natOutgoing off removes the chains, the jump and the sets; the pod address is back', async () => {
    const off = await apply(false);
    assert.deepEqual(off, { sets: ['ovn40subnets-nat', 'ovn40subnets'], chains: true, jumps: 1 });
    const save = natSave();
    assert.equal(count(save, 'OVN-'), 0, save);
    assert.equal(must('ip', 'netns', 'exec', node, 'ipset', 'save').trim(), '');
    assert.notEqual(fetchFromPod().status, 0);
    assert.deepEqual(await removeNatOutgoing(processRunner, node), { sets: [], chains: false, jumps: 0 });
  });
});
