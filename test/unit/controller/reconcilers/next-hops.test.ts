// Which pods forward for their VPC (ADR 22): the next hops a Vpc's routes and NAT gateways name, the port security a
// pod gets from them and from its annotation, and the pods a Vpc or VpcNatGateway change re-evaluates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/types.ts';
import type { Vpc } from '../../../../src/api/kinds/vpc.ts';
import type { VpcNatGateway } from '../../../../src/api/kinds/vpc-nat-gateway.ts';
import { DEFAULT_NETWORK } from '../../../../src/api/default-network.ts';
import { Ipam } from '../../../../src/ipam/index.ts';
import { InformerClusterView } from '../../../../src/kube/informer-view.ts';
import {
  gatewayNextHops,
  nextHopWatches,
  portSecurityOf,
  routeNextHops,
  vpcNextHops,
} from '../../../../src/controller/reconcilers/next-hops.ts';
import { ipamSpec } from '../../../../src/controller/reconcilers/ipam-view.ts';
import { SubnetCatalog } from '../../../../src/controller/reconcilers/subnet-catalog.ts';
import { InMemoryInformer } from '../../../support/informer-memory.ts';
import { kubeovn, memoryView } from '../../../support/objects.ts';

const vpc = (spec: Record<string, unknown>) => kubeovn('Vpc', 'v1', spec) as Vpc;
const gateway = (name: string, spec: Record<string, unknown>) =>
  kubeovn('VpcNatGateway', name, spec) as VpcNatGateway;
/** A view over informers holding these objects, already "listed". */
async function viewOf(objects: Record<string, KubeObject[]>): Promise<InformerClusterView> {
  const informers = Object.entries(objects).map(
    ([kind, list]) => new InMemoryInformer({ kind, objects: list }),
  );
  for (const informer of informers) await informer.start();
  return new InformerClusterView(informers);
}
const pod = (name: string, annotations: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'ns1', annotations },
});

void test('the next hops of a Vpc: static routes, reroute policies (each of a list), never allow/drop', () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['no routes', {}, []],
    ['static routes', { staticRoutes: [{ cidr: '0.0.0.0/0', nextHopIP: '10.0.1.254' }] }, ['10.0.1.254']],
    [
      'reroute lists, normalised',
      { policyRoutes: [{ priority: 10, match: 'ip4', action: 'reroute', nextHopIP: '10.0.1.3, 10.0.1.2' }] },
      ['10.0.1.2', '10.0.1.3'],
    ],
    [
      'allow and drop name no hop',
      { policyRoutes: [{ priority: 10, match: 'ip4', action: 'drop', nextHopIP: '10.0.1.9' }] },
      [],
    ],
    ['IPv6 in canonical form', { staticRoutes: [{ cidr: '::/0', nextHopIP: 'fd00:0:0::0a' }] }, ['fd00::a']],
  ];
  for (const [why, spec, want] of cases) assert.deepEqual([...routeNextHops(vpc(spec))].sort(), want, why);
  assert.deepEqual([...routeNextHops(undefined)], []);
});

void test("a NAT gateway's lanIp is a next hop of its own VPC only", () => {
  const gws = [
    gateway('gw1', { vpc: 'v1', lanIp: '10.0.1.254' }),
    gateway('gw2', { vpc: 'v2', lanIp: '10.0.1.253' }),
    gateway('gw3', { vpc: 'v1' }),
  ];
  assert.deepEqual([...gatewayNextHops('v1', gws)], ['10.0.1.254']);
  assert.deepEqual([...gatewayNextHops('v3', gws)], []);
  const view = memoryView([vpc({ staticRoutes: [{ cidr: '1.0.0.0/8', nextHopIP: '10.0.1.7' }] }), ...gws]);

  assert.deepEqual([...vpcNextHops(view, 'v1')].sort(), ['10.0.1.254', '10.0.1.7']);
});

void test('port security: the annotation wins, a next hop keeps its MAC only, every other pod all of it', () => {
  const hops = new Set(['10.0.1.7', 'fd00::7']);
  const cases: [string, KubeObject, string[], string][] = [
    ['plain pod', pod('a'), ['10.0.1.2'], 'full'],
    ['next hop', pod('r'), ['10.0.1.7'], 'mac'],
    ['next hop by its IPv6 address', pod('r'), ['10.0.1.8', 'fd00:0::7'], 'mac'],
    [
      'next hop that asks for port security',
      pod('r', { 'ovn.kubernetes.io/port_security': 'true' }),
      ['10.0.1.7'],
      'full',
    ],
    [
      'plain pod that opts out',
      pod('a', { 'ovn.kubernetes.io/port_security': 'false' }),
      ['10.0.1.2'],
      'off',
    ],
    ['next hop that opts out', pod('r', { 'ovn.kubernetes.io/port_security': 'false' }), ['10.0.1.7'], 'off'],
    [
      'any other value leaves it to kovn',
      pod('a', { 'ovn.kubernetes.io/port_security': 'yes' }),
      ['10.0.1.2'],
      'full',
    ],
  ];
  for (const [why, p, ips, want] of cases) assert.equal(portSecurityOf(p, ips, hops), want, why);
});

void test('a route change re-evaluates the pods at its old and new next hops, in that VPC only', async () => {
  const subnets = [
    kubeovn('Subnet', 's1', { vpc: 'v1', cidrBlock: '10.0.1.0/24', protocol: 'IPv4' }),
    kubeovn('Subnet', 's2', { vpc: 'v2', cidrBlock: '10.0.1.0/24', protocol: 'IPv4' }),
  ];
  const pods = [pod('r1'), pod('r2'), pod('other')];
  const view = await viewOf({ Subnet: subnets, Vpc: [], Pod: pods, IP: [] });
  const catalog = new SubnetCatalog(view, DEFAULT_NETWORK);
  const ipam = new Ipam();
  for (const s of catalog.live()) ipam.addOrUpdateSubnet(ipamSpec(s));
  ipam.allocate('s1', 'r1.ns1', { ips: '10.0.1.7' });
  ipam.allocate('s2', 'r2.ns1', { ips: '10.0.1.8' });
  ipam.allocate('s1', 'gone.ns1', { ips: '10.0.1.9' });
  const [vpcWatch, gatewayWatch] = nextHopWatches({ ipam, catalog });
  const routes = (...hops: string[]) =>
    kubeovn('Vpc', 'v1', { staticRoutes: hops.map((h) => ({ cidr: '1.0.0.0/8', nextHopIP: h })) });
  assert.deepEqual(vpcWatch!.map(routes('10.0.1.7'), view), ['Pod/ns1/r1']);
  assert.deepEqual(vpcWatch!.map(routes('10.0.1.8'), view), [], '10.0.1.8 is held in v2, not v1');
  assert.deepEqual(vpcWatch!.map(routes('10.0.1.9'), view), [], 'an owner without a pod maps to nothing');
  const status = (o: KubeObject) => ({ ...o, status: { standby: true } });
  assert.equal(vpcWatch!.changed!(status(routes('10.0.1.7')), routes('10.0.1.7')), false, 'status only');
  assert.equal(vpcWatch!.changed!(routes('10.0.1.8'), routes('10.0.1.7')), true);
  assert.deepEqual(gatewayWatch!.map(gateway('gw', { vpc: 'v2', lanIp: '10.0.1.8' }), view), ['Pod/ns1/r2']);
  assert.deepEqual(gatewayWatch!.map(gateway('gw', { vpc: 'v2' }), view), []);
});
