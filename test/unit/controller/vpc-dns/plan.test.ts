// What one VpcDns should be, as data: gone, disabled (ConfigMap absent or off), inactive with a problem (warned
// about) or because another VpcDns of its VPC is active (quiet), or active with the image, API server route and Ready
// message its Deployment and status are made from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_NETWORK } from '../../../../src/api/default-network.ts';
import type { KubeObject } from '../../../../src/api/types.ts';
import { FALLBACK_COREDNS_IMAGE } from '../../../../src/controller/vpc-dns/render.ts';
import { planVpcDns, type VpcDnsPlan } from '../../../../src/controller/vpc-dns/plan.ts';
import { configMap, kubeovn, memoryView } from '../../../support/objects.ts';

const dns = (name: string, created: string, extra: Partial<KubeObject> = {}): KubeObject =>
  kubeovn(
    'VpcDns',
    name,
    { vpc: 'v1', subnet: 'v1-net' },
    { ...extra, metadata: { name, creationTimestamp: created, ...extra.metadata } },
  );
const config = (data: Record<string, string> = {}) =>
  configMap('vpc-dns-config', { 'coredns-vip': '10.96.0.3', ...data });
const clusterCoredns: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'coredns', namespace: 'kube-system' },
  spec: { template: { spec: { containers: [{ name: 'coredns', image: 'cluster/coredns:1' }] } } },
};
const cluster: KubeObject[] = [
  kubeovn('Vpc', 'v1'),
  kubeovn('Subnet', 'v1-net', { vpc: 'v1' }),
  kubeovn('Subnet', 'elsewhere', { vpc: 'v2' }),
  kubeovn('Subnet', 'ovn-default', { gateway: '10.16.0.1,fd00::1' }),
  configMap('vpc-dns-corefile', { Corefile: '.:53 {\n}\n' }),
];
const A = dns('a', '2026-01-01T00:00:01Z');

function summary(plan: VpcDnsPlan): string {
  switch (plan.kind) {
    case 'gone':
      return 'gone';
    case 'disabled':
      return `disabled (${plan.configMap})`;
    case 'inactive':
      return `inactive ${plan.problem.reason}${plan.warn ? ' (warn)' : ''}: ${plan.problem.message}`;
    case 'active': {
      const { image, apiServerHost, defaultGateway } = plan.render;
      return `active ${image} ${apiServerHost ?? '-'} via ${defaultGateway ?? '-'}: ${plan.message}`;
    }
  }
}

const SERVING = 'serving vpc v1 at 10.96.0.3 from subnet v1-net';
const cases: { name: string; objects: KubeObject[]; apiServerHost?: string; want: string }[] = [
  { name: 'absent', objects: [...cluster, config()], want: 'gone' },
  {
    name: 'deleting',
    objects: [...cluster, config(), dns('a', '', { metadata: { name: 'a', deletionTimestamp: 'x' } })],
    want: 'gone',
  },
  { name: 'no ConfigMap', objects: [...cluster, A], want: 'disabled (absent)' },
  {
    name: 'the feature off',
    objects: [...cluster, A, config({ 'enable-vpc-dns': 'false' })],
    want: 'disabled (enable-vpc-dns=false)',
  },
  {
    name: 'a broken configuration',
    objects: [...cluster, A, configMap('vpc-dns-config', {})],
    want: 'inactive ConfigInvalid (warn): ConfigMap kube-system/vpc-dns-config data.coredns-vip: required',
  },
  {
    name: 'a broken VpcDns',
    objects: [...cluster.filter((o) => o.kind !== 'Vpc'), A, config()],
    want: 'inactive VpcNotFound (warn): VpcDns a spec.vpc: vpc v1 not found',
  },
  {
    name: 'an older peer is active',
    objects: [...cluster, A, dns('b', '2026-01-01T00:00:00Z'), config()],
    want: 'inactive AnotherActive: vpc-dns b is active in vpc v1: only one vpc-dns can be deployed in a vpc',
  },
  {
    name: 'an older peer that is not eligible',
    objects: [
      ...cluster,
      A,
      kubeovn(
        'VpcDns',
        'b',
        { vpc: 'v1', subnet: 'elsewhere' },
        { metadata: { name: 'b', creationTimestamp: '' } },
      ),
      config(),
    ],
    want: `active ${FALLBACK_COREDNS_IMAGE} - via 10.16.0.1,fd00::1: ${SERVING}`,
  },
  {
    name: "the cluster's CoreDNS image, the controller's API server",
    objects: [...cluster, A, config(), clusterCoredns],
    apiServerHost: '10.0.0.1',
    want: `active cluster/coredns:1 10.0.0.1 via 10.16.0.1,fd00::1: ${SERVING}`,
  },
  {
    name: 'the ConfigMap wins over both',
    objects: [
      ...cluster,
      A,
      config({ 'coredns-image': 'mine/coredns:2', 'k8s-service-host': '192.0.2.1' }),
      clusterCoredns,
    ],
    apiServerHost: '10.0.0.1',
    want: `active mine/coredns:2 192.0.2.1 via 10.16.0.1,fd00::1: ${SERVING}`,
  },
  {
    name: 'no default subnet gateway: no route',
    objects: [...cluster.filter((o) => o.metadata.name !== 'ovn-default'), A, config()],
    want: `active ${FALLBACK_COREDNS_IMAGE} - via -: ${SERVING}`,
  },
];

void test('plan: each VpcDns gets one of gone, disabled, inactive or active, from the cache alone', () => {
  for (const c of cases) {
    const plan = planVpcDns({
      name: 'a',
      view: memoryView(c.objects),
      network: DEFAULT_NETWORK,
      ...(c.apiServerHost ? { apiServerHost: c.apiServerHost } : {}),
    });
    assert.equal(summary(plan), c.want, c.name);
  }
});
