// IPv6 and dual-stack NAT with real traffic, the same cases for BOTH rule backends. The desired state is computed
// from API objects (a dual-stack external subnet and VPC, a dual-stack EIP and an IPv6-only one, a DNAT and a SNAT
// naming both families, an IPv6 floating IP) and applied to three namespaces made by the test: the gateway (eth0 in
// the "VPC", net1 on the "external network"), a VPC host (10.0.1.10/.20/.30, fd00:1::10/::20/::30) and an upstream
// host (192.168.0.1, fd00:e::1), with TCP servers that answer with the addresses they see (test/support/peer-echo.ts).
// IPv6 DNAT, FIP, SNAT and hairpin work end to end, as does the IPv4 half of each dual-stack rule; the IPv6 EIPs are
// usable at once (no DAD) and announced by the kernel's unsolicited neighbour advertisement (the upstream's stale
// neighbour entry for the EIP is overridden with the gateway's MAC, no NDP tool involved); a second pass writes
// nothing; a DNAT moved flushes the IPv6 connections to its EIP; and a switch of backend takes both families of
// kovn's rules out of the other one.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { IptablesEip } from '../../../src/api/kinds/iptables-eip.ts';
import type { Dnat, Fip, Snat } from '../../../src/api/kinds/nat-rules.ts';
import type { Subnet } from '../../../src/api/kinds/subnet-schema.ts';
import type { VpcNatGateway } from '../../../src/api/kinds/vpc-nat-gateway.ts';
import { applyGateway } from '../../../src/natgw/apply.ts';
import type { BackendName } from '../../../src/natgw/backends.ts';
import { desiredGateway } from '../../../src/natgw/desired.ts';
import { check, processRunner, type PipedProcess } from '../../../src/util/exec.ts';
import { PEER_ECHO, servePeerEcho } from '../../support/peer-echo-process.ts';
import { kubeovn } from '../../support/objects.ts';

const skip = process.getuid?.() !== 0 ? 'needs root (network namespaces, ip6tables, nft)' : false;
const STALE_MAC = '02:00:00:00:0e:01';

const born = <T>(
  kind: string,
  name: string,
  spec: Record<string, unknown>,
  status?: Record<string, unknown>,
) =>
  ({
    ...kubeovn(kind, name, spec),
    metadata: { name, creationTimestamp: '2026-01-01T00:00:00Z' },
    ...(status ? { status } : {}),
  }) as T;
const subnets: Subnet[] = [
  born('Subnet', 'ovn-vpc-external-network', {
    cidrBlock: '192.168.0.0/24,fd00:e::/64',
    gateway: '192.168.0.1,fd00:e::1',
    provider: 'ovn-vpc-external-network.kube-system',
  }),
  born('Subnet', 'lan', {
    vpc: 'v1',
    cidrBlock: '10.0.1.0/24,fd00:1::/64',
    gateway: '10.0.1.254,fd00:1::fe',
  }),
];
const gateway = born<VpcNatGateway>('VpcNatGateway', 'gw1', {
  vpc: 'v1',
  subnet: 'lan',
  lanIp: '10.0.1.254',
});
const eips: IptablesEip[] = [
  born('IptablesEIP', 'e1', { natGwDp: 'gw1' }, { ip: '192.168.0.12', v6ip: 'fd00:e::12' }),
  born('IptablesEIP', 'e2', { natGwDp: 'gw1' }, { v6ip: 'fd00:e::13' }),
];
const desired = (dnatTarget: string) =>
  desiredGateway({
    gateway,
    subnets,
    eips,
    dnats: [
      born<Dnat>('IptablesDnatRule', 'd1', {
        eip: 'e1',
        externalPort: '8888',
        internalIp: dnatTarget,
        internalPort: '80',
        protocol: 'tcp',
      }),
    ],
    fips: [born<Fip>('IptablesFIPRule', 'f1', { eip: 'e2', internalIp: 'fd00:1::20' })],
    snats: [born<Snat>('IptablesSnatRule', 's1', { eip: 'e1', internalCIDR: '10.0.1.0/24,fd00:1::/64' })],
  });

for (const backend of ['iptables', 'nftables'] as BackendName[]) {
  void describe(`IPv6 and dual-stack NAT traffic through the gateway, ${backend} backend`, { skip }, () => {
    const id = randomBytes(3).toString('hex');
    const ns = { gw: `kovng6${id}`, vpc: `kovnv6${id}`, up: `kovnu6${id}` };
    const servers: PipedProcess[] = [];
    const sh = (netns: string, ...args: string[]) => check(processRunner, args[0]!, args.slice(1), { netns });
    const apply = (target: string, using: BackendName = backend) =>
      applyGateway(desired(target), {
        runner: processRunner,
        netns: ns.gw,
        backend: using,
        keepAddresses: ['192.168.0.11', 'fd00:e::11'],
      });
    /** What the server at HOST:PORT says from SOURCE: "<peer it saw> <its own address>" (v4-mapped shown as v4). */
    const ask = async (from: string, source: string, host: string, port: number) =>
      (await sh(from, process.execPath, PEER_ECHO, 'ask', source, host, String(port)))
        .trim()
        .replace(/::ffff:/g, '');

    async function serve(netns: string, port: number): Promise<void> {
      // `::` takes both families (a dual-stack socket).
      servers.push(await servePeerEcho(netns, '::', port));
    }

    before(async () => {
      for (const n of Object.values(ns)) await check(processRunner, 'ip', ['netns', 'add', n]);
      for (const n of Object.values(ns)) await sh(n, 'ip', 'link', 'set', 'lo', 'up');
      // gw eth0 <-> vpc eth0, gw net1 <-> up eth0; the test's own addresses skip DAD (nodad) to be usable at once.
      for (const [dev, peer, v4, v6] of [
        ['eth0', ns.vpc, '10.0.1.254/24', 'fd00:1::fe/64'],
        ['net1', ns.up, '192.168.0.11/24', 'fd00:e::11/64'],
      ] as const) {
        await sh(ns.gw, 'ip', 'link', 'add', dev, 'type', 'veth', 'peer', 'name', 'peer0', 'netns', peer);
        await sh(ns.gw, 'ip', 'addr', 'add', v4, 'dev', dev);
        await sh(ns.gw, 'ip', 'addr', 'add', v6, 'dev', dev, 'nodad');
        await sh(ns.gw, 'ip', 'link', 'set', dev, 'up');
        await sh(peer, 'ip', 'link', 'set', 'peer0', 'name', 'eth0');
        await sh(peer, 'ip', 'link', 'set', 'eth0', 'up');
      }
      for (const a of ['10.0.1.10/24', '10.0.1.20/24', '10.0.1.30/24'])
        await sh(ns.vpc, 'ip', 'addr', 'add', a, 'dev', 'eth0');
      for (const a of ['fd00:1::10/64', 'fd00:1::20/64', 'fd00:1::30/64'])
        await sh(ns.vpc, 'ip', 'addr', 'add', a, 'dev', 'eth0', 'nodad');
      await sh(ns.vpc, 'ip', 'route', 'add', 'default', 'via', '10.0.1.254');
      await sh(ns.vpc, 'ip', '-6', 'route', 'add', 'default', 'via', 'fd00:1::fe');
      await sh(
        ns.gw,
        'sysctl',
        '-q',
        '-w',
        'net.ipv4.conf.all.send_redirects=0',
        'net.ipv4.conf.eth0.send_redirects=0',
      );
      await sh(ns.up, 'ip', 'addr', 'add', '192.168.0.1/24', 'dev', 'eth0');
      await sh(ns.up, 'ip', 'addr', 'add', 'fd00:e::1/64', 'dev', 'eth0', 'nodad');
      // The upstream believes the EIP is elsewhere: only the gateway's announcement can correct it.
      await sh(
        ns.up,
        'ip',
        '-6',
        'neigh',
        'replace',
        'fd00:e::12',
        'lladdr',
        STALE_MAC,
        'dev',
        'eth0',
        'nud',
        'stale',
      );
      await serve(ns.vpc, 80);
      await serve(ns.up, 9000);
      const out = await apply('10.0.1.10,fd00:1::10');
      assert.deepEqual(
        [...out.results].filter(([, r]) => !r.ok),
        [],
      );
      assert.deepEqual(out.addressesAdded.sort(), ['192.168.0.12', 'fd00:e::12', 'fd00:e::13']);
    });
    after(async () => {
      for (const p of servers) {
        process.kill(p.pid, 'SIGTERM');
        await p.exited;
      }
      for (const n of Object.values(ns)) await processRunner.run('ip', ['netns', 'delete', n]);
    });

    it('the IPv6 EIPs are on net1 with the subnet prefix, not tentative; the IPv6 default route is there', async () => {
      const addrs = await sh(ns.gw, 'ip', '-6', 'addr', 'show', 'dev', 'net1');
      for (const a of ['fd00:e::12/64', 'fd00:e::13/64']) assert.ok(addrs.includes(a), `${a} in ${addrs}`);
      assert.doesNotMatch(addrs, /tentative/);
      assert.match(await sh(ns.gw, 'ip', '-6', 'route', 'show', 'default'), /default via fd00:e::1 dev net1/);
    });
    it("the upstream learned the EIP's MAC from the kernel's unsolicited neighbour advertisement", async () => {
      const mac = JSON.parse(await sh(ns.gw, 'ip', '-j', 'link', 'show', 'net1')) as { address: string }[];
      const neigh = await sh(ns.up, 'ip', '-6', 'neigh', 'show', 'fd00:e::12', 'dev', 'eth0');
      assert.ok(neigh.includes(mac[0]!.address), `upstream neighbour entry: ${neigh}`);
      assert.ok(!neigh.includes(STALE_MAC));
    });
    it('DNAT: upstream reaches the VPC host through the EIP port over IPv6 and IPv4, seen as itself', async () => {
      assert.equal(await ask(ns.up, 'fd00:e::1', 'fd00:e::12', 8888), 'fd00:e::1 fd00:1::10');
      assert.equal(await ask(ns.up, '192.168.0.1', '192.168.0.12', 8888), '192.168.0.1 10.0.1.10');
    });
    it('FIP: upstream reaches the internal IPv6 address through its IPv6-only EIP', async () => {
      assert.equal(await ask(ns.up, 'fd00:e::1', 'fd00:e::13', 80), 'fd00:e::1 fd00:1::20');
    });
    it('SNAT: the VPC leaves with the EIP of its family; the FIP address with its own EIP', async () => {
      assert.equal(await ask(ns.vpc, 'fd00:1::10', 'fd00:e::1', 9000), 'fd00:e::12 fd00:e::1');
      assert.equal(await ask(ns.vpc, '10.0.1.10', '192.168.0.1', 9000), '192.168.0.12 192.168.0.1');
      assert.equal(await ask(ns.vpc, 'fd00:1::20', 'fd00:e::1', 9000), 'fd00:e::13 fd00:e::1');
    });
    it('hairpin: a VPC host reaching the IPv6 DNAT port is seen as the EIP', async () => {
      assert.equal(await ask(ns.vpc, 'fd00:1::30', 'fd00:e::12', 8888), 'fd00:e::12 fd00:1::10');
    });
    it('applied again: nothing is written (both families read back equal)', async () => {
      const again = await apply('10.0.1.10,fd00:1::10');
      assert.equal(again.rulesWritten, false);
      assert.deepEqual(again.addressesAdded, []);
    });
    it('a DNAT moved: the IPv6 connections to its EIP are forgotten, the next one takes the new target', async () => {
      await ask(ns.up, 'fd00:e::1', 'fd00:e::12', 8888);
      const tracked = async () =>
        (await sh(ns.gw, 'conntrack', '-L', '-f', 'ipv6', '-d', 'fd00:e::12')).split('\n').filter(Boolean)
          .length;
      assert.ok((await tracked()) > 0, 'the connection to the EIP is tracked');
      const moved = await apply('10.0.1.30,fd00:1::30');
      assert.equal(moved.rulesWritten, true);
      assert.equal(await tracked(), 0);
      assert.equal(await ask(ns.up, 'fd00:e::1', 'fd00:e::12', 8888), 'fd00:e::1 fd00:1::30');
    });
    it('a switch of backend takes both families of kovn state out of this one', async () => {
      const other: BackendName = backend === 'iptables' ? 'nftables' : 'iptables';
      const switched = await apply('10.0.1.30,fd00:1::30', other);
      assert.equal(switched.otherRemoved, true);
      if (backend === 'iptables') {
        assert.doesNotMatch(await sh(ns.gw, 'ip6tables-save', '-t', 'nat'), /DNAT_FILTER/);
        assert.doesNotMatch(await sh(ns.gw, 'iptables-save', '-t', 'nat'), /DNAT_FILTER/);
      } else {
        assert.doesNotMatch(await sh(ns.gw, 'nft', 'list', 'tables'), /kovn-nat/);
      }
      // ... and the traffic still flows through the other backend.
      assert.equal(await ask(ns.up, 'fd00:e::1', 'fd00:e::13', 80), 'fd00:e::1 fd00:1::20');
    });
  });
}
