// The node agent's link helper (src/node/netlink/link-helper.py through link-helper.ts) against the real kernel, as
// root, in throwaway namespaces: a veth pair created straight into two namespaces and configured in one request
// (read back with `ip`/`ethtool`, and with the helper's own reads), a failing step named with its namespace and the
// kernel's reason (and the steps before it kept), the gateway check answered by a real peer, a gratuitous ARP that
// the peer's neighbour table learns, a helper killed mid-life failing what was in flight and starting again, and the
// lab kubelets' uses: a namespace made and removed as `ip netns` does, and a program run to completion inside one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinkHelper } from '../../../src/node/netlink/link-helper.ts';
import { check, ProcessTimeoutError } from '../../../src/util/exec.ts';
import { defer, isRoot, randomLabId } from './helpers.ts';
import { runner } from './ovs-node.ts';

const ip = (...args: string[]): Promise<string> => check(runner, 'ip', args);

async function namespaces<N extends string[]>(
  t: Parameters<typeof defer>[0],
  ...names: N
): Promise<{ [K in keyof N]: string }> {
  const id = randomLabId();
  const made = names.map((n) => `${id}-${n}`);
  for (const ns of made) {
    await ip('netns', 'add', ns);
    defer(t, () => ip('netns', 'delete', ns).then(() => undefined));
  }
  return made as { [K in keyof N]: string };
}

void test('a veth pair between two namespaces, configured in one request, reads back as asked', async (t) => {
  if (!isRoot()) return t.skip('needs root');
  const [node, pod] = await namespaces(t, 'node', 'pod');
  const links = new LinkHelper();
  defer(t, () => links.close());
  await links.apply([{ op: 'veth', netns: node, name: 'h0', peer: 'eth0', peerNetns: pod }]);
  await links.apply([
    { op: 'set', netns: node, name: 'h0', mtu: 1400, up: true },
    { op: 'set', netns: pod, name: 'eth0', mac: '0a:58:0a:10:00:05', mtu: 1400, up: true },
    { op: 'addr-add', netns: pod, name: 'eth0', addr: '10.16.0.5/16' },
    { op: 'addr-add', netns: pod, name: 'eth0', addr: 'fd00:10:16::5/64' },
    { op: 'route-replace', netns: pod, name: 'eth0', dst: '0.0.0.0/0', gw: '10.16.0.1' },
    { op: 'route-replace', netns: pod, name: 'eth0', dst: '10.96.0.0/12', gw: '10.16.0.1' },
    { op: 'route-replace', netns: pod, name: 'eth0', dst: '::/0', gw: 'fd00:10:16::1' },
    { op: 'tx-off', netns: node, name: 'h0' },
    { op: 'tx-off', netns: pod, name: 'eth0' },
  ]);
  const shown = await ip('-n', pod, '-d', 'addr', 'show', 'eth0');
  assert.match(shown, /link\/ether 0a:58:0a:10:00:05/);
  assert.match(shown, /mtu 1400/);
  assert.match(shown, /inet 10\.16\.0\.5\/16/);
  assert.match(shown, /inet6 fd00:10:16::5\/64 scope global nodad/);
  assert.match(await ip('-n', pod, 'route'), /default via 10\.16\.0\.1 dev eth0/);
  assert.match(await ip('-n', pod, '-6', 'route'), /default via fd00:10:16::1 dev eth0/);
  assert.match(await check(runner, 'ethtool', ['-k', 'eth0'], { netns: pod }), /^tx-checksumming: off/m);

  const podEnd = await links.readLink(pod, 'eth0');
  const hostEnd = await links.readLink(node, 'h0');
  assert.ok(podEnd && hostEnd);
  assert.deepEqual(
    { ...podEnd, ifindex: 0, peerIndex: 0 },
    {
      name: 'eth0',
      ifindex: 0,
      peerIndex: 0,
      kind: 'veth',
      mac: '0a:58:0a:10:00:05',
      mtu: 1400,
      up: true,
      addrs: ['10.16.0.5/16', 'fd00:10:16::5/64'],
      txChecksum: false,
    },
  );
  assert.equal(podEnd.peerIndex, hostEnd.ifindex, 'the pod end names the host end as its peer');
  assert.equal(hostEnd.peerIndex, podEnd.ifindex);
  assert.equal(hostEnd.peerName, undefined, 'a peer in another namespace has no name here');
  assert.deepEqual(await links.readRoutes(pod, 'eth0'), [
    { dst: '0.0.0.0/0', gw: '10.16.0.1' },
    { dst: '10.96.0.0/12', gw: '10.16.0.1' },
    { dst: '::/0', gw: 'fd00:10:16::1' },
  ]);
  assert.equal(await links.readLink(pod, 'eth9'), undefined, 'a link that is not there reads as absent');
});

void test('a failing step names itself, its namespace and the kernel reason; the steps before it stay', async (t) => {
  if (!isRoot()) return t.skip('needs root');
  const [pod] = await namespaces(t, 'pod');
  const links = new LinkHelper();
  defer(t, () => links.close());
  await assert.rejects(
    links.apply([
      { op: 'set', netns: pod, name: 'lo', up: true },
      { op: 'addr-add', netns: pod, name: 'eth9', addr: '10.0.0.1/24' },
    ]),
    new RegExp(`addr-add name=eth9 addr=10\\.0\\.0\\.1/24 in ${pod}: eth9 does not exist`),
  );
  assert.match(await ip('-n', pod, 'link', 'show', 'lo'), /state UNKNOWN|,UP/);
  await links.apply([{ op: 'veth', netns: pod, name: 'a', peer: 'b', peerNetns: pod }]);
  await assert.rejects(
    links.apply([{ op: 'veth', netns: pod, name: 'a', peer: 'c', peerNetns: pod }]),
    /veth name=a peer=c in .*: File exists/,
  );
  await assert.rejects(links.readLink('kovn-no-such-netns', 'eth0'), /cannot enter network namespace/);
});

void test('announce: the gateway answers once it is there; the peer learns the address from the ARP', async (t) => {
  if (!isRoot()) return t.skip('needs root');
  const [gw, pod] = await namespaces(t, 'gw', 'pod');
  const links = new LinkHelper();
  defer(t, () => links.close());
  await links.apply([
    { op: 'veth', netns: gw, name: 'g0', peer: 'eth0', peerNetns: pod },
    { op: 'set', netns: gw, name: 'g0', up: true },
    { op: 'set', netns: pod, name: 'eth0', mac: '0a:58:0a:10:00:07', up: true },
    { op: 'addr-add', netns: pod, name: 'eth0', addr: '10.16.0.7/24' },
  ]);
  const announce = { netns: pod, ifname: 'eth0', addrs: ['10.16.0.7'] };
  assert.equal(
    await links.announce({ ...announce, gateway: '10.16.0.1', timeoutMs: 500 }),
    false,
    'no gateway yet: the wait ends at its deadline',
  );
  await check(runner, 'sysctl', ['-qw', 'net.ipv4.conf.g0.arp_accept=1'], { netns: gw });
  await ip('-n', gw, 'neigh', 'flush', 'dev', 'g0');
  await ip('-n', gw, 'addr', 'add', '10.16.0.1/24', 'dev', 'g0');
  assert.equal(await links.announce({ ...announce, gateway: '10.16.0.1', timeoutMs: 5000 }), true);
  // The echo resolved the pod's MAC too; a fresh table shows what the unsolicited ARP alone taught.
  await ip('-n', gw, 'neigh', 'flush', 'dev', 'g0');
  assert.equal(await links.announce({ ...announce, timeoutMs: 0 }), false, 'no gateway asked: no wait');
  let neigh = '';
  for (let i = 0; i < 50 && !/0a:58:0a:10:00:07/.test(neigh); i++) {
    await new Promise((r) => setTimeout(r, 20));
    neigh = await ip('-n', gw, 'neigh', 'show', 'dev', 'g0');
  }
  assert.match(neigh, /10\.16\.0\.7 lladdr 0a:58:0a:10:00:07/);
});

void test('a helper that dies fails what is in flight and starts again at the next request', async (t) => {
  if (!isRoot()) return t.skip('needs root');
  const [pod] = await namespaces(t, 'pod');
  const links = new LinkHelper();
  defer(t, () => links.close());
  await links.apply([{ op: 'set', netns: pod, name: 'lo', up: true }]);
  const first = links.pid;
  assert.ok(first);
  await links.apply([{ op: 'veth', netns: pod, name: 'a', peer: 'b', peerNetns: pod }]);
  const waiting = links.announce({
    netns: pod,
    ifname: 'a',
    gateway: '10.9.9.9',
    addrs: [],
    timeoutMs: 10_000,
  });
  process.kill(first, 'SIGKILL');
  await assert.rejects(waiting, /link helper exited \(code null, signal SIGKILL\)/);
  assert.equal((await links.readLink(pod, 'lo'))?.up, true, 'the next request is answered');
  assert.ok(links.pid && links.pid !== first, 'by a new helper');
});

void test('a namespace made by the helper is an `ip netns` one; run starts a program inside it', async (t) => {
  if (!isRoot()) return t.skip('needs root');
  const name = `${randomLabId()}-made`;
  const links = new LinkHelper();
  defer(t, () => links.close());
  defer(t, () =>
    ip('netns', 'delete', name).then(
      () => undefined,
      () => undefined,
    ),
  );
  await links.apply([
    { op: 'netns-add', name },
    { op: 'set', netns: name, name: 'lo', up: true },
  ]);
  await links.apply([{ op: 'netns-add', name }]); // there already: kept
  assert.ok((await ip('netns', 'list')).split('\n').some((l) => l.split(' ')[0] === name));
  assert.match(await ip('-n', name, 'link', 'show', 'lo'), /LOOPBACK,UP/);
  const inside = await check(runner, 'readlink', ['/proc/self/ns/net'], { netns: name });
  const mine = await check(runner, 'readlink', ['/proc/self/ns/net']);
  assert.notEqual(inside, mine, 'a namespace of its own');

  const r = await links.run('sh', ['-c', 'echo "$GREETING"; cat; readlink /proc/self/ns/net; exit 3'], {
    netns: name,
    env: { GREETING: 'hello' },
    input: 'from stdin\n',
  });
  assert.deepEqual(r, { code: 3, stdout: `hello\nfrom stdin\n${inside}`, stderr: '' });
  assert.equal((await links.run('readlink', ['/proc/self/ns/net'])).stdout, mine, 'no namespace: its own');
  assert.equal((await links.run('sh', ['-c', 'kill -TERM $$'])).code, 128 + 15);
  await assert.rejects(links.run('sleep', ['10'], { timeoutMs: 200 }), ProcessTimeoutError);
  await assert.rejects(
    links.run('/nonexistent/program', []),
    /cannot run \/nonexistent\/program: No such file/,
  );

  await links.apply([{ op: 'netns-del', name }]);
  await links.apply([{ op: 'netns-del', name }]); // gone already: fine
  assert.ok(!(await ip('netns', 'list')).split('\n').some((l) => l.split(' ')[0] === name));
});
