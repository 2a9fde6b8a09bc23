// VPC NAT gateway in a dual-stack VPC, end to end in one lab with real traffic (issue 22 point 3 acceptance): a
// dual-stack VPC and subnet, pods with an address of each family, a dual-stack external network (its upstream
// namespace holds both gateway addresses), a gateway on it, EIPs with an IPv4 and an IPv6 address, and DNAT, SNAT and
// FIP rules naming both families (`internalIp: v4,v6`, `internalCIDR: v4,v6`). The VPC routes `0.0.0.0/0` and `::/0`
// to the gateway's LAN addresses. Checked for each family at once: upstream -> EIP DNAT reaches the pod, a pod's
// egress shows the EIP at the upstream, the FIP both ways. The rule backend is iptables unless
// KOVN_TEST_NAT_BACKEND=nftables. The lab (temp KOVN_HOME, random id) and the listener process are removed at the end.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { kubeRequest } from '../../../src/kube/request.ts';
import { objectPath } from '../../../src/kube/resources.ts';
import type { LabLayout } from '../../../src/lab/layout.ts';
import {
  ROOT,
  inNetns,
  kubeApi,
  labDown,
  labHome,
  labUp,
  poller,
  runKovn,
  skipUnlessRoot as skip,
} from '../../support/lab-e2e.ts';

const BACKEND = process.env['KOVN_TEST_NAT_BACKEND'] === 'nftables' ? 'nftables' : 'iptables';
const EXT = 'ds-ext';
const GW_POD = 'vpc-nat-gw-dsgw-0';
const UP4 = '192.168.5.1';
const UP6 = 'fd00:e5::1';

let home: string;
let layout: LabLayout;
let kc: KubeConfig;
let listener: ChildProcess | undefined;

const kovn = (...args: string[]) => runKovn(home, args);
const applyYaml = (name: string, yaml: string): void => {
  const file = join(home, `${name}.yaml`);
  writeFileSync(file, yaml);
  const r = kovn('apply', '-f', file);
  assert.equal(r.code, 0, r.out);
};
/** `http://host:port/` with an IPv6 host in brackets. */
const url = (host: string, port = 80) => `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
const curl = (netns: string, to: string): string => {
  const r = inNetns(netns, ['curl', '-g', '-s', '-m', '3', to], 20_000);
  return r.status === 0 ? r.stdout.trim() : `(failed: curl exit ${r.status})`;
};
const upstream = (): string => layout.upstreamNetns(EXT);
const pod = (name: string): string => layout.podNetns('ds1', name);
const eventually = poller({ ms: 120_000, every: 500, retryErrors: true });
const inGateway = (cmd: string[]) =>
  spawnSync('ip', ['netns', 'exec', layout.podNetns('kube-system', GW_POD), ...cmd], { encoding: 'utf8' });
async function until(what: string, fn: () => string, want: string, ms = 120_000): Promise<void> {
  let seen = '';
  try {
    await eventually(what, () => ((seen = fn()) === want ? true : undefined), ms);
  } catch {
    assert.equal(seen, want, what);
  }
}
const { get } = kubeApi(() => kc);
type Status = { ready?: boolean; ip?: string; v6ip?: string };
const status = async (kind: string, name: string) => ((await get(kind, name))?.['status'] ?? {}) as Status;
const ready = (kind: string, name: string) =>
  eventually(`${kind} ${name} ready`, async () => ((await status(kind, name)).ready ? true : undefined));
/** The EIP's two addresses, once both are allocated. */
const eipIps = (name: string) =>
  eventually(`eip ${name} addresses`, async () => {
    const s = await status('IptablesEIP', name);
    return s.ip && s.v6ip ? { v4: s.ip, v6: s.v6ip } : undefined;
  });

const webPod = (name: string, v4: string, v6: string, node: string) => `
apiVersion: v1
kind: Pod
metadata:
  namespace: ds1
  name: ${name}
  annotations:
    ovn.kubernetes.io/ip_address: ${v4},${v6}
spec:
  nodeName: ${node}
  containers:
  - name: web
    image: nginx
    ports: [{containerPort: 80}]
`;

const NETWORK = `
apiVersion: v1
kind: Namespace
metadata: { name: ds1 }
---
kind: Vpc
apiVersion: kubeovn.io/v1
metadata: { name: ds-vpc }
spec:
  namespaces: [ds1]
  staticRoutes:
    - { cidr: 0.0.0.0/0, nextHopIP: 10.0.5.254, policy: policyDst }
---
kind: Subnet
apiVersion: kubeovn.io/v1
metadata: { name: ds-net }
spec:
  vpc: ds-vpc
  protocol: Dual
  cidrBlock: 10.0.5.0/24,fd00:5::/64
  gateway: 10.0.5.1,fd00:5::1
  namespaces: [ds1]
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: ${EXT} }
spec:
  protocol: Dual
  provider: ${EXT}.kube-system
  cidrBlock: 192.168.5.0/24,fd00:e5::/64
  gateway: ${UP4},${UP6}
  excludeIps: [192.168.5.1..192.168.5.10, 'fd00:e5::1..fd00:e5::a']
---
apiVersion: k8s.cni.cncf.io/v1
kind: NetworkAttachmentDefinition
metadata: { name: ${EXT}, namespace: kube-system }
spec:
  config: '{"cniVersion": "0.3.0", "type": "macvlan", "master": "eth5", "mode": "bridge",
    "ipam": {"type": "kube-ovn", "server_socket": "/run/openvswitch/kube-ovn-daemon.sock",
    "provider": "${EXT}.kube-system"}}'
`;
const GATEWAY = `
kind: VpcNatGateway
apiVersion: kubeovn.io/v1
metadata: { name: dsgw }
spec:
  vpc: ds-vpc
  subnet: ds-net
  lanIp: 10.0.5.254
  selector: ["kubernetes.io/hostname: kube-ovn-worker"]
  externalSubnets: [${EXT}]
---
kind: IptablesEIP
apiVersion: kubeovn.io/v1
metadata: { name: eip-ds }
spec: { natGwDp: dsgw }
---
kind: IptablesEIP
apiVersion: kubeovn.io/v1
metadata: { name: eip-dsf }
spec: { natGwDp: dsgw }
---
kind: IptablesDnatRule
apiVersion: kubeovn.io/v1
metadata: { name: dnat-ds }
spec: { eip: eip-ds, externalPort: '8888', internalIp: '10.0.5.10,fd00:5::10', internalPort: '80', protocol: tcp }
---
kind: IptablesSnatRule
apiVersion: kubeovn.io/v1
metadata: { name: snat-ds }
spec: { eip: eip-ds, internalCIDR: '10.0.5.0/24,fd00:5::/64' }
---
kind: IptablesFIPRule
apiVersion: kubeovn.io/v1
metadata: { name: fip-ds }
spec: { eip: eip-dsf, internalIp: '10.0.5.5,fd00:5::5' }
`;

void describe(
  `VPC NAT gateway in a dual-stack VPC (${BACKEND} backend)`,
  { skip, timeout: 1_200_000 },
  () => {
    let eip: { v4: string; v6: string }; // DNAT + SNAT
    let fip: { v4: string; v6: string };
    let lan6: string;

    before(async () => {
      ({ home, layout } = labHome('kovn-natgw-ds-', 'd'));
      kc = labUp(home, layout);
      const cms = kovn('apply', '-f', join(ROOT, 'examples/config-vpc/nat-gateway/00-nat-configmaps.yaml'));
      assert.equal(cms.code, 0, cms.out);
      if (BACKEND === 'nftables')
        await kubeRequest(kc, {
          method: 'PATCH',
          path: objectPath('ConfigMap', 'ovn-vpc-nat-config', 'kube-system'),
          body: { data: { natBackend: 'nftables' } },
          patch: 'merge',
        });
      applyYaml('network', NETWORK);
      applyYaml(
        'pods',
        [
          webPod('web10', '10.0.5.10', 'fd00:5::10', 'kube-ovn-control-plane'),
          webPod('web5', '10.0.5.5', 'fd00:5::5', 'kube-ovn-control-plane'),
          webPod('client', '10.0.5.20', 'fd00:5::20', 'kube-ovn-worker'),
        ].join('---'),
      );
      applyYaml('gateway', GATEWAY);
      // The gateway's LAN IPv6 address comes from IPAM (lanIp is IPv4): the VPC's `::/0` route goes via it.
      lan6 = await eventually(
        'the gateway pod on kube-ovn-worker, Running, with a LAN IPv6 address',
        async () => {
          const p = await get('Pod', GW_POD, 'kube-system');
          const phase = (p?.['status'] as { phase?: string } | undefined)?.phase;
          const node = (p?.['spec'] as { nodeName?: string } | undefined)?.nodeName;
          const ips = Object.entries(p?.metadata.annotations ?? {}).find(
            ([k, v]) => k.endsWith('ip_address') && v.startsWith('10.0.5.254,'),
          )?.[1];
          return phase === 'Running' && node === 'kube-ovn-worker' ? ips?.split(',')[1] : undefined;
        },
      );
      await kubeRequest(kc, {
        method: 'PATCH',
        path: objectPath('Vpc', 'ds-vpc'),
        body: {
          spec: {
            staticRoutes: [
              { cidr: '0.0.0.0/0', nextHopIP: '10.0.5.254', policy: 'policyDst' },
              { cidr: '::/0', nextHopIP: lan6, policy: 'policyDst' },
            ],
          },
        },
        patch: 'merge',
      });
      for (const [kind, name] of [
        ['IptablesDnatRule', 'dnat-ds'],
        ['IptablesSnatRule', 'snat-ds'],
        ['IptablesFIPRule', 'fip-ds'],
      ] as const)
        await ready(kind, name);
      [eip, fip] = [await eipIps('eip-ds'), await eipIps('eip-dsf')];
      // A host beyond the router, on both families: answers HTTP with the source address it sees.
      listener = spawn(
        'ip',
        [
          'netns',
          'exec',
          upstream(),
          process.execPath,
          '-e',
          `require('node:http').createServer((q, s) => s.end(q.socket.remoteAddress.replace(/^::ffff:/, '')))` +
            `.listen({ port: 9000, host: '::', ipv6Only: false })`,
        ],
        { stdio: 'ignore' },
      );
      await eventually('the upstream listener on both families', () =>
        curl(upstream(), url(UP4, 9000)) === UP4 && curl(upstream(), url(UP6, 9000)) === UP6
          ? true
          : undefined,
      );
    });

    after(() => {
      if (listener?.pid) process.kill(listener.pid, 'SIGTERM');
      labDown(home, layout);
    });

    it('the upstream holds both gateway addresses; the EIPs have one of each family, on net1', async () => {
      const up = kovn('exec', '--upstream', EXT, '--', 'ip', '-o', 'addr', 'show', 'dev', 'br0');
      assert.equal(up.code, 0, up.out);
      assert.match(up.out, /inet 192\.168\.5\.1\/24/);
      assert.match(up.out, /inet6 fd00:e5::1\/64/);
      assert.match(eip.v4, /^192\.168\.5\./);
      assert.match(eip.v6, /^fd00:e5::/);
      assert.match(fip.v6, /^fd00:e5::/);
      assert.match(lan6, /^fd00:5::/);
      await eventually('both EIPs of each family on net1', () => {
        const addrs = inGateway(['ip', '-o', 'addr', 'show', 'dev', 'net1']).stdout;
        return [eip.v4, fip.v4].every((a) => addrs.includes(`inet ${a}/24`)) &&
          [eip.v6, fip.v6].every((a) => addrs.includes(`inet6 ${a}/64`))
          ? true
          : undefined;
      });
      assert.match(inGateway(['ip', '-6', 'route']).stdout, /^default via fd00:e5::1 dev net1/m);
      const rules =
        BACKEND === 'nftables'
          ? inGateway(['nft', 'list', 'table', 'ip6', 'kovn-nat']).stdout
          : inGateway(['ip6tables', '-t', 'nat', '-S']).stdout;
      assert.ok(
        rules.includes(eip.v6) && rules.includes(fip.v6),
        `the IPv6 EIPs in the ${BACKEND} rules:\n${rules}`,
      );
    });

    it('DNAT of each family: upstream connects to the EIP:8888 and reaches the pod on port 80', async () => {
      await until('upstream -> dnat v6', () => curl(upstream(), url(eip.v6, 8888)), 'ds1/web10');
      await until('upstream -> dnat v4', () => curl(upstream(), url(eip.v4, 8888)), 'ds1/web10');
    });

    it("SNAT of each family: the pod's egress shows the EIP of that family at the upstream", async () => {
      await until('client -> upstream v6', () => curl(pod('client'), url(UP6, 9000)), eip.v6);
      await until('client -> upstream v4', () => curl(pod('client'), url(UP4, 9000)), eip.v4);
    });

    it('FIP both ways, both families: upstream reaches the pod at the EIP, the pod leaves with it', async () => {
      await until('upstream -> fip v6', () => curl(upstream(), url(fip.v6)), 'ds1/web5');
      await until('upstream -> fip v4', () => curl(upstream(), url(fip.v4)), 'ds1/web5');
      await until('web5 -> upstream v6', () => curl(pod('web5'), url(UP6, 9000)), fip.v6);
      await until('web5 -> upstream v4', () => curl(pod('web5'), url(UP4, 9000)), fip.v4);
    });
  },
);
