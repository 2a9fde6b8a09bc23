// Which subnet gives a pod its address, as data: the VPC's namespace list (system pods exempt), a candidate that
// does not exist or that IPAM does not know yet, a full subnet passing the pod on to the next, a refusal that stops
// (Kube-OVN's event reason and text: AcquireAddressFailed, or ValidatePodNetworkFailed for a malformed annotation).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ANNOTATION_IP_ADDRESS, ANNOTATION_MAC_ADDRESS } from '../../../../src/api/annotations.ts';
import type { Subnet } from '../../../../src/api/kinds/subnet-schema.ts';
import type { KubeObject } from '../../../../src/api/types.ts';
import { Ipam } from '../../../../src/ipam/index.ts';
import {
  choosePodSubnet,
  vpcAllows,
  type SubnetChoice,
} from '../../../../src/controller/reconcilers/pod-subnet.ts';
import { kubeovn, memoryView } from '../../../support/objects.ts';

const CLUSTER = 'ovn-cluster';
const subnet = (name: string, cidrBlock: string, vpc?: string): Subnet =>
  kubeovn('Subnet', name, { cidrBlock, ...(vpc ? { vpc } : {}) });
const SUBNETS: Record<string, Subnet> = {
  roomy: subnet('roomy', '10.0.1.0/24'),
  full: subnet('full', '10.0.2.0/30'),
  tenant: subnet('tenant', '10.0.3.0/24', 'tenant-vpc'),
  open: subnet('open', '10.0.4.0/24', 'open-vpc'),
  unready: subnet('unready', '10.0.5.0/24'),
};
const view = memoryView([
  kubeovn('Vpc', 'tenant-vpc', { namespaces: ['t1'] }),
  kubeovn('Vpc', 'open-vpc', {}),
]);

const pod = (namespace: string, annotations: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace, annotations },
});

/** IPAM knowing every subnet but `unready`; `full` (one usable address) already given away; 10.0.1.50 taken. */
function ipam(): Ipam {
  const i = new Ipam();
  for (const s of Object.values(SUBNETS)) {
    if (s.metadata.name === 'unready') continue;
    const cidrBlock = String(s.spec?.cidrBlock);
    const gateway = cidrBlock.replace(/\.0\/\d+$/, '.1');
    const r = i.addOrUpdateSubnet({
      name: s.metadata.name ?? '',
      cidrBlock,
      gateway,
      excludeIps: [],
      reservedMacs: [],
    });
    assert.ok(r.ok);
  }
  assert.ok(i.allocate('full', 'other.ns').ok);
  assert.ok(i.allocate('roomy', 'holder.ns', { ips: '10.0.1.50' }).ok);
  return i;
}

const summary = (c: SubnetChoice): string =>
  c.kind === 'allocated'
    ? `allocated ${c.subnet.metadata.name ?? ''}${c.changed ? ' (new)' : ''}`
    : c.kind === 'refused'
      ? `refused ${c.reason}: ${c.message}`
      : `wait: ${c.message}`;

describe('choosing a pod subnet', () => {
  it('answers by the candidates in order', () => {
    const cases: { name: string; pod: KubeObject; candidates: string[]; want: string }[] = [
      {
        name: 'no candidate',
        pod: pod('ns1'),
        candidates: [],
        want: 'wait: no subnet for namespace ns1 exists yet',
      },
      {
        name: 'a missing subnet',
        pod: pod('ns1'),
        candidates: ['gone'],
        want: 'wait: subnet gone does not exist',
      },
      {
        name: 'a missing one, then one with room',
        pod: pod('ns1'),
        candidates: ['gone', 'roomy'],
        want: 'allocated roomy (new)',
      },
      {
        name: 'a VPC that does not list the namespace',
        pod: pod('ns1'),
        candidates: ['tenant', 'roomy'],
        want: 'refused NamespaceNotAllowed: namespace ns1 is not in the namespaces of vpc tenant-vpc ([t1]), so it cannot use subnet tenant',
      },
      { name: 'a VPC that lists it', pod: pod('t1'), candidates: ['tenant'], want: 'allocated tenant (new)' },
      {
        name: 'a system pod is no tenant',
        pod: pod('kube-system'),
        candidates: ['tenant'],
        want: 'allocated tenant (new)',
      },
      {
        name: 'a VPC without a namespace list',
        pod: pod('ns1'),
        candidates: ['open'],
        want: 'allocated open (new)',
      },
      {
        name: 'a subnet IPAM does not know yet',
        pod: pod('ns1'),
        candidates: ['unready', 'roomy'],
        want: 'wait: subnet unready is not ready yet',
      },
      {
        name: 'a full subnet passes the pod on',
        pod: pod('ns1'),
        candidates: ['full', 'roomy'],
        want: 'allocated roomy (new)',
      },
      {
        name: 'the last candidate full',
        pod: pod('ns1'),
        candidates: ['full'],
        want: 'refused AcquireAddressFailed: stage=acquireAddress error=NoAvailableAddress (subnet full: ',
      },
      {
        name: 'another refusal stops at once',
        pod: pod('ns1', { [ANNOTATION_IP_ADDRESS]: '10.0.1.50' }),
        candidates: ['roomy', 'open'],
        want: 'refused AcquireAddressFailed: stage=acquireAddress error=AddressConflict (subnet roomy: ',
      },
      {
        name: 'the gateway is an AddressConflict too',
        pod: pod('ns1', { [ANNOTATION_IP_ADDRESS]: '10.0.1.1' }),
        candidates: ['roomy'],
        want: 'refused AcquireAddressFailed: stage=acquireAddress error=AddressConflict (subnet roomy: ip 10.0.1.1 is the gateway of subnet roomy)',
      },
      {
        name: 'a malformed address annotation, before any subnet is looked at',
        pod: pod('ns1', { [ANNOTATION_IP_ADDRESS]: '10.0.1' }),
        candidates: ['gone'],
        want: 'refused ValidatePodNetworkFailed: 10.0.1 is not a valid ovn.kubernetes.io/ip_address',
      },
      {
        name: 'a malformed MAC annotation',
        pod: pod('ns1', { [ANNOTATION_MAC_ADDRESS]: '0a:00:00' }),
        candidates: ['roomy'],
        want: 'refused ValidatePodNetworkFailed: 0a:00:00 is not a valid ovn.kubernetes.io/mac_address',
      },
    ];
    for (const c of cases) {
      const deps = {
        catalog: { podCandidates: () => c.candidates, get: (name: string) => SUBNETS[name] },
        ipam: ipam(),
        network: { clusterRouter: CLUSTER },
      };
      const got = summary(choosePodSubnet(deps, c.pod, view));
      if (c.want.endsWith(': ')) assert.ok(got.startsWith(c.want), `${c.name}: ${got}`);
      else assert.equal(got, c.want, c.name);
    }
  });

  it('allocates once per NIC: the second choice is the same address, unchanged', () => {
    const deps = {
      catalog: { podCandidates: () => ['roomy'], get: (name: string) => SUBNETS[name] },
      ipam: ipam(),
      network: { clusterRouter: CLUSTER },
    };
    const first = choosePodSubnet(deps, pod('ns1'), view);
    const second = choosePodSubnet(deps, pod('ns1'), view);
    assert.ok(first.kind === 'allocated' && second.kind === 'allocated');
    assert.deepEqual([first.changed, second.changed], [true, false]);
    assert.deepEqual(second.allocation, first.allocation);
  });
});

describe("a reservation of the pod's NIC (a user's IP object)", () => {
  it('puts its subnet first and asks for its address there, the pod annotations winning', () => {
    const cases: {
      name: string;
      pod: KubeObject;
      candidates: string[];
      reservation: { subnet: string; request: { ips?: string; mac?: string } };
      want: string;
    }[] = [
      {
        name: 'the reserved address in the reserved subnet',
        pod: pod('ns1'),
        candidates: ['roomy'],
        reservation: { subnet: 'roomy', request: { ips: '10.0.1.77', mac: '0a:00:00:00:00:77' } },
        want: 'roomy 10.0.1.77 0a:00:00:00:00:77',
      },
      {
        name: 'the reserved subnet before the namespace order',
        pod: pod('ns1'),
        candidates: ['open', 'roomy'],
        reservation: { subnet: 'roomy', request: { ips: '10.0.1.77' } },
        want: 'roomy 10.0.1.77',
      },
      {
        name: 'a reserved subnet that is not a candidate asks nothing',
        pod: pod('ns1'),
        candidates: ['open'],
        reservation: { subnet: 'roomy', request: { ips: '10.0.1.77' } },
        want: 'open 10.0.4.2',
      },
      {
        name: "the pod's own static address wins",
        pod: pod('ns1', { [ANNOTATION_IP_ADDRESS]: '10.0.1.9' }),
        candidates: ['roomy'],
        reservation: { subnet: 'roomy', request: { ips: '10.0.1.77', mac: '0a:00:00:00:00:77' } },
        want: 'roomy 10.0.1.9 0a:00:00:00:00:77',
      },
    ];
    for (const c of cases) {
      const deps = {
        catalog: { podCandidates: () => c.candidates, get: (name: string) => SUBNETS[name] },
        ipam: ipam(),
        network: { clusterRouter: CLUSTER },
      };
      const got = choosePodSubnet(deps, c.pod, view, c.reservation);
      assert.equal(got.kind, 'allocated', c.name);
      if (got.kind !== 'allocated') continue;
      const mac = c.want.split(' ')[2];
      assert.equal(
        `${got.subnet.metadata.name ?? ''} ${got.allocation.ipAddress}`,
        c.want.split(' ').slice(0, 2).join(' '),
        c.name,
      );
      if (mac) assert.equal(got.allocation.mac, mac, c.name);
    }
  });
});

describe("a subnet's VPC and the pod's namespace", () => {
  it('refuses only a namespace a custom VPC does not list', () => {
    const cases: [string, Subnet, string, boolean][] = [
      ['the default VPC', subnet('d', '10.1.0.0/24'), 'any', true],
      ['named default VPC', subnet('d', '10.1.0.0/24', CLUSTER), 'any', true],
      ['a listed namespace', SUBNETS['tenant']!, 't1', true],
      ['an unlisted namespace', SUBNETS['tenant']!, 't2', false],
      ['a VPC without a list', SUBNETS['open']!, 't2', true],
      ['a VPC not in the cache', subnet('x', '10.1.0.0/24', 'missing-vpc'), 't2', true],
    ];
    for (const [name, s, namespace, allowed] of cases) {
      assert.equal(vpcAllows(s, namespace, view, CLUSTER) === undefined, allowed, name);
    }
  });
});
