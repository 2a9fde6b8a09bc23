// Real traffic through a gateway namespace programmed by the applier, the same cases for BOTH rule backends: three
// namespaces made by the test (the gateway with eth0 in the "VPC" and net1 on the "external network"; a VPC host with
// 10.0.1.10/.20/.30; an upstream host 192.168.0.1), TCP servers that answer with the addresses they see
// (test/support/peer-echo.ts). DNAT from upstream to an EIP port reaches the VPC host, which sees the upstream
// address; a FIP's EIP reaches its internal address; the VPC leaves by SNAT with the EIP (the FIP's address with its
// own EIP, before the shared SNAT); a VPC host reaching a DNAT'ed EIP port is hairpinned (the server sees the EIP, so
// its reply returns through the gateway); a DNAT moved to another target flushes the conntrack entries to its EIP and
// the next connection takes the new path. A rendering that translated wrongly in either backend fails here.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { applyGateway } from '../../../src/natgw/apply.ts';
import type { BackendName } from '../../../src/natgw/backends.ts';
import type { GatewayDesired } from '../../../src/natgw/desired.ts';
import type { NatRule } from '../../../src/natgw/rules.ts';
import { check, processRunner, type PipedProcess } from '../../../src/util/exec.ts';
import { PEER_ECHO, servePeerEcho } from '../../support/peer-echo-process.ts';

const skip = process.getuid?.() !== 0 ? 'needs root (network namespaces, iptables, nft)' : false;

const rules = (dnatTarget: string): NatRule[] => [
  { kind: 'eip', name: 'e1', eip: '192.168.0.12', prefix: 24 },
  { kind: 'eip', name: 'e2', eip: '192.168.0.13', prefix: 24 },
  {
    kind: 'dnat',
    name: 'd1',
    eip: '192.168.0.12',
    protocol: 'tcp',
    externalPort: 8888,
    internalIp: dnatTarget,
    internalPort: 80,
  },
  { kind: 'fip', name: 'f1', eip: '192.168.0.13', internalIp: '10.0.1.20' },
  { kind: 'snat', name: 's1', eip: '192.168.0.12', cidr: '10.0.1.0/24', prefix: 24 },
];
const desired = (dnatTarget: string): GatewayDesired => ({
  vpcIf: 'eth0',
  extIf: 'net1',
  nics: [
    {
      subnet: 'ovn-vpc-external-network',
      ifname: 'net1',
      provider: 'ovn-vpc-external-network.kube-system',
      cidr: '192.168.0.0/24',
      gateway: '192.168.0.1',
      addresses: ['192.168.0.12/24', '192.168.0.13/24'],
    },
  ],
  externalGateway: '192.168.0.1',
  routes: [],
  rules: rules(dnatTarget),
  refused: new Map(),
});

for (const backend of ['iptables', 'nftables'] as BackendName[]) {
  void describe(`NAT traffic through the gateway, ${backend} backend`, { skip }, () => {
    const id = randomBytes(3).toString('hex');
    const ns = { gw: `kovng${id}`, vpc: `kovnv${id}`, up: `kovnu${id}` };
    const servers: PipedProcess[] = [];
    const sh = (netns: string, ...args: string[]) => check(processRunner, args[0]!, args.slice(1), { netns });
    const apply = (target: string) =>
      applyGateway(desired(target), {
        runner: processRunner,
        netns: ns.gw,
        backend,
        keepAddresses: ['192.168.0.11'],
      });
    /** What the server at HOST:PORT says from SOURCE in the VPC or upstream: "<peer it saw> <its own address>". */
    const ask = async (from: string, source: string, host: string, port: number) =>
      (await sh(from, process.execPath, PEER_ECHO, 'ask', source, host, String(port))).trim();

    async function serve(netns: string, port: number): Promise<void> {
      servers.push(await servePeerEcho(netns, '0.0.0.0', port));
    }

    before(async () => {
      for (const n of Object.values(ns)) await check(processRunner, 'ip', ['netns', 'add', n]);
      for (const n of Object.values(ns)) await sh(n, 'ip', 'link', 'set', 'lo', 'up');
      // gw eth0 <-> vpc eth0, gw net1 <-> up eth0; each peer moved into its namespace.
      for (const [dev, peer, addr] of [
        ['eth0', ns.vpc, '10.0.1.254/24'],
        ['net1', ns.up, '192.168.0.11/24'],
      ] as const) {
        await sh(ns.gw, 'ip', 'link', 'add', dev, 'type', 'veth', 'peer', 'name', 'peer0', 'netns', peer);
        await sh(ns.gw, 'ip', 'addr', 'add', addr, 'dev', dev);
        await sh(ns.gw, 'ip', 'link', 'set', dev, 'up');
        await sh(peer, 'ip', 'link', 'set', 'peer0', 'name', 'eth0');
        await sh(peer, 'ip', 'link', 'set', 'eth0', 'up');
      }
      for (const a of ['10.0.1.10/24', '10.0.1.20/24', '10.0.1.30/24'])
        await sh(ns.vpc, 'ip', 'addr', 'add', a, 'dev', 'eth0');
      await sh(ns.vpc, 'ip', 'route', 'add', 'default', 'via', '10.0.1.254');
      // The hairpin path leaves the gateway by the interface it came in on: no redirects to the VPC host.
      await sh(
        ns.gw,
        'sysctl',
        '-q',
        '-w',
        'net.ipv4.conf.all.send_redirects=0',
        'net.ipv4.conf.eth0.send_redirects=0',
      );
      await sh(ns.up, 'ip', 'addr', 'add', '192.168.0.1/24', 'dev', 'eth0');
      await serve(ns.vpc, 80);
      await serve(ns.up, 9000);
      const out = await apply('10.0.1.10');
      assert.deepEqual(
        [...out.results.values()].filter((r) => !r.ok),
        [],
      );
      assert.equal(out.backend, backend);
    });
    after(async () => {
      for (const p of servers) {
        process.kill(p.pid, 'SIGTERM');
        await p.exited;
      }
      for (const n of Object.values(ns)) await processRunner.run('ip', ['netns', 'delete', n]);
    });

    it('DNAT: upstream reaches the VPC host through the EIP port, and is seen as itself', async () => {
      assert.equal(await ask(ns.up, '192.168.0.1', '192.168.0.12', 8888), '192.168.0.1 10.0.1.10');
    });
    it('FIP: upstream reaches the internal address through its EIP', async () => {
      assert.equal(await ask(ns.up, '192.168.0.1', '192.168.0.13', 80), '192.168.0.1 10.0.1.20');
    });
    it('SNAT: the VPC leaves with the EIP; the FIP address with its own EIP', async () => {
      assert.equal(await ask(ns.vpc, '10.0.1.10', '192.168.0.1', 9000), '192.168.0.12 192.168.0.1');
      assert.equal(await ask(ns.vpc, '10.0.1.20', '192.168.0.1', 9000), '192.168.0.13 192.168.0.1');
    });
    it('hairpin: a VPC host reaching the DNAT port is seen as the EIP', async () => {
      assert.equal(await ask(ns.vpc, '10.0.1.30', '192.168.0.12', 8888), '192.168.0.12 10.0.1.10');
    });
    it('a DNAT moved: the EIP connections are forgotten, the next one takes the new target', async () => {
      await ask(ns.up, '192.168.0.1', '192.168.0.12', 8888);
      const tracked = async () =>
        (await sh(ns.gw, 'conntrack', '-L', '-d', '192.168.0.12')).split('\n').filter(Boolean).length;
      assert.ok((await tracked()) > 0, 'the connection to the EIP is tracked');
      const moved = await apply('10.0.1.30');
      assert.equal(moved.rulesWritten, true);
      assert.equal(await tracked(), 0);
      assert.equal(await ask(ns.up, '192.168.0.1', '192.168.0.12', 8888), '192.168.0.1 10.0.1.30');
      assert.equal((await apply('10.0.1.30')).rulesWritten, false);
    });
  });
}
