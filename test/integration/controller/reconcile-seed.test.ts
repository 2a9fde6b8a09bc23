// The seed scenario (two tenant VPCs with the same CIDR) reconciled into a real NB ovsdb-server with ovn-northd:
// exact NB rows, Kubernetes status and annotations, and northd's translation of the pod ports.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OvsdbClient } from '../../../src/ovsdb/index.ts';
import {
  byName,
  seed,
  eventually,
  rows,
  settled,
  startController,
  startOvn,
  type Ovn,
  type Running,
} from './reconcile-harness.ts';

const owned = (owner: string, extra: Record<string, string> = {}) => ({
  ...extra,
  vendor: 'kube-ovn',
  'kovn-owner': owner,
});
const LAA_MAC = /^[0-9a-f][26ae](:[0-9a-f]{2}){5}$/;

void describe('seed scenario against a real NB + ovn-northd', { timeout: 90_000 }, () => {
  let ovn: Ovn;
  let run: Running;

  before(async () => {
    ovn = await startOvn();
    run = await startController(ovn, seed());
    await eventually(() => {
      assert.equal(
        run.get('Pod', 'vpc1-pod', 'ns1')?.metadata.annotations?.['ovn.kubernetes.io/routed'],
        'true',
      );
      assert.equal(
        run.get('Pod', 'vpc2-pod', 'ns2')?.metadata.annotations?.['ovn.kubernetes.io/routed'],
        'true',
      );
    });
    await settled(run);
  });
  after(async () => {
    await run?.stop();
    await ovn?.cleanup();
  });

  void test('routers: one per VPC (and ovn-cluster), Kube-OVN options, owner tags', () => {
    const c = run.client;
    assert.deepEqual(
      rows(c, 'Logical_Router')
        .map((r) => r.name)
        .sort(),
      ['ovn-cluster', 'test-vpc-1', 'test-vpc-2'],
    );
    const lr = byName(c, 'Logical_Router', 'test-vpc-1')!;
    assert.deepEqual(lr.options, {
      mac_binding_age_threshold: '300',
      dynamic_neigh_routers: 'true',
      always_learn_from_arp_request: 'false',
    });
    assert.deepEqual(lr.external_ids, owned('vpc/test-vpc-1'));
  });

  void test('switches, router port pairs, networks 10.0.1.1/24 in both VPCs', () => {
    const c = run.client;
    assert.deepEqual(
      rows(c, 'Logical_Switch')
        .map((r) => r.name)
        .sort(),
      ['join', 'net1', 'net2', 'ovn-default'],
    );
    for (const [v, s] of [
      ['test-vpc-1', 'net1'],
      ['test-vpc-2', 'net2'],
    ] as const) {
      const lr = byName(c, 'Logical_Router', v)!;
      const ls = byName(c, 'Logical_Switch', s)!;
      const lrp = byName(c, 'Logical_Router_Port', `${v}-${s}`)!;
      const lsp = byName(c, 'Logical_Switch_Port', `${s}-${v}`)!;
      assert.deepEqual(lrp.networks, ['10.0.1.1/24']);
      assert.match(lrp.mac, LAA_MAC);
      assert.deepEqual(lrp.options, {});
      assert.deepEqual(lrp.external_ids, owned(`subnet/${s}`));
      assert.ok(lr.ports.includes(lrp._uuid), `${lrp.name} is a port of ${v}`);
      assert.equal(lsp.type, 'router');
      assert.deepEqual(lsp.addresses, ['router']);
      assert.deepEqual(lsp.options, { 'router-port': `${v}-${s}` });
      assert.ok(ls.ports.includes(lsp._uuid), `${lsp.name} is a port of ${s}`);
    }
    assert.deepEqual(byName(c, 'Logical_Router_Port', 'ovn-cluster-ovn-default')?.networks, ['10.16.0.1/16']);
    assert.deepEqual(byName(c, 'Logical_Router_Port', 'ovn-cluster-join')?.networks, ['100.64.0.1/16']);
    const macs = rows(c, 'Logical_Router_Port').map((p) => p.mac);
    assert.equal(new Set(macs).size, macs.length, 'router port MACs are distinct');
  });

  void test('31000 allow policies and src routes on the custom routers; spec routes of test-vpc-1; the default VPC', () => {
    const c = run.client;
    for (const [v, s] of [
      ['test-vpc-1', 'net1'],
      ['test-vpc-2', 'net2'],
    ] as const) {
      const lr = byName(c, 'Logical_Router', v)!;
      const policies = rows(c, 'Logical_Router_Policy').filter((p) => lr.policies.includes(p._uuid));
      assert.deepEqual(
        policies.map((p) => [p.priority, p.match, p.action, p.external_ids]),
        [[31000, 'ip4.dst == 10.0.1.0/24', 'allow', owned(`subnet/${s}`, { subnet: s })]],
      );
      const routes = rows(c, 'Logical_Router_Static_Route')
        .filter((r) => lr.static_routes.includes(r._uuid))
        .map((r) => [
          r.route_table,
          r.policy ?? 'dst-ip',
          r.ip_prefix,
          r.nexthop,
          r.external_ids['kovn-owner'],
        ])
        .sort();
      // no per-subnet src route (ADR 12): only the VPC's spec routes
      const expected: string[][] = [];
      if (v === 'test-vpc-1') {
        expected.push(
          ['', 'dst-ip', '0.0.0.0/0', '10.0.1.254', 'vpc/test-vpc-1'],
          ['rtb1', 'src-ip', '172.31.0.0/24', '10.0.1.253', 'vpc/test-vpc-1'],
        );
      }
      assert.deepEqual(routes, expected.sort());
    }
    // the default VPC: its subnets' allows, and the default route to the join gateway (node-gateway.ts; no Node
    // in this run, so no node reroutes)
    const defaultLr = byName(c, 'Logical_Router', 'ovn-cluster')!;
    assert.deepEqual(
      rows(c, 'Logical_Router_Policy')
        .filter((p) => defaultLr.policies.includes(p._uuid))
        .map((p) => [p.priority, p.match, p.action])
        .sort(),
      [
        [31000, 'ip4.dst == 10.16.0.0/16', 'allow'],
        [31000, 'ip4.dst == 100.64.0.0/16', 'allow'],
      ],
    );
    assert.deepEqual(
      rows(c, 'Logical_Router_Static_Route')
        .filter((r) => defaultLr.static_routes.includes(r._uuid))
        .map((r) => [r.route_table, r.policy, r.ip_prefix, r.nexthop, r.external_ids['kovn-owner']]),
      [['', 'dst-ip', '0.0.0.0/0', '100.64.0.1', 'vpc/ovn-cluster']],
    );
  });

  void test('pod ports: 10.0.1.2 in both VPCs, port security, Kube-OVN external_ids', () => {
    const c = run.client;
    for (const [p, n, s] of [
      ['vpc1-pod', 'ns1', 'net1'],
      ['vpc2-pod', 'ns2', 'net2'],
    ] as const) {
      const lsp = byName(c, 'Logical_Switch_Port', `${p}.${n}`)!;
      const a = run.get('Pod', p, n)!.metadata.annotations!;
      const mac = a['ovn.kubernetes.io/mac_address']!;
      assert.match(mac, LAA_MAC);
      assert.deepEqual(lsp.addresses, [`${mac} 10.0.1.2`]);
      assert.deepEqual(lsp.port_security, [`${mac} 10.0.1.2`]);
      assert.deepEqual(lsp.external_ids, owned(`pod/${n}/${p}`, { ls: s, pod: `${n}/${p}` }));
      assert.ok(byName(c, 'Logical_Switch', s)!.ports.includes(lsp._uuid));
    }
  });

  void test('pod annotations', () => {
    const a = run.get('Pod', 'vpc1-pod', 'ns1')!.metadata.annotations!;
    assert.deepEqual(
      { ...a, 'ovn.kubernetes.io/mac_address': 'mac' },
      {
        'ovn.kubernetes.io/allocated': 'true',
        'ovn.kubernetes.io/ip_address': '10.0.1.2',
        'ovn.kubernetes.io/mac_address': 'mac',
        'ovn.kubernetes.io/cidr': '10.0.1.0/24',
        'ovn.kubernetes.io/gateway': '10.0.1.1',
        'ovn.kubernetes.io/logical_switch': 'net1',
        'ovn.kubernetes.io/logical_router': 'test-vpc-1',
        'ovn.kubernetes.io/pod_nic_type': 'veth-pair',
        'ovn.kubernetes.io/routed': 'true',
      },
    );
  });

  void test('namespace annotations, Vpc and Subnet status, finalizers', async () => {
    await eventually(() => {
      assert.deepEqual(run.get('Namespace', 'ns1')!.metadata.annotations, {
        'ovn.kubernetes.io/logical_switch': 'net1',
        'ovn.kubernetes.io/cidr': '10.0.1.0/24',
        'ovn.kubernetes.io/exclude_ips': '10.0.1.1',
      });
      assert.equal(
        run.get('Namespace', 'default')!.metadata.annotations?.['ovn.kubernetes.io/logical_switch'],
        'ovn-default',
      );
      const v = run.get('Vpc', 'test-vpc-1')!;
      const vs = v['status'] as Record<string, unknown>;
      assert.deepEqual(
        {
          router: vs['router'],
          standby: vs['standby'],
          default: vs['default'],
          subnets: vs['subnets'],
          dls: vs['defaultLogicalSwitch'],
        },
        { router: 'test-vpc-1', standby: true, default: false, subnets: ['net1'], dls: '' },
      );
      const cluster = run.get('Vpc', 'ovn-cluster')!['status'] as Record<string, unknown>;
      assert.deepEqual(
        [cluster['default'], cluster['subnets'], cluster['defaultLogicalSwitch']],
        [true, ['join', 'ovn-default'], 'ovn-default'],
      );
      assert.deepEqual(v.metadata.finalizers, ['kubeovn.io/kube-ovn-controller']);
      const s = run.get('Subnet', 'net1')!;
      const st = s['status'] as Record<string, unknown>;
      assert.deepEqual(
        [st['v4availableIPs'], st['v4usingIPs'], st['v4usingIPrange'], st['v4availableIPrange']],
        [252, 1, '10.0.1.2', '10.0.1.3-10.0.1.254'],
      );
      const conditions = (st['conditions'] as { type: string; status: string }[]).map(
        (c) => `${c.type}=${c.status}`,
      );
      assert.deepEqual(conditions, ['Validated=True', 'Ready=True']);
      assert.deepEqual(s.metadata.finalizers, ['kubeovn.io/kube-ovn-controller']);
    });
  });

  void test('ovn-northd translated the pod ports into SB port bindings', async () => {
    const sb = await OvsdbClient.connect({
      remotes: [ovn.central.sbRemotes[0]!],
      database: 'OVN_Southbound',
    });
    try {
      await sb.monitor({ Port_Binding: { columns: ['logical_port', 'mac'] } });
      await eventually(() => {
        const ports = sb.cache
          .table('Port_Binding')
          .rows()
          .map((r) => r['logical_port']);
        for (const p of ['vpc1-pod.ns1', 'vpc2-pod.ns2', 'test-vpc-1-net1', 'net2-test-vpc-2'])
          assert.ok(ports.includes(p), p);
      });
    } finally {
      sb.close();
    }
  });
});
