// TProxy as values: which pods are targets, the mangle rules and policy rules they need, how a caught connection
// finds its pod.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/types.ts';
import { ourChainLines } from '../../../../src/node/tproxy/apply.ts';
import { expectationKey, lookupConnection } from '../../../../src/node/tproxy/lookup.ts';
import {
  desiredPolicyRules,
  observedRuleKey,
  renderMangle,
  ruleKey,
} from '../../../../src/node/tproxy/rules.ts';
import { netnsByPod, probeTargets, type ProbeTarget } from '../../../../src/node/tproxy/targets.ts';

const subnet = (name: string, vpc?: string): KubeObject => ({
  apiVersion: 'kubeovn.io/v1',
  kind: 'Subnet',
  metadata: { name },
  spec: vpc ? { vpc } : {},
});
const pod = (
  ns: string,
  name: string,
  ls: string | undefined,
  ip: string,
  extra: Record<string, unknown> = {},
) =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      uid: `${ns}-${name}`,
      annotations: {
        ...(ls ? { 'ovn.kubernetes.io/logical_switch': ls } : {}),
        'ovn.kubernetes.io/ip_address': ip,
      },
    },
    spec: {
      containers: [
        { name: 'c', readinessProbe: { httpGet: { port: 80 } }, livenessProbe: { tcpSocket: { port: 81 } } },
      ],
      ...extra,
    },
  }) as KubeObject;

void test('targets: custom-VPC pods with a known namespace, one per (address, probe port); others left out', () => {
  const subnets = [
    subnet('ovn-default', 'ovn-cluster'),
    subnet('net1', 'vpc-a'),
    subnet('net2', 'vpc-b'),
    subnet('bare'),
  ];
  const netnsOf = netnsByPod([
    { pod_namespace: 'a', pod_name: 'web', pod_netns: 'lab-p-a.web', vendor: 'kube-ovn' },
    { pod_namespace: 'b', pod_name: 'web', pod_netns: 'lab-p-b.web' },
    { pod_namespace: 'd', pod_name: 'def', pod_netns: 'lab-p-d.def' },
    { pod_namespace: 'h', pod_name: 'host', pod_netns: 'lab-p-h.host' },
    { pod_name: 'incomplete' },
  ]);
  const targets = probeTargets({
    pods: [
      pod('a', 'web', 'net1', '10.0.1.2,fd00::2'),
      pod('b', 'web', 'net2', '10.0.1.2'),
      pod('d', 'def', 'ovn-default', '10.16.0.5'),
      pod('d', 'bare', 'bare', '10.17.0.5'),
      pod('h', 'host', 'net1', '10.0.1.9', { hostNetwork: true }),
      pod('a', 'nonetns', 'net1', '10.0.1.3'),
      pod('a', 'nosubnet', 'gone', '10.0.1.4'),
    ],
    subnets,
    netnsOf,
    defaultVpc: 'ovn-cluster',
  });
  assert.deepEqual(
    targets.map((t) => `${t.pod} ${t.ip}:${t.port} ${t.vpc} ${t.netns}`),
    [
      'a/web 10.0.1.2:80 vpc-a lab-p-a.web',
      'b/web 10.0.1.2:80 vpc-b lab-p-b.web',
      'a/web 10.0.1.2:81 vpc-a lab-p-a.web',
      'b/web 10.0.1.2:81 vpc-b lab-p-b.web',
    ],
  );
});

const t = (pod: string, ip: string, port: number): ProbeTarget => ({
  pod,
  uid: pod,
  ip,
  port,
  vpc: 'v',
  netns: 'n',
});

void test('mangle rules: the reference chains, marks, port and table, one pair per (address, port)', () => {
  const text = renderMangle(
    [t('a/x', '10.0.1.2', 80), t('b/x', '10.0.1.2', 80), t('a/x', '10.0.1.2', 81)],
    '127.0.0.1',
  );
  assert.equal(
    text,
    [
      '*mangle',
      ':OVN-OUTPUT - [0:0]',
      ':OVN-PREROUTING - [0:0]',
      '-A OVN-OUTPUT -d 10.0.1.2/32 -p tcp -m tcp --dport 80 -j MARK --set-xmark 0x90003/0x90003',
      '-A OVN-PREROUTING -d 10.0.1.2/32 -p tcp -m tcp --dport 80 -j TPROXY --on-port 8102 --on-ip 127.0.0.1 --tproxy-mark 0x90004/0x90004',
      '-A OVN-OUTPUT -d 10.0.1.2/32 -p tcp -m tcp --dport 81 -j MARK --set-xmark 0x90003/0x90003',
      '-A OVN-PREROUTING -d 10.0.1.2/32 -p tcp -m tcp --dport 81 -j TPROXY --on-port 8102 --on-ip 127.0.0.1 --tproxy-mark 0x90004/0x90004',
      'COMMIT',
      '',
    ].join('\n'),
  );
  const lines = ourChainLines(text);
  assert.equal(lines.get('OVN-OUTPUT')?.length, 2);
  assert.equal(ourChainLines(':OTHER - [0:0]\n-A OTHER -j ACCEPT').size, 0, 'other chains are not ours');
});

void test('policy rules: desired and observed (ip -j rule) compare equal; foreign priorities are ignored', () => {
  const desired = desiredPolicyRules([t('a/x', '10.0.1.2', 80)]).map(ruleKey);
  assert.deepEqual(desired, [
    '10001 fwmark 0x90003/0x90003 10001',
    '10002 fwmark 0x90004/0x90004 10001',
    '10003 to 10.0.1.2/32 ipproto tcp dport 80 10002',
  ]);
  const observed = [
    { priority: 10001, fwmark: '0x90003', fwmask: '0x90003', table: '10001' },
    { priority: 10002, fwmark: '0x90004', fwmask: '0x90004', table: '10001' },
    { priority: 10003, dst: '10.0.1.2', ipproto: 'tcp', dport: 80, table: '10002' },
    { priority: 32766, table: 'main' },
  ].map(observedRuleKey);
  assert.deepEqual(observed, [...desired, undefined]);
});

void test('lookup: an announced source port wins; else the probe port tells same addresses apart; else refuse', () => {
  const targets = [t('a/web', '10.0.1.2', 80), t('b/web', '10.0.1.2', 80), t('c/db', '10.0.1.2', 5432)];
  const c = (dstPort: number, srcPort = 40000, dstIp = '::ffff:10.0.1.2') => ({ dstIp, dstPort, srcPort });
  const announced = new Set([expectationKey({ ip: '10.0.1.2', port: 80, srcPort: 40001 })]);
  const cases: [ReturnType<typeof c>, string][] = [
    [c(80, 40001), 'expected'],
    [c(80), 'ambiguous a/web,b/web'],
    [c(5432), 'unique c/db'],
    [c(5432, 40000, '10.0.1.2'), 'unique c/db'],
    [c(22), 'unknown'],
    [c(80, 40001, '10.0.1.3'), 'unknown'],
  ];
  for (const [conn, want] of cases) {
    const r = lookupConnection(conn, targets, announced);
    const got =
      r.kind === 'unique'
        ? `unique ${r.target.pod}`
        : r.kind === 'ambiguous'
          ? `ambiguous ${r.pods.join(',')}`
          : r.kind;
    assert.equal(got, want, JSON.stringify(conn));
  }
});
