// A NetworkPolicy's desired NB rows as data (policy + pods + namespaces -> port group, address sets, ACLs), table-
// driven: Kube-OVN's names and priorities, peers by podSelector, namespaceSelector and both, ipBlock with except,
// named ports and endPort, Ingress and Egress, default deny; and through the NB diff: a converged policy plans
// nothing, a pod's new address changes only its address set, and ACLs are linked into the port group.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkPolicy, NetworkPolicySpec } from '../../../../src/api/kinds/network-policy.ts';
import { planOwner } from '../../../../src/controller/nb/diff.ts';
import { desiredNetworkPolicy, portGroupName } from '../../../../src/controller/nb/network-policy.ts';
import type { PolicyPod } from '../../../../src/controller/nb/network-policy-peers.ts';
import type { DesiredRow } from '../../../../src/controller/nb/model.ts';
import { cacheOf, materialize, nbTypes, nextUuid } from './helpers.ts';

const JOIN = '100.64.0.0/16';
const PG = 'np1.ns1';
const pod = (
  name: string,
  ip: string,
  labels: Record<string, string>,
  extra: Partial<PolicyPod> = {},
): PolicyPod => ({
  namespace: 'ns1',
  name,
  labels,
  ips: [ip],
  ports: [],
  portUuid: nextUuid(),
  ...extra,
});
const api = pod(
  'api',
  '10.0.1.10',
  { app: 'api' },
  {
    ports: [
      { name: 'http', containerPort: 80, protocol: 'TCP' },
      { name: 'dns', containerPort: 53, protocol: 'UDP' },
    ],
  },
);
const web = pod('web', '10.0.1.20', { app: 'web' });
const other = pod('other', '10.0.1.30', { app: 'other' });
const remote = pod('remote', '10.0.2.5', { app: 'web' }, { namespace: 'ns2' });
const PODS = [api, web, other, remote];
const NAMESPACES = new Map([
  ['ns1', { team: 'a' }],
  ['ns2', { team: 'b' }],
]);

const policy = (spec: Partial<NetworkPolicySpec>, name = 'np1'): NetworkPolicy => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: 'ns1' },
  spec: { podSelector: { matchLabels: { app: 'api' } }, ...spec },
});
const build = (spec: Partial<NetworkPolicySpec>, pods = PODS) =>
  desiredNetworkPolicy({ policy: policy(spec), pods, namespaceLabels: NAMESPACES, nodeSwitchCidr: JOIN });

/** `priority direction action match` per ACL, and `name = addresses` per address set. */
/** An atom column as text. */
const col = (r: DesiredRow, c: string): string => {
  const v = r.columns[c];
  return typeof v === 'string' || typeof v === 'number' ? String(v) : JSON.stringify(v);
};
const acls = (rows: readonly DesiredRow[]): string[] =>
  rows
    .filter((r) => r.table === 'ACL')
    .map((r) => ['priority', 'direction', 'action', 'match'].map((c) => col(r, c)).join(' '));
const sets = (rows: readonly DesiredRow[]): string[] =>
  rows
    .filter((r) => r.table === 'Address_Set')
    .map((r) => `${col(r, 'name')} = ${(r.columns['addresses'] as string[]).join(',')}`);

const DROP_IN = `2000 to-lport drop outport == @${PG} && ip`;
const NODE_IN = `3000 to-lport allow-related outport == @${PG} && ip4.src == 100.64.0.0/16`;
const DROP_OUT = `2000 from-lport drop inport == @${PG} && ip`;
const NODE_OUT = `3000 from-lport allow-related inport == @${PG} && ip4.dst == 100.64.0.0/16`;
const allowIn = (rest: string) => `2001 to-lport allow-related outport == @${PG} && ip && ${rest}`;
const allowOut = (rest: string) => `2001 from-lport allow-related inport == @${PG} && ip && ${rest}`;
const SET_IN0 = `${PG}.ingress.allow.IPv4.0`;

const cases: { name: string; spec: Partial<NetworkPolicySpec>; acls: string[]; sets: string[] }[] = [
  {
    name: 'default deny ingress: drop and the node network only',
    spec: { policyTypes: ['Ingress'] },
    acls: [DROP_IN, NODE_IN],
    sets: [],
  },
  {
    name: 'only app=web to port 80: a set with web, one allow per port',
    spec: {
      ingress: [
        { from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ protocol: 'TCP', port: 80 }] },
      ],
    },
    acls: [DROP_IN, NODE_IN, allowIn(`ip4.src == $${SET_IN0} && tcp.dst == 80`)],
    sets: [`${SET_IN0} = 10.0.1.20`],
  },
  {
    name: 'a rule without peers allows everyone (0.0.0.0/0), a named port resolves on the selected pods, endPort a range',
    spec: {
      ingress: [
        {
          ports: [
            { protocol: 'TCP', port: 'http' },
            { protocol: 'UDP', port: 'dns' },
            { protocol: 'TCP', port: 'nope' },
            { protocol: 'TCP', port: 8000, endPort: 8080 },
            { protocol: 'SCTP' },
          ],
        },
      ],
    },
    acls: [
      DROP_IN,
      NODE_IN,
      allowIn(`ip4.src == $${SET_IN0} && tcp.dst == 80`),
      allowIn(`ip4.src == $${SET_IN0} && udp.dst == 53`),
      allowIn(`ip4.src == $${SET_IN0} && 8000 <= tcp.dst <= 8080`),
      allowIn(`ip4.src == $${SET_IN0} && sctp`),
    ],
    sets: [`${SET_IN0} = 0.0.0.0/0`],
  },
  {
    name: 'namespaceSelector alone, and with a podSelector',
    spec: {
      ingress: [
        { from: [{ namespaceSelector: { matchLabels: { team: 'b' } } }] },
        { from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'web' } } }] },
      ],
    },
    acls: [
      DROP_IN,
      NODE_IN,
      allowIn(`ip4.src == $${SET_IN0}`),
      allowIn(`ip4.src == $${PG}.ingress.allow.IPv4.1`),
    ],
    sets: [`${SET_IN0} = 10.0.2.5`, `${PG}.ingress.allow.IPv4.1 = 10.0.1.20,10.0.2.5`],
  },
  {
    name: 'ipBlock inline with its own except, beside a selector peer',
    spec: {
      ingress: [
        {
          from: [
            { ipBlock: { cidr: '192.168.0.0/16', except: ['192.168.1.0/24'] } },
            { ipBlock: { cidr: '172.16.0.1/12' } },
            { ipBlock: { cidr: 'fd00::/64' } },
            { podSelector: { matchLabels: { app: 'web' } } },
          ],
        },
      ],
    },
    acls: [
      DROP_IN,
      NODE_IN,
      allowIn(`ip4.src == $${SET_IN0}`),
      allowIn('ip4.src == 192.168.0.0/16 && ip4.src != {192.168.1.0/24}'),
      allowIn('ip4.src == 172.16.0.0/12'),
    ],
    sets: [`${SET_IN0} = 10.0.1.20`],
  },
  {
    name: 'egress: from-lport, the peers as destinations, a named port resolved on the peers',
    spec: {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ podSelector: { matchLabels: { app: 'api' } } }],
          ports: [{ protocol: 'TCP', port: 'http' }],
        },
      ],
    },
    acls: [DROP_OUT, NODE_OUT, allowOut(`ip4.dst == $${PG}.egress.allow.IPv4.0 && tcp.dst == 80`)],
    sets: [`${PG}.egress.allow.IPv4.0 = 10.0.1.10`],
  },
  {
    name: 'egress rules without policyTypes: both directions, ingress denied',
    spec: { egress: [{ ports: [{ protocol: 'UDP', port: 53 }] }] },
    acls: [
      DROP_IN,
      NODE_IN,
      DROP_OUT,
      NODE_OUT,
      allowOut(`ip4.dst == $${PG}.egress.allow.IPv4.0 && udp.dst == 53`),
    ],
    sets: [`${PG}.egress.allow.IPv4.0 = 0.0.0.0/0`],
  },
];

for (const c of cases) {
  void test(`translate: ${c.name}`, () => {
    const { rows } = build(c.spec);
    assert.deepEqual(acls(rows), c.acls);
    assert.deepEqual(sets(rows), c.sets);
  });
}

void test('the port group: Kube-OVN name, the selected pods with a port, the rest waited for', () => {
  assert.equal(portGroupName('my-ns', 'allow-web'), 'allow.web.my.ns');
  assert.equal(portGroupName('ns1', '1st'), 'np1st.ns1');
  const waiting = pod('api2', '10.0.1.11', { app: 'api' }, { portUuid: undefined });
  const noAddress = pod('api3', '', { app: 'api' }, { ips: [] });
  const built = build({ policyTypes: ['Ingress'] }, [...PODS, waiting, noAddress]);
  const pg = built.rows.find((r) => r.table === 'Port_Group')!;
  assert.deepEqual(pg.columns['ports'], [api.portUuid]);
  assert.equal(
    pg.columns['external_ids'] && (pg.columns['external_ids'] as Record<string, string>)['np'],
    'ns1/np1',
  );
  assert.deepEqual(built.waitingFor, ['ns1/api2']);
  const acl = built.rows.find((r) => r.table === 'ACL')!;
  assert.deepEqual(acl.parent, { table: 'Port_Group', name: PG });
  assert.equal((acl.columns['external_ids'] as Record<string, string>)['kovn-owner'], 'np/ns1/np1');
});

void test('through the diff: linked into the port group, converged plans nothing, a new address changes one set', () => {
  const spec = { ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] };
  const first = build(spec).rows;
  const input = (desired: readonly DesiredRow[], cache = cacheOf([])) => ({
    owner: 'np/ns1/np1',
    key: 'NetworkPolicy/ns1/np1',
    desired,
    cache,
    types: nbTypes,
  });
  const fresh = planOwner(input(first));
  const pgInsert = fresh.find((op) => op.op === 'insert' && op.table === 'Port_Group');
  assert.ok(pgInsert && pgInsert.op === 'insert');
  assert.equal(
    (pgInsert.row['acls'] as [string, unknown[]])[1].length,
    3,
    'the three ACLs go into the insert',
  );
  const converged = cacheOf(materialize(first));
  assert.deepEqual(planOwner(input(first, converged)), []);
  const moved = build(spec, [api, { ...web, ips: ['10.0.1.21'] }, other, remote]).rows;
  const ops = planOwner(input(moved, converged)).filter((op) => op.op !== 'comment');
  assert.deepEqual(
    ops.map((op) => `${op.op} ${'table' in op ? op.table : ''}`),
    ['update Address_Set'],
  );
});
