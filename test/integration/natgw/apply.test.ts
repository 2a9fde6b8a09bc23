// The gateway applier against the real kernel, in a throwaway network namespace with eth0/net1 (veths whose peers stay inside it): the whole
// set applied atomically and read back equal; applied twice, the second pass writes nothing; a rule the kernel
// refuses is found by bisection and reported alone while every other rule is applied; EIP addresses added and a
// removed EIP's address taken off (the interface's own address kept); routes in place.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { applyGateway } from '../../../src/natgw/apply.ts';
import type { GatewayDesired } from '../../../src/natgw/desired.ts';
import type { NatRule } from '../../../src/natgw/rules.ts';
import { check, processRunner } from '../../../src/util/exec.ts';

const skip = process.getuid?.() !== 0 ? 'needs root (network namespaces, iptables)' : false;
const netns = `kovnt${randomBytes(3).toString('hex')}`;
const sh = (...args: string[]) => check(processRunner, args[0]!, args.slice(1), { netns });

const eip = (name: string, ip: string): NatRule => ({ kind: 'eip', name, eip: ip, prefix: 24 });
const dnat = (name: string, ip: string, port: number, target: string): NatRule => ({
  kind: 'dnat',
  name,
  eip: ip,
  protocol: 'tcp',
  externalPort: port,
  internalIp: target,
  internalPort: 80,
});
function desired(rules: NatRule[]): GatewayDesired {
  return {
    vpcIf: 'eth0',
    extIf: 'net1',
    addresses: rules.flatMap((r) => (r.kind === 'eip' ? [`${r.eip}/${r.prefix}`] : [])),
    externalGateway: '192.168.0.1',
    routes: [{ dst: '10.0.2.0/24', via: '10.0.1.1', dev: 'eth0' }],
    rules,
    refused: new Map(),
  };
}
const options = {
  runner: processRunner,
  netns,
  keepAddresses: ['192.168.0.11'],
  externalCidr: '192.168.0.0/24',
};

void describe('gateway applier in a real network namespace', { skip }, () => {
  before(async () => {
    await check(processRunner, 'ip', ['netns', 'add', netns]);
    for (const [dev, addr] of [
      ['eth0', '10.0.1.254/24'],
      ['net1', '192.168.0.11/24'],
    ] as const) {
      await sh('ip', 'link', 'add', dev, 'type', 'veth', 'peer', 'name', `${dev}p`);
      await sh('ip', 'addr', 'add', addr, 'dev', dev);
      await sh('ip', 'link', 'set', `${dev}p`, 'up');
      await sh('ip', 'link', 'set', dev, 'up');
    }
  });
  after(async () => {
    await processRunner.run('ip', ['netns', 'delete', netns]);
  });

  it('applies the whole set once; the same state again writes nothing', async () => {
    const d = desired([
      eip('e1', '192.168.0.12'),
      eip('e2', '192.168.0.13'),
      dnat('d1', '192.168.0.12', 8888, '10.0.1.10'),
    ]);
    const first = await applyGateway(d, options);
    assert.equal(first.rulesWritten, true);
    assert.deepEqual(first.addressesAdded, ['192.168.0.12', '192.168.0.13']);
    assert.deepEqual(
      [...first.results.values()].filter((r) => !r.ok),
      [],
    );
    const nat = await sh('iptables', '-t', 'nat', '-S', 'SHARED_DNAT');
    assert.match(
      nat,
      /-A SHARED_DNAT -d 192\.168\.0\.12\/32 -p tcp -m tcp --dport 8888 -j DNAT --to-destination 10\.0\.1\.10:80/,
    );
    const routes = await sh('ip', 'route');
    assert.match(routes, /^default via 192\.168\.0\.1 dev net1 onlink/m);
    assert.match(routes, /^10\.0\.2\.0\/24 via 10\.0\.1\.1 dev eth0/m);
    const again = await applyGateway(d, options);
    assert.equal(again.rulesWritten, false);
    assert.deepEqual(again.addressesAdded, []);
  });

  it('a rule the kernel refuses is reported alone; the rest is applied; a removed EIP leaves net1', async () => {
    const bad: NatRule = {
      ...(dnat('bad', '192.168.0.12', 9999, '10.0.1.10') as Extract<NatRule, { kind: 'dnat' }>),
      internalIp: '10.0.1.999',
    };
    const d = desired([
      eip('e1', '192.168.0.12'),
      dnat('d1', '192.168.0.12', 8888, '10.0.1.10'),
      bad,
      dnat('d2', '192.168.0.12', 7777, '10.0.1.11'),
    ]);
    const out = await applyGateway(d, options);
    const failed = [...out.results].filter(([, r]) => !r.ok).map(([id]) => id);
    assert.deepEqual(failed, ['dnat/bad']);
    const reason = out.results.get('dnat/bad');
    assert.ok(reason && !reason.ok && reason.reason.length > 0);
    const nat = await sh('iptables', '-t', 'nat', '-S', 'SHARED_DNAT');
    assert.match(nat, /--dport 8888/);
    assert.match(nat, /--dport 7777/);
    assert.doesNotMatch(nat, /--dport 9999/);
    assert.deepEqual(out.addressesRemoved, ['192.168.0.13/24']);
    const addrs = await sh('ip', '-4', '-o', 'addr', 'show', 'dev', 'net1');
    assert.match(addrs, /192\.168\.0\.11\/24/, 'the interface keeps its own address');
    assert.doesNotMatch(addrs, /192\.168\.0\.13\//);
  });
});
