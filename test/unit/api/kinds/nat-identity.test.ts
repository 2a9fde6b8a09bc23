// The NAT rule identities and clash rule (src/api/kinds/nat-identity.ts), table by table, and the agreement it
// exists for: admission, the controller's conflict report and the gateway's desired rule set give one verdict on
// the same pair of DNATs. Before nat-identity.ts, admission and the controller compared the external port as text
// and let two `share` DNATs to different targets through, while the gateway compared numbers and refused them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admit } from '../../../../src/api/admission.ts';
import {
  dnatClash,
  dnatKey,
  readPort,
  readSnatCidr,
  readSnatCidrs,
  snatCidr,
  refusedDnats,
  snatKey,
  type DnatFields,
} from '../../../../src/api/kinds/nat-identity.ts';
import type { Dnat } from '../../../../src/api/kinds/nat-rules.ts';
import type { Subnet } from '../../../../src/api/kinds/subnet-schema.ts';
import { ruleConflict } from '../../../../src/controller/reconcilers/natgw/rule-status.ts';
import { desiredGateway } from '../../../../src/natgw/desired.ts';
import { kubeovn, memoryView, natEnabled } from '../../../support/objects.ts';

void test('ports: decimal digits or a number, 1-65535, leading zeros allowed', () => {
  const cases: [string | number | undefined, number | string][] = [
    ['80', 80],
    ['080', 80],
    ['000080', 80],
    [80, 80],
    ['65535', 65535],
    ['1', 1],
    ['0', 'out of range'],
    ['65536', 'out of range'],
    ['', 'missing'],
    [undefined, 'missing'],
    ['8o', 'not a number'],
    ['-1', 'not a number'],
    [' 80', 'not a number'],
    ['80.0', 'not a number'],
  ];
  for (const [value, want] of cases) {
    const got = readPort(value);
    assert.deepEqual(got.ok ? got.port : got.problem, want, JSON.stringify(value));
  }
});

const d = (fields: DnatFields): DnatFields => ({
  eip: 'e1',
  protocol: 'tcp',
  externalPort: '80',
  internalIp: '10.0.1.10',
  internalPort: '80',
  ...fields,
});

void test('DNAT identity: (eip, protocol case-insensitive, port as a number)', () => {
  assert.equal(dnatKey(d({})), 'e1/tcp/80');
  assert.equal(dnatKey(d({ externalPort: '080', protocol: 'TCP' })), 'e1/tcp/80');
  assert.equal(dnatKey(d({ externalPort: 80 })), 'e1/tcp/80');
  assert.equal(dnatKey(d({ protocol: '' })), 'e1/tcp/80');
  assert.equal(dnatKey(d({ externalPort: 'http' })), undefined);
});

void test('DNAT clash: not both share, or share to other targets', () => {
  const cases: { name: string; a: DnatFields; b: DnatFields; want: ReturnType<typeof dnatClash> }[] = [
    { name: 'exclusive, other target', a: d({}), b: d({ internalIp: '10.0.1.11' }), want: 'exclusive' },
    { name: 'exclusive, same target', a: d({}), b: d({}), want: 'exclusive' },
    { name: '"80" and "080"', a: d({}), b: d({ externalPort: '080' }), want: 'exclusive' },
    { name: '80 and "80"', a: d({ externalPort: 80 }), b: d({}), want: 'exclusive' },
    { name: 'one share', a: d({ type: 'share' }), b: d({}), want: 'exclusive' },
    { name: 'share, same target', a: d({ type: 'share' }), b: d({ type: 'share' }), want: undefined },
    {
      name: 'share, same target with "080" as internal port',
      a: d({ type: 'share' }),
      b: d({ type: 'share', internalPort: '080' }),
      want: undefined,
    },
    {
      name: 'share, other target',
      a: d({ type: 'share' }),
      b: d({ type: 'share', internalIp: '10.0.1.11' }),
      want: 'targets',
    },
    { name: 'other protocol', a: d({}), b: d({ protocol: 'udp' }), want: undefined },
    { name: 'other port', a: d({}), b: d({ externalPort: '81' }), want: undefined },
    { name: 'other eip', a: d({}), b: d({ eip: 'e2' }), want: undefined },
    { name: 'not a port', a: d({ externalPort: 'x' }), b: d({ externalPort: 'x' }), want: undefined },
  ];
  for (const c of cases) assert.equal(dnatClash(c.a, c.b), c.want, c.name);
});

void test('refused DNATs: the first holder keeps the identity, a refused one holds nothing', () => {
  const rule = (name: string, fields: DnatFields) => ({ name, spec: d(fields) });
  const a = rule('a', { type: 'share' });
  const b = rule('b', {});
  const c = rule('c', { type: 'share' });
  const refused = refusedDnats([a, b, c]);
  assert.deepEqual(
    [...refused.keys()].map((r) => r.name),
    ['b'],
  );
  assert.equal(refused.get(b)?.holder, a);
});

void test('SNAT identity: the CIDR normalised, either family, or a dual-stack pair', () => {
  assert.deepEqual(readSnatCidr('10.0.1.7'), { cidr: '10.0.1.7/32', prefix: 32, family: 4 });
  assert.deepEqual(readSnatCidr('10.0.1.9/24'), { cidr: '10.0.1.0/24', prefix: 24, family: 4 });
  assert.deepEqual(readSnatCidr('fd00::1:9/112'), { cidr: 'fd00::1:0/112', prefix: 112, family: 6 });
  assert.deepEqual(readSnatCidr('fd00::7'), { cidr: 'fd00::7/128', prefix: 128, family: 6 });
  assert.equal(snatCidr('10.0.1.9/24,fd00::1:9/112'), '10.0.1.0/24,fd00::1:0/112');
  assert.deepEqual(
    readSnatCidrs('10.0.1.0/24,fd00::/64')?.map((c) => c.family),
    [4, 6],
  );
  assert.equal(readSnatCidrs('10.0.1.0/24,10.0.2.0/24'), undefined);
  assert.equal(readSnatCidrs('10.0.1.0/24,fd00::/64,fd01::/64'), undefined);
  assert.equal(readSnatCidrs('nonsense'), undefined);
  assert.equal(
    snatKey({ eip: 'e1', internalCIDR: '10.0.1.7' }),
    snatKey({ eip: 'e1', internalCIDR: '10.0.1.7/32' }),
  );
  assert.notEqual(
    snatKey({ eip: 'e1', internalCIDR: '10.0.1.7' }),
    snatKey({ eip: 'e2', internalCIDR: '10.0.1.7' }),
  );
});

// --- one verdict in the three places ---------------------------------------------------------------------------

const eip = kubeovn(
  'IptablesEIP',
  'e1',
  { natGwDp: 'gw1', v4ip: '192.168.0.11', externalSubnet: 'ovn-vpc-external-network' },
  { status: { ip: '192.168.0.11', ready: true } },
);
const externalSubnet = kubeovn('Subnet', 'ovn-vpc-external-network', {
  cidrBlock: '192.168.0.0/24',
  gateway: '192.168.0.1',
});
const lanSubnet = kubeovn('Subnet', 'net1', { cidrBlock: '10.0.1.0/24', gateway: '10.0.1.1', vpc: 'v1' });
const gateway = kubeovn('VpcNatGateway', 'gw1', { vpc: 'v1', subnet: 'net1', lanIp: '10.0.1.254' });
const dnatObject = (name: string, created: string, fields: DnatFields): Dnat => ({
  ...kubeovn('IptablesDnatRule', name, d(fields) as Record<string, unknown>),
  metadata: { name, creationTimestamp: created },
});

/**
 * `admission`: what the API answers the second DNAT: refused (422) where Kube-OVN's webhook refuses it (the port and
 * protocol written alike, not both share), warned where only the shared identity sees the clash; `clash`: whether
 * the controller reports it Conflict and the gateway skips it.
 */
const agreement: {
  name: string;
  first: DnatFields;
  second: DnatFields;
  admission: 'refused' | 'warned' | 'accepted';
  clash: boolean;
}[] = [
  {
    name: 'exclusive, other target',
    first: {},
    second: { internalIp: '10.0.1.11' },
    admission: 'refused',
    clash: true,
  },
  { name: 'exclusive, same target', first: {}, second: {}, admission: 'refused', clash: true },
  {
    name: '"80" then "080"',
    first: {},
    second: { externalPort: '080', internalIp: '10.0.1.11' },
    admission: 'warned',
    clash: true,
  },
  {
    name: '"080" then "80", same target',
    first: { externalPort: '080' },
    second: {},
    admission: 'warned',
    clash: true,
  },
  {
    name: 'TCP then tcp',
    first: { protocol: 'TCP' },
    second: { internalIp: '10.0.1.11' },
    admission: 'warned',
    clash: true,
  },
  { name: 'share then exclusive', first: { type: 'share' }, second: {}, admission: 'refused', clash: true },
  {
    name: 'both share, same target',
    first: { type: 'share' },
    second: { type: 'share' },
    admission: 'accepted',
    clash: false,
  },
  {
    name: 'both share, "80" and "080", same target',
    first: { type: 'share' },
    second: { type: 'share', externalPort: '080', internalPort: '080' },
    admission: 'accepted',
    clash: false,
  },
  {
    name: 'both share, other targets (Kube-OVN balances them; kovn does not)',
    first: { type: 'share' },
    second: { type: 'share', internalIp: '10.0.1.11' },
    admission: 'warned',
    clash: true,
  },
  { name: 'other protocol', first: {}, second: { protocol: 'udp' }, admission: 'accepted', clash: false },
  { name: 'other port', first: {}, second: { externalPort: '81' }, admission: 'accepted', clash: false },
];

void test('admission, the controller and the gateway agree on which DNAT of a pair is refused', () => {
  for (const c of agreement) {
    const first = dnatObject('d1', '2026-01-01T00:00:00Z', c.first);
    const second = dnatObject('d2', '2026-01-02T00:00:00Z', c.second);
    const world = [...natEnabled(), eip, externalSubnet, lanSubnet, gateway];

    const outcome = admit({ operation: 'CREATE', object: second, view: memoryView([...world, first]) });
    const verdict = !outcome.allowed ? 'refused' : outcome.warnings.length ? 'warned' : 'accepted';
    const flagged = outcome.allowed ? outcome.warnings : outcome.issues;
    if (verdict !== 'accepted')
      assert.deepEqual(
        flagged.map((i) => `${i.field} ${i.type}`),
        [`spec.externalPort ${verdict === 'refused' ? 'FieldValueDuplicate' : 'FieldValueInvalid'}`],
        `${c.name}: admission names the identity only`,
      );
    if (!outcome.allowed) assert.match(outcome.message, /" is invalid: /, `${c.name}: a 422, not a 409`);

    const controllerRefuses =
      ruleConflict('IptablesDnatRule', second, memoryView([...world, first, second])) !== undefined;

    const desired = desiredGateway({
      gateway: gateway,
      subnets: [externalSubnet, lanSubnet] as Subnet[],
      eips: [eip],
      dnats: [second, first],
      snats: [],
      fips: [],
    });
    assert.ok(!desired.refused.has('dnat/d1'), `${c.name}: the gateway keeps the first holder`);
    const gatewayRefuses = desired.refused.has('dnat/d2');

    assert.deepEqual(
      { admission: verdict, controller: controllerRefuses, gateway: gatewayRefuses },
      { admission: c.admission, controller: c.clash, gateway: c.clash },
      c.name,
    );
  }
});
