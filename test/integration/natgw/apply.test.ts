// The gateway applier against the real kernel, for BOTH rule backends (iptables-restore and nft), the same cases
// each in a throwaway network namespace with eth0/net1 (veths whose peers stay inside it): the whole set applied
// atomically and read back equal; applied twice, the second pass writes nothing; rules flushed by hand are noticed
// and written back; a rule the kernel refuses is found by bisection and reported alone while every other rule is
// applied; EIP addresses added and a removed EIP's address taken off (the interface's own address kept); routes in
// place. Then what neither backend may touch: rules and tables that are not kovn's survive every apply, and
// switching backend (iptables -> nftables -> iptables) leaves exactly one copy of kovn's rules.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { applyGateway } from '../../../src/natgw/apply.ts';
import type { BackendName } from '../../../src/natgw/backends.ts';
import type { GatewayDesired } from '../../../src/natgw/desired.ts';
import type { NatRule } from '../../../src/natgw/rules.ts';
import { check, processRunner } from '../../../src/util/exec.ts';

const skip = process.getuid?.() !== 0 ? 'needs root (network namespaces, iptables, nft)' : false;
const BACKENDS: BackendName[] = ['iptables', 'nftables'];

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
    nics: [
      {
        subnet: 'ovn-vpc-external-network',
        ifname: 'net1',
        provider: 'ovn-vpc-external-network.kube-system',
        cidr: '192.168.0.0/24',
        gateway: '192.168.0.1',
        addresses: rules.flatMap((r) => (r.kind === 'eip' ? [`${r.eip}/${r.prefix}`] : [])),
      },
    ],
    externalGateway: '192.168.0.1',
    routes: [{ dst: '10.0.2.0/24', via: '10.0.1.1', dev: 'eth0' }],
    rules,
    refused: new Map(),
  };
}

/** A namespace with eth0 and net1 as a gateway pod has them; removed by the caller. */
async function gatewayNamespace(netns: string): Promise<void> {
  const sh = (...args: string[]) => check(processRunner, args[0]!, args.slice(1), { netns });
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
}

/** How each backend's SHARED_DNAT chain is listed, and how a DNAT of port 8888 to 10.0.1.10:80 reads there. */
const VIEW: Record<BackendName, { list: string[]; dnat8888: RegExp; flush: string[] }> = {
  iptables: {
    list: ['iptables', '-t', 'nat', '-S', 'SHARED_DNAT'],
    dnat8888:
      /-A SHARED_DNAT -d 192\.168\.0\.12\/32 -p tcp -m tcp --dport 8888 -j DNAT --to-destination 10\.0\.1\.10:80/,
    flush: ['iptables', '-t', 'nat', '-F', 'SHARED_DNAT'],
  },
  nftables: {
    list: ['nft', 'list', 'chain', 'ip', 'kovn-nat', 'SHARED_DNAT'],
    dnat8888: /ip daddr 192\.168\.0\.12 tcp dport 8888 dnat to 10\.0\.1\.10:80/,
    flush: ['nft', 'flush', 'chain', 'ip', 'kovn-nat', 'SHARED_DNAT'],
  },
};

for (const backend of BACKENDS) {
  void describe(`gateway applier in a real network namespace, ${backend} backend`, { skip }, () => {
    const netns = `kovnt${randomBytes(3).toString('hex')}`;
    const sh = (...args: string[]) => check(processRunner, args[0]!, args.slice(1), { netns });
    const options = {
      runner: processRunner,
      netns,
      backend,
      keepAddresses: ['192.168.0.11'],
    };
    const view = VIEW[backend];
    before(() => gatewayNamespace(netns));
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
      assert.equal(first.backend, backend);
      assert.deepEqual(first.addressesAdded, ['192.168.0.12', '192.168.0.13']);
      assert.deepEqual(
        [...first.results.values()].filter((r) => !r.ok),
        [],
      );
      assert.match(await sh(...view.list), view.dnat8888);
      const routes = await sh('ip', 'route');
      assert.match(routes, /^default via 192\.168\.0\.1 dev net1 onlink/m);
      assert.match(routes, /^10\.0\.2\.0\/24 via 10\.0\.1\.1 dev eth0/m);
      const again = await applyGateway(d, options);
      assert.equal(again.rulesWritten, false);
      assert.deepEqual(again.addressesAdded, []);
    });

    it('rules flushed by hand are seen as a difference and written back', async () => {
      const d = desired([eip('e1', '192.168.0.12'), dnat('d1', '192.168.0.12', 8888, '10.0.1.10')]);
      await applyGateway(d, options);
      await sh(...view.flush);
      assert.doesNotMatch(await sh(...view.list), view.dnat8888);
      const out = await applyGateway(d, options);
      assert.equal(out.rulesWritten, true);
      assert.match(await sh(...view.list), view.dnat8888);
    });

    it('a rule the kernel refuses is reported alone; the rest is applied; a removed EIP leaves net1', async () => {
      await applyGateway(desired([eip('e1', '192.168.0.12'), eip('e2', '192.168.0.13')]), options);
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
      const listed = await sh(...view.list);
      assert.match(listed, /dport 8888/);
      assert.match(listed, /dport 7777/);
      assert.doesNotMatch(listed, /dport 9999/);
      assert.deepEqual(out.addressesRemoved, ['192.168.0.13/24']);
      const addrs = await sh('ip', '-4', '-o', 'addr', 'show', 'dev', 'net1');
      assert.match(addrs, /192\.168\.0\.11\/24/, 'the interface keeps its own address');
      assert.doesNotMatch(addrs, /192\.168\.0\.13\//);
    });
  });
}

void describe('what the backends own in the gateway namespace', { skip }, () => {
  const netns = `kovnt${randomBytes(3).toString('hex')}`;
  const sh = (...args: string[]) => check(processRunner, args[0]!, args.slice(1), { netns });
  const d = desired([eip('e1', '192.168.0.12'), dnat('d1', '192.168.0.12', 8888, '10.0.1.10')]);
  const apply = (backend: BackendName) => applyGateway(d, { runner: processRunner, netns, backend });
  const kovnIptables = async () =>
    (await sh('iptables-save'))
      .split('\n')
      .filter((l) => /DNAT_FILTER|SNAT_FILTER|VPC_MARK|SHARED_DNAT/.test(l));
  const hasKovnTable = async () => /table ip kovn-nat/.test(await sh('nft', 'list', 'tables'));
  /** Someone else's rules: one in each built-in chain we jump from, one in filter, a table of their own. */
  const foreign = async () => ({
    nat: await sh('iptables', '-t', 'nat', '-S', 'PREROUTING'),
    mangle: await sh('iptables', '-t', 'mangle', '-S', 'PREROUTING'),
    filter: await sh('iptables', '-S', 'INPUT'),
    table: await sh('nft', 'list', 'table', 'ip', 'someone-else'),
  });
  before(async () => {
    await gatewayNamespace(netns);
    await sh('iptables', '-t', 'nat', '-A', 'PREROUTING', '-s', '198.51.100.1/32', '-j', 'ACCEPT');
    await sh('iptables', '-t', 'mangle', '-A', 'PREROUTING', '-s', '198.51.100.2/32', '-j', 'ACCEPT');
    await sh('iptables', '-A', 'INPUT', '-s', '198.51.100.3/32', '-j', 'DROP');
    await check(processRunner, 'nft', ['-f', '-'], {
      netns,
      input:
        'table ip someone-else {\n\tchain c {\n\t\ttype filter hook input priority 10; policy accept;\n\t\tip saddr 198.51.100.4 drop\n\t}\n}\n',
    });
  });
  after(async () => {
    await processRunner.run('ip', ['netns', 'delete', netns]);
  });

  it('applies and switches backends without touching anything that is not kovn', async () => {
    const theirs = await foreign();
    assert.match(theirs.nat, /198\.51\.100\.1/);
    assert.match(theirs.table, /198\.51\.100\.4/);

    const viaIptables = await apply('iptables');
    assert.equal(viaIptables.otherRemoved, false);
    assert.ok((await kovnIptables()).length > 0);
    assert.equal(await hasKovnTable(), false);
    assert.deepEqual(await foreign(), {
      ...theirs,
      nat: `${theirs.nat}-A PREROUTING -j DNAT_FILTER\n`,
      mangle: `${theirs.mangle}-A PREROUTING -j VPC_MARK\n`,
    });

    const viaNft = await apply('nftables');
    assert.equal(viaNft.otherRemoved, true, 'the iptables copy is taken away');
    assert.deepEqual(await kovnIptables(), []);
    assert.equal(await hasKovnTable(), true);
    assert.deepEqual(await foreign(), theirs);
    assert.equal((await apply('nftables')).rulesWritten, false);

    const back = await apply('iptables');
    assert.equal(back.otherRemoved, true, 'the nftables copy is taken away');
    assert.equal(await hasKovnTable(), false);
    assert.ok((await kovnIptables()).length > 0);
    assert.equal((await apply('iptables')).rulesWritten, false);
  });

  it('a second copy of a jump into our chains is taken out, the first kept', async () => {
    await apply('iptables');
    await sh('iptables', '-t', 'nat', '-A', 'PREROUTING', '-j', 'DNAT_FILTER');
    const out = await apply('iptables');
    assert.equal(out.rulesWritten, true);
    const jumps = (await sh('iptables', '-t', 'nat', '-S', 'PREROUTING'))
      .split('\n')
      .filter((l) => l === '-A PREROUTING -j DNAT_FILTER');
    assert.equal(jumps.length, 1);
    assert.match(await sh('iptables', '-t', 'nat', '-S', 'PREROUTING'), /198\.51\.100\.1/);
  });
});
