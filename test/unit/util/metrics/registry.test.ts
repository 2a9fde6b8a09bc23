// The metrics registry: each instrument's exposition, the families a program registers, and registries kept apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Metrics } from '../../../../src/util/metrics/registry.ts';

/** The sample lines (no HELP/TYPE) of a scrape. */
async function samples(m: Metrics): Promise<string[]> {
  return (await m.text()).split('\n').filter((l) => l && !l.startsWith('#'));
}

const cases: { name: string; act: (m: Metrics) => void; want: string[]; absent?: string[] }[] = [
  {
    name: 'queue: adds, retries, wait histogram, depth summed over loops of one name',
    act: (m) => {
      const a = m.queue('q', () => 2);
      m.queue('q', () => 3);
      a.added();
      a.added();
      a.retried();
      a.waited(20);
    },
    want: [
      'kovn_workqueue_adds_total{queue="q"} 2',
      'kovn_workqueue_retries_total{queue="q"} 1',
      'kovn_workqueue_queue_duration_seconds_bucket{le="0.025",queue="q"} 1',
      'kovn_workqueue_queue_duration_seconds_bucket{le="0.01",queue="q"} 0',
      'kovn_workqueue_queue_duration_seconds_count{queue="q"} 1',
      'kovn_workqueue_depth{queue="q"} 5',
    ],
  },
  {
    name: 'queue: a released loop no longer counts in the depth',
    act: (m) => {
      m.queue('q', () => 2).release();
      m.queue('q', () => 7);
    },
    want: ['kovn_workqueue_depth{queue="q"} 7'],
  },
  {
    name: 'reconcile: results per kind, errors counted apart, durations in seconds',
    act: (m) => {
      const subnet = m.reconcile('Subnet');
      subnet.finished('success', 1500);
      subnet.finished('error', 10);
      m.reconcile('Vpc').finished('requeue', 1);
    },
    want: [
      'kovn_reconcile_total{kind="Subnet",result="success"} 1',
      'kovn_reconcile_total{kind="Subnet",result="error"} 1',
      'kovn_reconcile_total{kind="Vpc",result="requeue"} 1',
      'kovn_reconcile_errors_total{kind="Subnet"} 1',
      'kovn_reconcile_duration_seconds_sum{kind="Subnet"} 1.51',
      'kovn_reconcile_duration_seconds_count{kind="Subnet"} 2',
    ],
    absent: ['kovn_reconcile_errors_total{kind="Vpc"}'],
  },
  {
    name: 'transact: every transaction timed, failures by kind',
    act: (m) => {
      const t = m.transact('OVN_Northbound');
      t.finished(5);
      t.finished(7, 'constraint violation');
    },
    want: [
      'kovn_ovsdb_transaction_duration_seconds_count{database="OVN_Northbound"} 2',
      'kovn_ovsdb_transaction_errors_total{database="OVN_Northbound",error="constraint violation"} 1',
    ],
  },
  {
    name: 'leader: 1 while leading, the latest source per lease',
    act: (m) => {
      m.leader('kube-ovn-controller', () => false);
      m.leader('kube-ovn-controller', () => true);
    },
    want: ['kovn_leader_election_status{lease="kube-ovn-controller"} 1'],
  },
  {
    name: 'subnet addresses: per subnet and family, from the latest source',
    act: (m) => {
      m.subnetIps(() => [{ subnet: 'old', protocol: 'IPv4', cidr: '10.9.0.0/24', available: 1, used: 1 }]);
      m.subnetIps(() => [
        { subnet: 's1', protocol: 'IPv4', cidr: '10.0.1.0/24', available: 250, used: 3 },
        { subnet: 's1', protocol: 'IPv6', cidr: 'fd00::/120', available: 254, used: 0 },
      ]);
    },
    want: [
      'kovn_subnet_available_ip_count{subnet="s1",protocol="IPv4",cidr="10.0.1.0/24"} 250',
      'kovn_subnet_used_ip_count{subnet="s1",protocol="IPv4",cidr="10.0.1.0/24"} 3',
      'kovn_subnet_available_ip_count{subnet="s1",protocol="IPv6",cidr="fd00::/120"} 254',
    ],
    absent: ['subnet="old"'],
  },
  {
    name: 'cni: requests by op and result, stages by op',
    act: (m) => {
      const c = m.cni();
      c.finished('add', 'success', 300);
      c.finished('del', 'error', 1);
      c.stage('add', 'plug', 200);
    },
    want: [
      'kovn_cni_op_duration_seconds_count{op="add",result="success"} 1',
      'kovn_cni_op_duration_seconds_count{op="del",result="error"} 1',
      'kovn_cni_stage_duration_seconds_count{op="add",stage="plug"} 1',
      'kovn_cni_stage_duration_seconds_sum{op="add",stage="plug"} 0.2',
    ],
  },
  {
    name: 'NAT gateway: applies timed per gateway, failures counted, refused rules of the last apply',
    act: (m) => {
      const g = m.natGateway();
      g.applied('gw1', 100, 2);
      g.applied('gw1', 100, 0);
      g.failed('gw2', 50);
    },
    want: [
      'kovn_natgw_apply_duration_seconds_count{gateway="gw1"} 2',
      'kovn_natgw_apply_duration_seconds_count{gateway="gw2"} 1',
      'kovn_natgw_apply_failures_total{gateway="gw2"} 1',
      'kovn_natgw_rules_failed{gateway="gw1"} 0',
    ],
  },
];

for (const c of cases) {
  void test(c.name, async () => {
    const m = new Metrics();
    c.act(m);
    const got = await samples(m);
    for (const line of c.want) assert.ok(got.includes(line), `${line} not in\n${got.join('\n')}`);
    for (const part of c.absent ?? [])
      assert.ok(!got.some((l) => l.includes(part)), `${part} in\n${got.join('\n')}`);
  });
}

void test('tproxy: the listener counts read at each scrape; up 0 and no counts while it does not answer', async () => {
  const m = new Metrics();
  const listener: { answer?: { carried: number; refused: number; targets: number } } = {};
  m.tproxy(() =>
    listener.answer ? Promise.resolve(listener.answer) : Promise.reject(new Error('no listener')),
  );
  const down = await samples(m);
  assert.ok(down.includes('kovn_tproxy_up 0'));
  assert.ok(!down.some((l) => l.startsWith('kovn_tproxy_connections_total')));
  listener.answer = { carried: 4, refused: 1, targets: 2 };
  const got = await samples(m);
  for (const line of [
    'kovn_tproxy_up 1',
    'kovn_tproxy_probe_targets 2',
    'kovn_tproxy_connections_total{result="carried"} 4',
    'kovn_tproxy_connections_total{result="refused"} 1',
  ])
    assert.ok(got.includes(line), `${line} not in\n${got.join('\n')}`);
});

void test('a registry shows only the families its program asked for, each with a TYPE line; registries are apart', async () => {
  const controller = new Metrics();
  const agent = new Metrics();
  controller.reconcile('Subnet').finished('success', 1);
  agent.cni();
  const text = await controller.text();
  assert.match(text, /^# TYPE kovn_reconcile_total counter$/m);
  assert.match(text, /^# TYPE kovn_reconcile_duration_seconds histogram$/m);
  assert.doesNotMatch(text, /kovn_cni_/);
  const agentText = await agent.text();
  assert.match(agentText, /^# TYPE kovn_cni_op_duration_seconds histogram$/m);
  assert.doesNotMatch(agentText, /kovn_reconcile/);
  // Asking again for the same family reuses it (prom-client refuses a name registered twice).
  controller.reconcile('Subnet').finished('success', 1);
  assert.ok((await samples(controller)).includes('kovn_reconcile_total{kind="Subnet",result="success"} 2'));
});
