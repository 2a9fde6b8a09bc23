// VPC NAT gateway end to end in one lab, with real traffic between VPC pods and a host in the upstream namespace of
// the external network (issue #7 point 5): the seed's NAT manifests applied unchanged (configmaps, external network
// and its macvlan NAD, gateway gw1 on kube-ovn-worker, EIPs, DNAT, SNAT, FIP), then DNAT in, SNAT out, FIP both
// ways, DNAT and SNAT sharing one EIP, SNAT longest prefix first, a second FIP on one EIP refused, EIP deletion
// blocked while in use, hairpin, a DNAT moved by a spec change, the gateway pod (and its namespace) destroyed and re-created with traffic restored,
// a second VPC with the same CIDR and its own gateway and EIPs on the other node at the same time, and gw1 given a
// second external network (issue 22 point 2: net2 on ext-net-2 with its own upstream host; SNAT, DNAT and FIP on
// each network's EIPs, each external CIDR out of its own NIC, a `routes` entry out of net2).
// The rule backend is iptables (the default); natgw-e2e-nftables.test.ts runs the same cases with `natBackend:
// nftables` in ovn-vpc-nat-config (KOVN_TEST_NAT_BACKEND), and checks each backend holds the rules alone.
// The lab (temp KOVN_HOME, random id) and the listener process are removed at the end.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../../src/api/types.ts';
import { kubeRequest } from '../../../src/kube/request.ts';
import { objectPath } from '../../../src/kube/resources.ts';
import type { LabLayout } from '../../../src/lab/layout.ts';
import {
  NAT_MANIFESTS,
  ROOT,
  inNetns,
  kubeApi,
  labDown,
  labHome,
  labUp,
  poller,
  runKovn,
  skipUnlessRoot as skip,
  sleep,
} from '../../support/lab-e2e.ts';

const NAT = join(ROOT, 'examples/config-vpc/nat-gateway');
/** The rule backend under test: iptables unless natgw-e2e-nftables.test.ts set nftables. */
const BACKEND = process.env['KOVN_TEST_NAT_BACKEND'] === 'nftables' ? 'nftables' : 'iptables';
const EXT = 'ovn-vpc-external-network';
const LISTEN = '192.168.0.1:9000';

let home: string;
let layout: LabLayout;
let kc: KubeConfig;
let listener: ChildProcess | undefined;
let listener2: ChildProcess | undefined;

const kovn = (...args: string[]) => runKovn(home, args);
const applyYaml = (name: string, yaml: string): void => {
  const file = join(home, `${name}.yaml`);
  writeFileSync(file, yaml);
  const r = kovn('apply', '-f', file);
  assert.equal(r.code, 0, r.out);
};
const curl = (netns: string, url: string): string => {
  const r = inNetns(netns, ['curl', '-s', '-m', '3', url], 20_000);
  return r.status === 0 ? r.stdout.trim() : `(failed: curl exit ${r.status})`;
};
const upstream = (): string => layout.upstreamNetns(EXT);
const pod = (ns: string, name: string): string => layout.podNetns(ns, name);
const eventually = poller({ ms: 120_000, every: 500, retryErrors: true });
const inGateway = (gw: string, cmd: string[]) =>
  spawnSync('ip', ['netns', 'exec', gw, ...cmd], { encoding: 'utf8' });
/** kovn's NAT rules in the gateway as the given backend holds them ('' when it holds none). */
const backendRules = (gw: string, backend: 'iptables' | 'nftables'): string => {
  if (backend === 'nftables') {
    const r = inGateway(gw, ['nft', 'list', 'table', 'ip', 'kovn-nat']);
    return r.status === 0 ? r.stdout : '';
  }
  const r = inGateway(gw, ['iptables', '-t', 'nat', '-S']);
  return r.stdout.includes('SNAT_FILTER') ? r.stdout : '';
};
const gatewayRules = (gw: string): string => backendRules(gw, BACKEND);
/** The source prefixes of SHARED_SNAT's rules, in order, as /32-qualified CIDRs. */
function sharedSnatOrder(gw: string): string[] {
  if (BACKEND === 'nftables') {
    const chain = inGateway(gw, ['nft', 'list', 'chain', 'ip', 'kovn-nat', 'SHARED_SNAT']).stdout;
    return [...chain.matchAll(/ip saddr (\S+) /g)].map((m) => (m[1]!.includes('/') ? m[1]! : `${m[1]}/32`));
  }
  return inGateway(gw, ['iptables', '-t', 'nat', '-S', 'SHARED_SNAT'])
    .stdout.split('\n')
    .filter((l) => l.startsWith('-A'))
    .map((l) => l.split(' ')[3]!);
}
/** Waits until `fn` returns `want`; the assertion message shows the last value seen. */
async function until(what: string, fn: () => string, want: string, ms = 120_000): Promise<void> {
  let seen = '';
  try {
    await eventually(what, () => ((seen = fn()) === want ? true : undefined), ms);
  } catch {
    assert.equal(seen, want, what);
  }
}
const { get, create, del } = kubeApi(() => kc);
const status = async (kind: string, name: string) =>
  ((await get(kind, name))?.['status'] ?? {}) as { ready?: boolean; ip?: string };
const ready = (kind: string, name: string) =>
  eventually(`${kind} ${name} ready`, async () => ((await status(kind, name)).ready ? true : undefined));
const eipIp = (name: string) =>
  eventually(`eip ${name} address`, async () => (await status('IptablesEIP', name)).ip || undefined);

const webPod = (ns: string, name: string, ip: string, node: string) => `
apiVersion: v1
kind: Pod
metadata:
  namespace: ${ns}
  name: ${name}
  annotations:
    ovn.kubernetes.io/ip_address: ${ip}
spec:
  nodeName: ${node}
  containers:
  - name: web
    image: nginx
    ports: [{containerPort: 80}]
`;
const vpcRoute = (vpc: string, ns: string) => `
kind: Vpc
apiVersion: kubeovn.io/v1
metadata:
  name: ${vpc}
spec:
  namespaces: [${ns}]
  staticRoutes:
    - cidr: 0.0.0.0/0
      nextHopIP: 10.0.1.254
      policy: policyDst
`;

void describe(
  'VPC NAT gateway, with real traffic to an external network',
  { skip, timeout: 1_800_000 },
  () => {
    let eipd: string; // DNAT (and later a shared SNAT)
    let eips: string; // SNAT 10.0.1.0/24
    let eipf: string; // FIP of 10.0.1.5

    before(async () => {
      ({ home, layout } = labHome('kovn-natgw-', 'g'));
      kc = labUp(home, layout);
      const seed = kovn('apply', '-f', join(ROOT, 'examples/seed'));
      assert.equal(seed.code, 0, seed.out);
      applyYaml('vpc1-route', vpcRoute('test-vpc-1', 'ns1'));
      applyYaml(
        'vpc1-pods',
        [
          webPod('ns1', 'web10', '10.0.1.10', 'kube-ovn-control-plane'),
          webPod('ns1', 'web5', '10.0.1.5', 'kube-ovn-control-plane'),
        ].join('---'),
      );
      // The seed's NAT manifests, unchanged (03-eip-static names an address outside the external network, refused by
      // design; 03-eip-external-subnet is 03-eip-random with the subnet spelled out, same name).
      for (const f of NAT_MANIFESTS) {
        const r = kovn('apply', '-f', join(NAT, `${f}.yaml`));
        assert.equal(r.code, 0, r.out);
        if (f === '00-nat-configmaps' && BACKEND === 'nftables')
          await kubeRequest(kc, {
            method: 'PATCH',
            path: objectPath('ConfigMap', 'ovn-vpc-nat-config', 'kube-system'),
            body: { data: { natBackend: 'nftables' } },
            patch: 'merge',
          });
      }
      await eventually('the gateway pod on kube-ovn-worker, Running', async () => {
        const p = await get('Pod', 'vpc-nat-gw-gw1-0', 'kube-system');
        const s = p?.['status'] as { phase?: string } | undefined;
        const node = (p?.['spec'] as { nodeName?: string } | undefined)?.nodeName;
        return s?.phase === 'Running' && node === 'kube-ovn-worker' ? true : undefined;
      });
      for (const [kind, name] of [
        ['IptablesDnatRule', 'dnat01'],
        ['IptablesSnatRule', 'snat01'],
        ['IptablesFIPRule', 'fip01'],
      ] as const)
        await ready(kind, name);
      [eipd, eips, eipf] = [await eipIp('eipd01'), await eipIp('eips01'), await eipIp('eipf01')];
      // A host beyond the router: answers HTTP with the source address it sees.
      listener = spawn(
        'ip',
        [
          'netns',
          'exec',
          upstream(),
          process.execPath,
          '-e',
          `require('node:http').createServer((q, s) => s.end(q.socket.remoteAddress)).listen(9000, '192.168.0.1')`,
        ],
        { stdio: 'ignore' },
      );
      await eventually('the upstream listener', () =>
        curl(upstream(), `http://${LISTEN}/`) === '192.168.0.1' ? true : undefined,
      );
    });

    after(() => {
      if (listener?.pid) process.kill(listener.pid, 'SIGTERM');
      if (listener2?.pid) process.kill(listener2.pid, 'SIGTERM');
      labDown(home, layout);
    });

    it('external network: net1 from the external Subnet (excludeIps honoured), EIPs on it, default route upstream', () => {
      const gw = pod('kube-system', 'vpc-nat-gw-gw1-0');
      const addrs = spawnSync('ip', ['-n', gw, '-4', '-o', 'addr', 'show', 'dev', 'net1'], {
        encoding: 'utf8',
      }).stdout;
      assert.match(
        addrs,
        /inet 192\.168\.0\.11\/24/,
        'net1 = the first address after excludeIps 192.168.0.1..10',
      );
      for (const ip of [eipd, eips, eipf])
        assert.ok(addrs.includes(`inet ${ip}/24`), `${ip} on net1: ${addrs}`);
      const routes = spawnSync('ip', ['-n', gw, 'route'], { encoding: 'utf8' }).stdout;
      assert.match(routes, /^default via 192\.168\.0\.1 dev net1/m);
      const ok = kovn('exec', '--upstream', EXT, '--', 'ip', '-4', '-o', 'addr', 'show', 'dev', 'br0');
      assert.equal(ok.code, 0, ok.out);
      assert.match(ok.out, /192\.168\.0\.1\/24/);
    });

    it(`the rules are in the ${BACKEND} backend, and only there`, () => {
      const gw = pod('kube-system', 'vpc-nat-gw-gw1-0');
      const held = gatewayRules(gw);
      for (const chain of ['DNAT_FILTER', 'EXCLUSIVE_DNAT', 'SHARED_DNAT', 'SNAT_FILTER', 'SHARED_SNAT'])
        assert.ok(held.includes(chain), `${chain} in the ${BACKEND} rules:\n${held}`);
      assert.ok(held.includes(eipd), `the DNAT EIP ${eipd} in the ${BACKEND} rules`);
      const other = BACKEND === 'nftables' ? 'iptables' : 'nftables';
      assert.equal(backendRules(gw, other), '', `nothing of kovn's in ${other}`);
    });

    it('DNAT: upstream connects to EIP:8888 and reaches the pod on port 80', async () => {
      await until('upstream -> dnat01', () => curl(upstream(), `http://${eipd}:8888/`), 'ns1/web10');
    });

    it('SNAT: a pod connects out and upstream sees the EIP as source', async () => {
      await until('vpc1-pod -> upstream', () => curl(pod('ns1', 'vpc1-pod'), `http://${LISTEN}/`), eips);
    });

    it('FIP both ways: upstream reaches the pod at its EIP, the pod leaves with it', async () => {
      await until('upstream -> fip01', () => curl(upstream(), `http://${eipf}/`), 'ns1/web5');
      await until('web5 -> upstream', () => curl(pod('ns1', 'web5'), `http://${LISTEN}/`), eipf);
    });

    it('hairpin: a VPC pod reaches a DNAT and a FIP of its own VPC through the EIP', async () => {
      await until(
        'vpc1-pod -> dnat01',
        () => curl(pod('ns1', 'vpc1-pod'), `http://${eipd}:8888/`),
        'ns1/web10',
      );
      await until('vpc1-pod -> fip01', () => curl(pod('ns1', 'vpc1-pod'), `http://${eipf}/`), 'ns1/web5');
    });

    it('DNAT and SNAT share one EIP; SNAT goes longest prefix first, whatever the creation order', async () => {
      const snat = (name: string, eip: string, cidr: string): KubeObject => ({
        apiVersion: 'kubeovn.io/v1',
        kind: 'IptablesSnatRule',
        metadata: { name },
        spec: { eip, internalCIDR: cidr },
      });
      // A /32 for vpc1-pod on the DNAT's EIP, created after the /24: it must still come first.
      await create(snat('snat-shared', 'eipd01', '10.0.1.2/32'));
      await create({
        apiVersion: 'kubeovn.io/v1',
        kind: 'IptablesEIP',
        metadata: { name: 'eip16' },
        spec: { natGwDp: 'gw1' },
      });
      await create(snat('snat16', 'eip16', '10.0.0.0/16'));
      await ready('IptablesSnatRule', 'snat-shared');
      await ready('IptablesSnatRule', 'snat16');
      await until(
        'vpc1-pod (/32 on the DNAT EIP)',
        () => curl(pod('ns1', 'vpc1-pod'), `http://${LISTEN}/`),
        eipd,
      );
      await until('web10 (/24 before /16)', () => curl(pod('ns1', 'web10'), `http://${LISTEN}/`), eips);
      await until(
        'DNAT on the shared EIP still works',
        () => curl(upstream(), `http://${eipd}:8888/`),
        'ns1/web10',
      );
      const gw = pod('kube-system', 'vpc-nat-gw-gw1-0');
      assert.deepEqual(sharedSnatOrder(gw), ['10.0.1.2/32', '10.0.1.0/24', '10.0.0.0/16']);
    });

    it('a second FIP on the same EIP is refused, and the first keeps working', async () => {
      const refused = await create({
        apiVersion: 'kubeovn.io/v1',
        kind: 'IptablesFIPRule',
        metadata: { name: 'fip02' },
        spec: { eip: 'eipf01', internalIp: '10.0.1.10' },
      }).then(
        () => undefined,
        (err: unknown) => String((err as Error).message),
      );
      if (refused === undefined) {
        // Admitted: then the controller reports it not ready, with the reason.
        const fip02 = await eventually('fip02 refused', async () => {
          const s = (await get('IptablesFIPRule', 'fip02'))?.['status'] as
            | { ready?: boolean; conditions?: { type: string; status: string; message?: string }[] }
            | undefined;
          return s?.conditions?.find((c) => c.type === 'Ready' && c.status === 'False');
        });
        assert.match(fip02.message ?? '', /alone|eipf01/);
      } else assert.match(refused, /alone/);
      await until('upstream -> fip01 unchanged', () => curl(upstream(), `http://${eipf}/`), 'ns1/web5');
    });

    it('an EIP in use cannot be deleted before its rules', async () => {
      const ip16 = await eipIp('eip16');
      const blocked = await del('IptablesEIP', 'eip16').then(
        () => 'accepted',
        (err: unknown) => String((err as Error).message),
      );
      if (blocked === 'accepted') {
        await sleep(3_000);
        assert.ok(await get('IptablesEIP', 'eip16'), 'eip16 is kept while snat16 uses it');
      } else assert.match(blocked, /in use|snat16/);
      await until('SNAT unchanged meanwhile', () => curl(pod('ns1', 'web10'), `http://${LISTEN}/`), eips);
      await del('IptablesSnatRule', 'snat16');
      await eventually('snat16 gone', async () =>
        (await get('IptablesSnatRule', 'snat16')) ? undefined : true,
      );
      await del('IptablesEIP', 'eip16').catch(() => undefined);
      await eventually('eip16 gone', async () => ((await get('IptablesEIP', 'eip16')) ? undefined : true));
      const gw = pod('kube-system', 'vpc-nat-gw-gw1-0');
      await eventually('the address of eip16 left net1, its rules left the gateway', () => {
        const rules = gatewayRules(gw);
        const addrs = spawnSync('ip', ['-n', gw, '-4', 'addr', 'show', 'dev', 'net1'], {
          encoding: 'utf8',
        }).stdout;
        return rules.includes(ip16) || addrs.includes(`${ip16}/`) ? undefined : true;
      });
    });

    it('a spec change moves the rule: the DNAT follows its new internal IP, and back', async () => {
      const move = (internalIp: string) =>
        kubeRequest(kc, {
          method: 'PATCH',
          path: objectPath('IptablesDnatRule', 'dnat01'),
          body: { spec: { internalIp } },
          patch: 'merge',
        });
      await move('10.0.1.5');
      await until('upstream -> dnat01 moved', () => curl(upstream(), `http://${eipd}:8888/`), 'ns1/web5');
      await move('10.0.1.10');
      await until('upstream -> dnat01 back', () => curl(upstream(), `http://${eipd}:8888/`), 'ns1/web10');
    });

    it('the gateway pod and its namespace destroyed and re-created: every rule comes back untouched', async () => {
      const before = (await get('Pod', 'vpc-nat-gw-gw1-0', 'kube-system'))?.metadata.uid;
      await del('Pod', 'vpc-nat-gw-gw1-0', 'kube-system');
      await eventually('a new gateway pod, Running', async () => {
        const p = await get('Pod', 'vpc-nat-gw-gw1-0', 'kube-system');
        const phase = (p?.['status'] as { phase?: string } | undefined)?.phase;
        return p && p.metadata.uid !== before && phase === 'Running' ? true : undefined;
      });
      await until('DNAT after re-creation', () => curl(upstream(), `http://${eipd}:8888/`), 'ns1/web10');
      await until('FIP after re-creation', () => curl(upstream(), `http://${eipf}/`), 'ns1/web5');
      await until('SNAT after re-creation', () => curl(pod('ns1', 'web10'), `http://${LISTEN}/`), eips);
      await until(
        'hairpin after re-creation',
        () => curl(pod('ns1', 'vpc1-pod'), `http://${eipd}:8888/`),
        'ns1/web10',
      );
    });

    it('two VPCs with the same CIDR, each with its own gateway and EIPs, at the same time', async () => {
      applyYaml('vpc2-route', vpcRoute('test-vpc-2', 'ns2'));
      applyYaml('vpc2-pods', webPod('ns2', 'web10', '10.0.1.10', 'kube-ovn-worker'));
      applyYaml(
        'gw2',
        `
kind: VpcNatGateway
apiVersion: kubeovn.io/v1
metadata:
  name: gw2
spec:
  vpc: test-vpc-2
  subnet: net2
  lanIp: 10.0.1.254
  selector:
    - "kubernetes.io/hostname: kube-ovn-control-plane"
  externalSubnets:
    - ovn-vpc-external-network
---
kind: IptablesEIP
apiVersion: kubeovn.io/v1
metadata:
  name: eip2
spec:
  natGwDp: gw2
---
kind: IptablesDnatRule
apiVersion: kubeovn.io/v1
metadata:
  name: dnat2
spec:
  eip: eip2
  externalPort: '8888'
  internalIp: 10.0.1.10
  internalPort: '80'
  protocol: tcp
---
kind: IptablesSnatRule
apiVersion: kubeovn.io/v1
metadata:
  name: snat2
spec:
  eip: eip2
  internalCIDR: 10.0.1.0/24
`,
      );
      await ready('IptablesDnatRule', 'dnat2');
      await ready('IptablesSnatRule', 'snat2');
      const eip2 = await eipIp('eip2');
      await until('upstream -> dnat2 (VPC 2)', () => curl(upstream(), `http://${eip2}:8888/`), 'ns2/web10');
      await until('upstream -> dnat01 (VPC 1)', () => curl(upstream(), `http://${eipd}:8888/`), 'ns1/web10');
      await until('ns2 web10 leaves with eip2', () => curl(pod('ns2', 'web10'), `http://${LISTEN}/`), eip2);
      await until('ns1 web10 leaves with eips01', () => curl(pod('ns1', 'web10'), `http://${LISTEN}/`), eips);
    });

    it('a second external network: each network reached through its own NIC with its own EIPs, both ways', async () => {
      const EXT2 = 'ext-net-2';
      const up2 = layout.upstreamNetns(EXT2);
      const r = kovn('apply', '-f', join(NAT, '07-second-external-network.yaml'));
      assert.equal(r.code, 0, r.out);
      await eventually('the upstream namespace of ext-net-2', () =>
        kovn('exec', '--upstream', EXT2, '--', 'ip', '-4', '-o', 'addr', 'show', 'dev', 'br0').out.includes(
          '192.168.1.1/24',
        )
          ? true
          : undefined,
      );
      // A host beyond the second router, also at an address only a `routes` entry of the gateway reaches.
      const more = kovn(
        'exec',
        '--upstream',
        EXT2,
        '--',
        'ip',
        'addr',
        'add',
        '198.51.100.1/32',
        'dev',
        'lo',
      );
      assert.equal(more.code, 0, more.out);
      listener2 = spawn(
        'ip',
        [
          'netns',
          'exec',
          up2,
          process.execPath,
          '-e',
          `require('node:http').createServer((q, s) => s.end(q.socket.remoteAddress)).listen(9000, '0.0.0.0')`,
        ],
        { stdio: 'ignore' },
      );
      const before = (await get('Pod', 'vpc-nat-gw-gw1-0', 'kube-system'))?.metadata.uid;
      await kubeRequest(kc, {
        method: 'PATCH',
        path: objectPath('VpcNatGateway', 'gw1'),
        body: {
          spec: {
            externalSubnets: [EXT, EXT2],
            routes: [{ cidr: '198.51.100.0/24', nextHopIP: '192.168.1.1' }],
          },
        },
        patch: 'merge',
      });
      applyYaml(
        'second-network-nat',
        `
kind: IptablesEIP
apiVersion: kubeovn.io/v1
metadata: { name: eip-x2 }
spec: { natGwDp: gw1, externalSubnet: ${EXT2} }
---
kind: IptablesEIP
apiVersion: kubeovn.io/v1
metadata: { name: eip-f2 }
spec: { natGwDp: gw1, externalSubnet: ${EXT2} }
---
kind: IptablesEIP
apiVersion: kubeovn.io/v1
metadata: { name: eip-lost }
spec: { natGwDp: gw2, externalSubnet: ${EXT2} }
---
kind: IptablesSnatRule
apiVersion: kubeovn.io/v1
metadata: { name: snat-x2 }
spec: { eip: eip-x2, internalCIDR: 10.0.1.0/24 }
---
kind: IptablesDnatRule
apiVersion: kubeovn.io/v1
metadata: { name: dnat-x2 }
spec: { eip: eip-x2, externalPort: '8888', internalIp: 10.0.1.10, internalPort: '80', protocol: tcp }
---
kind: IptablesFIPRule
apiVersion: kubeovn.io/v1
metadata: { name: fip-x2 }
spec: { eip: eip-f2, internalIp: 10.0.1.5 }
`,
      );
      await eventually('a new gateway pod with two external NICs, Running', async () => {
        const p = await get('Pod', 'vpc-nat-gw-gw1-0', 'kube-system');
        const phase = (p?.['status'] as { phase?: string } | undefined)?.phase;
        const nets = p?.metadata.annotations?.['k8s.v1.cni.cncf.io/networks'];
        return p?.metadata.uid !== before &&
          phase === 'Running' &&
          nets === `kube-system/${EXT},kube-system/${EXT2}`
          ? true
          : undefined;
      });
      for (const [kind, name] of [
        ['IptablesSnatRule', 'snat-x2'],
        ['IptablesDnatRule', 'dnat-x2'],
        ['IptablesFIPRule', 'fip-x2'],
      ] as const)
        await ready(kind, name);
      const [eipX2, eipF2] = [await eipIp('eip-x2'), await eipIp('eip-f2')];
      assert.match(eipX2, /^192\.168\.1\./);
      const gw = pod('kube-system', 'vpc-nat-gw-gw1-0');
      const addrs = (dev: string) =>
        spawnSync('ip', ['-n', gw, '-4', '-o', 'addr', 'show', 'dev', dev], { encoding: 'utf8' }).stdout;
      await eventually('the EIPs on the NIC of their network', () =>
        addrs('net2').includes(`inet ${eipX2}/24`) &&
        addrs('net2').includes(`inet ${eipF2}/24`) &&
        addrs('net1').includes(`inet ${eips}/24`) &&
        !addrs('net1').includes(eipX2)
          ? true
          : undefined,
      );
      const routes = spawnSync('ip', ['-n', gw, 'route'], { encoding: 'utf8' }).stdout;
      assert.match(routes, /^default via 192\.168\.0\.1 dev net1/m);
      assert.match(routes, /^192\.168\.1\.0\/24 dev net2/m);
      assert.match(routes, /^198\.51\.100\.0\/24 via 192\.168\.1\.1 dev net2/m);
      // The SNAT of each network's EIP leaves through that network's NIC only.
      assert.match(
        gatewayRules(gw),
        BACKEND === 'nftables'
          ? /oifname "net2" snat to 192\.168\.1\./
          : /-o net2 -j SNAT --to-source 192\.168\.1\./,
      );
      await eventually('the second listener', () =>
        curl(up2, 'http://192.168.1.1:9000/') === '192.168.1.1' ? true : undefined,
      );
      // SNAT: the same pod leaves as the EIP of whichever network it reaches.
      await until('web10 -> upstream 2', () => curl(pod('ns1', 'web10'), 'http://192.168.1.1:9000/'), eipX2);
      await until('web10 -> upstream 1', () => curl(pod('ns1', 'web10'), `http://${LISTEN}/`), eips);
      await until(
        'web10 -> beyond upstream 2 (routes)',
        () => curl(pod('ns1', 'web10'), 'http://198.51.100.1:9000/'),
        eipX2,
      );
      // DNAT from both upstreams.
      await until('upstream 2 -> dnat-x2', () => curl(up2, `http://${eipX2}:8888/`), 'ns1/web10');
      await until('upstream 1 -> dnat01', () => curl(upstream(), `http://${eipd}:8888/`), 'ns1/web10');
      // FIP: web5 holds one EIP per network and leaves each with that network's.
      await until('upstream 2 -> fip-x2', () => curl(up2, `http://${eipF2}/`), 'ns1/web5');
      await until('web5 -> upstream 2', () => curl(pod('ns1', 'web5'), 'http://192.168.1.1:9000/'), eipF2);
      await until('web5 -> upstream 1', () => curl(pod('ns1', 'web5'), `http://${LISTEN}/`), eipf);
      // An EIP of a subnet its gateway (gw2, on the first network only) has no NIC on: not ready, and says why.
      const lost = await eventually('eip-lost refused', async () => {
        const st = (await get('IptablesEIP', 'eip-lost'))?.['status'] as
          | {
              ready?: boolean;
              conditions?: { type: string; status: string; reason?: string; message?: string }[];
            }
          | undefined;
        return st?.conditions?.find(
          (c) => c.type === 'Ready' && c.status === 'False' && c.reason !== 'Pending',
        );
      });
      assert.equal(lost.reason, 'ExternalSubnetNotOnGateway');
      assert.match(
        lost.message ?? '',
        /^spec\.externalSubnet: ext-net-2 is not an external subnet of vpc-nat-gateway gw2 \(it has net1 on ovn-vpc-external-network\)$/,
      );
    });
  },
);
