import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admit } from '../../../../src/api/admission.ts';
import { kubeovn, memoryView } from '../../../support/objects.ts';

function stored(spec: Record<string, unknown>, name = 'net1') {
  const outcome = admit({ operation: 'CREATE', object: kubeovn('Subnet', name, spec), view: memoryView([]) });
  assert.ok(outcome.allowed, outcome.allowed ? '' : outcome.message);
  return outcome.object?.spec as Record<string, unknown>;
}

test('Subnet defaults are what Kube-OVN writes back', () => {
  const cases: { name: string; spec: Record<string, unknown>; expect: Record<string, unknown> }[] = [
    {
      name: 'seed net1: gateway, excludeIps, provider, protocol',
      spec: { vpc: 'test-vpc-1', cidrBlock: '10.0.1.0/24', protocol: 'IPv4' },
      expect: {
        vpc: 'test-vpc-1',
        cidrBlock: '10.0.1.0/24',
        gateway: '10.0.1.1',
        excludeIps: ['10.0.1.1'],
        provider: 'ovn',
        protocol: 'IPv4',
      },
    },
    {
      name: 'CIDR normalised to its network address; empty vpc becomes ovn-cluster',
      spec: { cidrBlock: '10.0.1.5/24' },
      expect: {
        cidrBlock: '10.0.1.0/24',
        vpc: 'ovn-cluster',
        gateway: '10.0.1.1',
        gatewayType: 'distributed',
      },
    },
    {
      name: 'protocol derived from the CIDR even when the user wrote another',
      spec: { vpc: 'v', cidrBlock: 'fd00:10::/64', protocol: 'IPv4' },
      expect: { protocol: 'IPv6', gateway: 'fd00:10::1', excludeIps: ['fd00:10::1'] },
    },
    {
      name: 'dual stack: a missing family gateway is appended',
      spec: { vpc: 'v', cidrBlock: '10.0.1.0/24,fd00::/120', gateway: '10.0.1.254' },
      expect: { protocol: 'Dual', gateway: '10.0.1.254,fd00::1', excludeIps: ['10.0.1.254', 'fd00::1'] },
    },
    {
      name: 'gateway already covered by an excludeIps range is not added again; overlaps merged and sorted',
      spec: {
        vpc: 'v',
        cidrBlock: '10.0.1.0/24',
        excludeIps: ['10.0.1.50..10.0.1.60', '10.0.1.1..10.0.1.10', '10.0.1.55'],
      },
      expect: { excludeIps: ['10.0.1.1..10.0.1.10', '10.0.1.50..10.0.1.60'] },
    },
    {
      name: '/31 gateway is the network address',
      spec: { vpc: 'v', cidrBlock: '10.0.1.0/31' },
      expect: { gateway: '10.0.1.0', excludeIps: ['10.0.1.0'] },
    },
    {
      name: 'non-OVN provider (external network) keeps an empty vpc',
      spec: {
        provider: 'ovn-vpc-external-network.kube-system',
        cidrBlock: '192.168.0.0/24',
        gateway: '192.168.0.1',
        excludeIps: ['192.168.0.1..192.168.0.10'],
      },
      expect: { vpc: undefined, excludeIps: ['192.168.0.1..192.168.0.10'], enableLb: undefined },
    },
  ];
  for (const c of cases) {
    const spec = stored(c.spec);
    for (const [key, value] of Object.entries(c.expect))
      assert.deepEqual(spec[key], value, `${c.name}: spec.${key}`);
  }
});

test('default is forced off for default-VPC subnets other than ovn-default', () => {
  assert.equal(stored({ cidrBlock: '10.17.0.0/16', default: true }, 'other')['default'], false);
  assert.equal(stored({ cidrBlock: '10.16.0.0/16', default: true }, 'ovn-default')['default'], true);
});

test('defaulting is idempotent: admitting the stored object again changes nothing', () => {
  const first = stored({
    vpc: 'v',
    cidrBlock: '10.0.1.7/24,fd00::/120',
    excludeIps: ['10.0.1.9', '10.0.1.2..10.0.1.3'],
  });
  const again = stored(first);
  assert.deepEqual(again, first);
});

test('Vpc defaults: static route policy policyDst, nextHopIP blanked for non-reroute policies', () => {
  const vpc = kubeovn('Vpc', 'v', {
    staticRoutes: [{ cidr: '0.0.0.0/0', nextHopIP: '10.0.1.254' }],
    policyRoutes: [{ action: 'drop', match: 'ip4.src==10.0.1.0/24', priority: 11, nextHopIP: '10.0.1.9' }],
  });
  const outcome = admit({ operation: 'CREATE', object: vpc, view: memoryView([]) });
  assert.ok(outcome.allowed);
  const spec = outcome.object?.spec as {
    staticRoutes: { policy: string }[];
    policyRoutes: { nextHopIP?: string }[];
  };
  assert.equal(spec.staticRoutes[0]?.policy, 'policyDst');
  assert.equal(spec.policyRoutes[0]?.nextHopIP, undefined);
  assert.equal(
    (vpc.spec as { staticRoutes: { policy?: string }[] }).staticRoutes[0]?.policy,
    undefined,
    'input not mutated',
  );
});

test('VpcDns corefile defaults to vpc-dns-corefile', () => {
  const outcome = admit({
    operation: 'CREATE',
    object: kubeovn('VpcDns', 'd', { vpc: 'v', subnet: 's' }),
    view: memoryView([]),
  });
  assert.ok(outcome.allowed);
  assert.equal((outcome.object?.spec as { corefile: string }).corefile, 'vpc-dns-corefile');
});
