// The gateway agent as its image runs it (src/natgw/main.ts), no lab: the process starts inside a network namespace
// the test made (eth0/net1 as the pod's, veths whose peers stay inside it), with only POD_NAME, POD_NAMESPACE and a
// KUBECONFIG, against the embedded API server holding a VpcNatGateway, its EIP, a DNAT rule and the gateway's Pod.
// The API server is reached at the same 127.0.0.1:PORT through a Unix-socket relay (test/support/tcp-to-unix.ts),
// so no link joins the test namespace to the host's network. It applies the gateway's state in its own namespace
// (the EIP on net1, the DNAT in SHARED_DNAT, the default route) and reports in its pod's `kovn.io/nat-applied`;
// a rule added later is applied and reported too; SIGTERM (by pid) stops it with exit 0. Run once per rule backend as
// ovn-vpc-nat-config's `natBackend` names it (absent: iptables; `nftables`), and each run switches the ConfigMap to
// the other backend while the agent runs: the rules move there and the first backend holds none of kovn's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../../src/api/types.ts';
import { readNatReport } from '../../../src/api/nat-report.ts';
import { kubeRequest } from '../../../src/kube/request.ts';
import { apiVersionOf, kindCollectionPath, objectPath } from '../../../src/kube/resources.ts';
import { check, processRunner, spawnPiped, type PipedProcess } from '../../../src/util/exec.ts';
import type { BackendName } from '../../../src/natgw/backends.ts';
import { embeddedApiServer, eventually } from '../../support/embedded-apiserver.ts';
import { unixToTcp } from '../../support/tcp-to-unix.ts';

const skip = process.getuid?.() !== 0 ? 'needs root (network namespaces, iptables, nft)' : false;
const POD = 'vpc-nat-gw-gw1-0';

const obj = (kind: string, name: string, spec: object, namespace?: string): KubeObject => ({
  apiVersion: apiVersionOf(kind),
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
  spec,
});
const dnat = (name: string, externalPort: string, internalIp: string) =>
  obj('IptablesDnatRule', name, { eip: 'e1', externalPort, protocol: 'tcp', internalIp, internalPort: '80' });

/** Makes the namespace the gateway pod would have: lo up, eth0 in the LAN, net1 on the external network. */
async function podNamespace(netns: string): Promise<void> {
  const sh = (...args: string[]) => check(processRunner, args[0]!, args.slice(1), { netns });
  await check(processRunner, 'ip', ['netns', 'add', netns]);
  await sh('ip', 'link', 'set', 'lo', 'up');
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

/** Starts a process in the namespace, its output kept (and drained, so it never blocks on a full pipe). */
async function startIn(netns: string, args: string[]): Promise<{ proc: PipedProcess; output: () => string }> {
  const proc = await spawnPiped('env', args, { netns });
  let out = '';
  proc.stdout.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr.on('data', (b: Buffer) => (out += b.toString()));
  return { proc, output: () => out };
}

/** How each backend's SHARED_DNAT chain is listed in the namespace. */
const LIST: Record<BackendName, string[]> = {
  iptables: ['iptables', '-t', 'nat', '-S', 'SHARED_DNAT'],
  nftables: ['nft', 'list', 'chain', 'ip', 'kovn-nat', 'SHARED_DNAT'],
};
const DNAT_8888: Record<BackendName, RegExp> = {
  iptables:
    /-A SHARED_DNAT -d 192\.168\.0\.12\/32 -p tcp -m tcp --dport 8888 -j DNAT --to-destination 10\.0\.1\.10:80/,
  nftables: /ip daddr 192\.168\.0\.12 tcp dport 8888 dnat to 10\.0\.1\.10:80/,
};
const DNAT_9999: Record<BackendName, RegExp> = {
  iptables: /--dport 9999 -j DNAT --to-destination 10\.0\.1\.11:80/,
  nftables: /tcp dport 9999 dnat to 10\.0\.1\.11:80/,
};

for (const [setting, backend, other] of [
  [undefined, 'iptables', 'nftables'],
  ['nftables', 'nftables', 'iptables'],
] as const)
  void test(
    `the gateway agent in its own pod namespace, with no flags; natBackend ${setting ?? '(absent)'}`,
    { skip, timeout: 90_000 },
    async (t) => {
      const netns = `kovnp${randomBytes(3).toString('hex')}`;
      const sh = (...args: string[]) => check(processRunner, args[0]!, args.slice(1), { netns });
      /** kovn's rules in a backend of the namespace: the SHARED_DNAT listing, '' when the backend holds none. */
      const held = async (b: BackendName) =>
        (await processRunner.run(LIST[b][0]!, LIST[b].slice(1), { netns })).stdout;
      const api = await embeddedApiServer(t);
      const kc = api.kubeConfig;
      const create = (o: KubeObject) =>
        kubeRequest<KubeObject>(kc, {
          method: 'POST',
          path: kindCollectionPath(o.kind, o.metadata.namespace),
          body: o,
        });
      const patchStatus = (kind: string, name: string, status: object, namespace?: string) =>
        kubeRequest(kc, {
          method: 'PATCH',
          path: objectPath(kind, name, namespace, 'status'),
          body: { status },
          patch: 'merge',
        });
      const dir = mkdtempSync(join(tmpdir(), 'kovn-natgw-pod-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));

      for (const [name, data] of [
        ['ovn-vpc-nat-config', { image: 'img', ...(setting ? { natBackend: setting } : {}) }],
        ['ovn-vpc-nat-gw-config', { 'enable-vpc-nat-gw': 'true' }],
      ] as const)
        await create({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name, namespace: 'kube-system' },
          data,
        });
      await create(obj('Vpc', 'vpc1', {}));
      await create(
        obj('Subnet', 'lan', {
          vpc: 'vpc1',
          protocol: 'IPv4',
          cidrBlock: '10.0.1.0/24',
          gateway: '10.0.1.1',
        }),
      );
      await create(
        obj('Subnet', 'ovn-vpc-external-network', {
          protocol: 'IPv4',
          provider: 'ovn-vpc-external-network.kube-system',
          cidrBlock: '192.168.0.0/24',
          gateway: '192.168.0.1',
        }),
      );
      await create(
        obj('VpcNatGateway', 'gw1', {
          vpc: 'vpc1',
          subnet: 'lan',
          lanIp: '10.0.1.254',
          externalSubnets: ['ovn-vpc-external-network'],
        }),
      );
      await create(obj('IptablesEIP', 'e1', { natGwDp: 'gw1' }));
      await patchStatus('IptablesEIP', 'e1', { ip: '192.168.0.12' });
      await create(dnat('d1', '8888', '10.0.1.10'));
      const pod: KubeObject = {
        ...obj('Pod', POD, { containers: [{ name: 'vpc-nat-gw', image: 'img' }] }, 'kube-system'),
        metadata: {
          name: POD,
          namespace: 'kube-system',
          annotations: {
            'ovn.kubernetes.io/vpc_nat_gw': 'gw1',
            'ovn-vpc-external-network.kube-system.kubernetes.io/ip_address': '192.168.0.11',
          },
        },
      };
      await create(pod);
      await patchStatus('Pod', POD, { phase: 'Running' }, 'kube-system');

      // The pod's namespace, and the API server's port inside it relayed to the server through a Unix socket.
      await podNamespace(netns);
      // Cleanups through api.defer: run last-registered-first, before the API server closes.
      api.defer(async () => void (await processRunner.run('ip', ['netns', 'delete', netns])));
      const port = Number(new URL(api.server.url).port);
      const socket = join(dir, 'api.sock');
      const toServer = await unixToTcp(socket, port);
      api.defer(() => toServer.close());
      const relay = await startIn(netns, [
        process.execPath,
        'test/support/tcp-to-unix.ts',
        String(port),
        socket,
      ]);
      api.defer(async () => {
        process.kill(relay.proc.pid, 'SIGTERM');
        await relay.proc.exited;
      });
      await eventually(() => relay.output().includes('listening'), 'the relay in the namespace');

      const urlFile = join(dir, 'metrics-url');
      const agent = await startIn(netns, [
        `POD_NAME=${POD}`,
        'POD_NAMESPACE=kube-system',
        `KUBECONFIG=${api.server.kubeconfigPath}`,
        process.execPath,
        'src/natgw/main.ts',
        `--metrics-addr=127.0.0.1:0`,
        `--metrics-url-file=${urlFile}`,
      ]);
      let stopped = false;
      api.defer(async () => {
        if (stopped) return;
        process.kill(agent.proc.pid, 'SIGKILL');
        await agent.proc.exited;
      });
      const report = async () => {
        const p = await kubeRequest<KubeObject>(kc, {
          method: 'GET',
          path: objectPath('Pod', POD, 'kube-system'),
        });
        return readNatReport(p.metadata.annotations)?.rules ?? {};
      };
      const reported = (keys: string[]) => async () => {
        const rules = await report();
        return keys.every((k) => rules[k]?.ok === true);
      };
      try {
        await eventually(reported(['eip/e1', 'dnat/d1']), 'the report of e1 and d1', 20_000);
      } catch (err) {
        throw new Error(`${(err as Error).message}\nagent output:\n${agent.output()}`, { cause: err });
      }
      assert.match(await held(backend), DNAT_8888[backend]);
      assert.equal(await held(other), '', `nothing of kovn's in ${other}`);
      assert.match(await sh('ip', '-4', 'addr', 'show', 'dev', 'net1'), /inet 192\.168\.0\.12\/24/);
      assert.match(await sh('ip', 'route'), /default via 192\.168\.0\.1 dev net1 onlink/);
      assert.equal((await sh('sysctl', '-n', 'net.ipv4.ip_forward')).trim(), '1');
      assert.match(readFileSync(urlFile, 'utf8'), /^http:\/\/127\.0\.0\.1:\d+\/metrics$/m);
      // The host's own tables were not touched: the rule is in the pod's namespace only.
      assert.doesNotMatch(
        (await processRunner.run('iptables-save', ['-t', 'nat'])).stdout,
        /192\.168\.0\.12\/32/,
      );
      assert.doesNotMatch((await processRunner.run('nft', ['list', 'tables'])).stdout, /kovn-nat/);

      // A rule added later: applied and reported without a restart.
      await create(dnat('d2', '9999', '10.0.1.11'));
      await eventually(reported(['eip/e1', 'dnat/d1', 'dnat/d2']), 'the report of d2', 20_000);
      assert.match(await held(backend), DNAT_9999[backend]);

      // The ConfigMap names the other backend: the agent moves the rules there, and the first holds none of kovn's.
      await kubeRequest(kc, {
        method: 'PATCH',
        path: objectPath('ConfigMap', 'ovn-vpc-nat-config', 'kube-system'),
        body: { data: { natBackend: other } },
        patch: 'merge',
      });
      await eventually(
        async () => DNAT_9999[other].test(await held(other)) && (await held(backend)) === '',
        `the rules moved to ${other}`,
        20_000,
      );
      assert.match(await held(other), DNAT_8888[other]);

      process.kill(agent.proc.pid, 'SIGTERM');
      const exit = await agent.proc.exited;
      stopped = true;
      assert.deepEqual(exit, { code: 0, signal: null }, agent.output());
      assert.ok(existsSync(urlFile));
    },
  );
