// A gateway with two external NICs against the real kernel, for BOTH rule backends, in a throwaway namespace with
// eth0, net1 and net2 (veths whose peers stay inside it; net2 without an address of its own, as with noDefaultEIP):
// each NIC gets the EIPs of its subnet; net2's CIDR is routed out of net2 (the kernel had no route there), the
// default route out of net1, a `spec.routes` entry via a next hop on net2 out of net2; a `routes` entry the kernel
// refuses is reported with its field path and the NAT rules still apply; the kernel holds each SNAT and the floating
// IP's source translation on its EIP's NIC; applied twice, the second pass writes nothing (the per-NIC rules read
// back equal in both backends).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { applyGateway } from '../../../src/natgw/apply.ts';
import type { BackendName } from '../../../src/natgw/backends.ts';
import type { GatewayDesired } from '../../../src/natgw/desired.ts';
import { check, processRunner } from '../../../src/util/exec.ts';

const skip = process.getuid?.() !== 0 ? 'needs root (network namespaces, iptables, nft)' : false;

const desired: GatewayDesired = {
  vpcIf: 'eth0',
  extIf: 'net1',
  nics: [
    {
      subnet: 'ovn-vpc-external-network',
      ifname: 'net1',
      provider: 'ovn-vpc-external-network.kube-system',
      cidr: '192.168.0.0/24',
      gateway: '192.168.0.1',
      addresses: ['192.168.0.12/24'],
    },
    {
      subnet: 'ext2',
      ifname: 'net2',
      provider: 'ext2.kube-system',
      cidr: '192.168.1.0/24',
      gateway: '192.168.1.1',
      addresses: ['192.168.1.12/24', '192.168.1.13/24'],
    },
  ],
  externalGateway: '192.168.0.1',
  routes: [
    { dst: '192.168.0.0/24', dev: 'net1' },
    { dst: '192.168.1.0/24', dev: 'net2' },
    { dst: '198.51.100.0/24', via: '192.168.1.1', dev: 'net2', field: 'spec.routes[0]' },
    { dst: '203.0.113.0/24', via: '10.99.0.1', dev: 'eth0', field: 'spec.routes[1]' },
  ],
  rules: [
    { kind: 'eip', name: 'e1', eip: '192.168.0.12', prefix: 24, dev: 'net1' },
    { kind: 'eip', name: 'e2', eip: '192.168.1.12', prefix: 24, dev: 'net2' },
    { kind: 'eip', name: 'f2', eip: '192.168.1.13', prefix: 24, dev: 'net2' },
    { kind: 'snat', name: 's1', eip: '192.168.0.12', cidr: '10.0.1.0/24', prefix: 24, dev: 'net1' },
    { kind: 'snat', name: 's2', eip: '192.168.1.12', cidr: '10.0.1.0/24', prefix: 24, dev: 'net2' },
    { kind: 'fip', name: 'fip2', eip: '192.168.1.13', internalIp: '10.0.1.5', dev: 'net2' },
  ],
  refused: new Map(),
};

const HELD: Record<BackendName, { list: string[]; want: RegExp[] }> = {
  iptables: {
    list: ['iptables', '-t', 'nat', '-S'],
    want: [
      /^-A SHARED_SNAT -s 10\.0\.1\.0\/24 -o net1 -j SNAT --to-source 192\.168\.0\.12 --random-fully$/m,
      /^-A SHARED_SNAT -s 10\.0\.1\.0\/24 -o net2 -j SNAT --to-source 192\.168\.1\.12 --random-fully$/m,
      /^-A EXCLUSIVE_SNAT -s 10\.0\.1\.5\/32 -o net2 -j SNAT --to-source 192\.168\.1\.13$/m,
    ],
  },
  nftables: {
    list: ['nft', 'list', 'table', 'ip', 'kovn-nat'],
    want: [
      /ip saddr 10\.0\.1\.0\/24 oifname "net1" snat to 192\.168\.0\.12 fully-random/,
      /ip saddr 10\.0\.1\.0\/24 oifname "net2" snat to 192\.168\.1\.12 fully-random/,
      /ip saddr 10\.0\.1\.5 oifname "net2" snat to 192\.168\.1\.13/,
    ],
  },
};

for (const backend of ['iptables', 'nftables'] as BackendName[]) {
  void describe(`a gateway on two external networks, ${backend} backend`, { skip }, () => {
    const netns = `kovnm${randomBytes(3).toString('hex')}`;
    const sh = (...args: string[]) => check(processRunner, args[0]!, args.slice(1), { netns });
    before(async () => {
      await check(processRunner, 'ip', ['netns', 'add', netns]);
      for (const [dev, addr] of [
        ['eth0', '10.0.1.254/24'],
        ['net1', '192.168.0.11/24'],
        ['net2', undefined],
      ] as const) {
        await sh('ip', 'link', 'add', dev, 'type', 'veth', 'peer', 'name', `${dev}p`);
        if (addr) await sh('ip', 'addr', 'add', addr, 'dev', dev);
        await sh('ip', 'link', 'set', `${dev}p`, 'up');
        await sh('ip', 'link', 'set', dev, 'up');
      }
    });
    after(async () => {
      await processRunner.run('ip', ['netns', 'delete', netns]);
    });

    it('each NIC its EIPs, each CIDR out of its NIC, the SNATs and the FIP on their EIP NIC; again: nothing', async () => {
      const o = { runner: processRunner, netns, backend, keepAddresses: ['192.168.0.11'] };
      const first = await applyGateway(desired, o);
      assert.equal(first.rulesWritten, true);
      assert.deepEqual(
        [...first.results.values()].filter((r) => !r.ok),
        [],
      );
      assert.deepEqual(first.addressesAdded, ['192.168.0.12', '192.168.1.12', '192.168.1.13']);
      const on = async (dev: string) => sh('ip', '-4', '-o', 'addr', 'show', 'dev', dev);
      assert.match(await on('net1'), /inet 192\.168\.0\.12\/24/);
      assert.doesNotMatch(await on('net1'), /192\.168\.1\./);
      assert.match(await on('net2'), /inet 192\.168\.1\.12\/24[\s\S]*inet 192\.168\.1\.13\/24/);
      const routes = await sh('ip', 'route');
      assert.match(routes, /^default via 192\.168\.0\.1 dev net1 onlink/m);
      assert.match(routes, /^192\.168\.1\.0\/24 dev net2 /m);
      assert.match(routes, /^198\.51\.100\.0\/24 via 192\.168\.1\.1 dev net2/m);
      assert.equal(first.routesRefused.length, 1);
      assert.match(
        first.routesRefused[0]!,
        /^spec\.routes\[1\]: 203\.0\.113\.0\/24 via 10\.99\.0\.1 dev eth0: /,
      );
      const held = await sh(...HELD[backend].list);
      for (const want of HELD[backend].want) assert.match(held, want);
      const again = await applyGateway(desired, o);
      assert.equal(again.rulesWritten, false, 'the per-NIC rules read back equal');
      assert.deepEqual(again.addressesAdded, []);
      assert.deepEqual(again.addressesRemoved, []);
    });
  });
}
