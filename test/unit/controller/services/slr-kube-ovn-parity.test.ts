// What a SwitchLBRule makes, pinned case by case against Kube-OVN's pkg/controller/switch_lb_rule.go
// (generateHeadlessService, generateEndpoints, getIPFamilies, setUserDefinedNetwork, setHealthCheckAnnotation, the
// status it writes), its endpoint_slice.go (which VPC a Service's backends are in) and the e2e test
// test/e2e/kube-ovn/switch_lb_rule/switch_lb_rule.go. The deliberate differences are in ADR 16.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SwitchLbRule } from '../../../../src/api/kinds/switch-lb-rule.ts';
import type { KubeObject } from '../../../../src/api/types.ts';
import { desiredServiceInputs } from '../../../../src/controller/services/backends.ts';
import {
  slrEndpoints,
  slrService,
  slrStatus,
  vipFamilies,
} from '../../../../src/controller/services/slr-render.ts';
import { memoryView } from '../../../support/objects.ts';

const rule = (
  spec: NonNullable<SwitchLbRule['spec']>,
  annotations?: Record<string, string>,
): SwitchLbRule => ({
  apiVersion: 'kubeovn.io/v1',
  kind: 'SwitchLBRule',
  metadata: { name: 'web', uid: 'u1', ...(annotations ? { annotations } : {}) },
  spec,
});
const http = [{ name: 'http', port: 8090, targetPort: 80, protocol: 'TCP' }];
const specOf = (o: KubeObject) => o['spec'] as Record<string, unknown>;

describe('getIPFamilies: the Service families follow the VIP', () => {
  const cases: [string, string[], string][] = [
    ['10.96.0.3', ['IPv4'], 'SingleStack'],
    ['fd00::3', ['IPv6'], 'SingleStack'],
    ['fd00::3,10.96.0.3', ['IPv4', 'IPv6'], 'PreferDualStack'],
  ];
  for (const [vip, ipFamilies, ipFamilyPolicy] of cases)
    it(vip, () => assert.deepEqual(vipFamilies(vip), { ipFamilies, ipFamilyPolicy }));
});

describe('generateHeadlessService / generateEndpoints', () => {
  const cases: {
    name: string;
    slr: SwitchLbRule;
    selector: Record<string, string> | undefined;
    endpoints: string[] | undefined;
  }[] = [
    {
      name: 'e2e "selector SwitchLBRule": a selector, no Endpoints of ours',
      slr: rule({ vip: '10.96.0.3', namespace: 'ns1', selector: ['app:web'], ports: http }),
      selector: { app: 'web' },
      endpoints: undefined,
    },
    {
      name: 'e2e "endpoint SwitchLBRule": Endpoints with the addresses, no selector',
      slr: rule({ vip: '10.96.0.3', namespace: 'ns1', endpoints: ['10.0.1.5', '10.0.1.6'], ports: http }),
      selector: undefined,
      endpoints: ['10.0.1.5', '10.0.1.6'],
    },
    {
      name: 'both: the endpoints win, the selector is dropped (Spec.Selector = nil)',
      slr: rule({
        vip: '10.96.0.3',
        namespace: 'ns1',
        selector: ['app:web'],
        endpoints: ['10.0.1.5'],
        ports: http,
      }),
      selector: undefined,
      endpoints: ['10.0.1.5'],
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const svc = slrService(c.slr);
      assert.equal(svc.metadata.name, 'slr-web');
      assert.equal(svc.metadata.namespace, 'ns1');
      assert.equal(svc.metadata.annotations?.['ovn.kubernetes.io/switch_lb_vip'], '10.96.0.3');
      assert.equal(specOf(svc)['clusterIP'], 'None');
      assert.equal(specOf(svc)['type'], 'ClusterIP');
      assert.deepEqual(specOf(svc)['selector'], c.selector);
      const eps = slrEndpoints(c.slr);
      if (!c.endpoints) return assert.equal(eps, undefined);
      assert.equal(eps?.metadata.name, 'slr-web');
      // e2e: "Checking endpoint ports": the targetPort with the protocol.
      assert.deepEqual(eps?.['subsets'], [
        {
          addresses: c.endpoints.map((ip) => ({ ip })),
          ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
        },
      ]);
    });
  it('the rule`s network and health-check annotations go to the Service (setUserDefinedNetwork)', () => {
    const svc = slrService(
      rule(
        { vip: '10.96.0.3', selector: ['app:web'], ports: http },
        {
          'ovn.kubernetes.io/logical_switch': 'net1',
          'ovn.kubernetes.io/logical_router': 'vpc1',
          'ovn.kubernetes.io/service_health_check': 'false',
          unrelated: 'x',
        },
      ),
    );
    assert.deepEqual(svc.metadata.annotations, {
      'ovn.kubernetes.io/switch_lb_vip': '10.96.0.3',
      'ovn.kubernetes.io/logical_router': 'vpc1',
      'ovn.kubernetes.io/logical_switch': 'net1',
      'ovn.kubernetes.io/service_health_check': 'false',
    });
    assert.equal(svc.metadata.namespace, 'default', 'no namespace: default');
  });
});

describe('status (ports "<port>/<protocol>", TCP by default; service "<namespace>/slr-<name>")', () => {
  const cases: [string, SwitchLbRule, { ports: string; service: string }][] = [
    [
      'the VpcDns rule: dns, dns-tcp, metrics',
      rule({
        vip: '10.96.0.3',
        namespace: 'kube-system',
        selector: ['k8s-app:vpc-dns-x'],
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, protocol: 'TCP' },
          { name: 'metrics', port: 9153, protocol: 'TCP' },
        ],
      }),
      { ports: '53/UDP,53/TCP,9153/TCP', service: 'kube-system/slr-web' },
    ],
    [
      'no protocol: TCP',
      rule({ vip: '10.96.0.3', selector: ['a:b'], ports: [{ name: 'x', port: 80 }] }),
      { ports: '80/TCP', service: 'default/slr-web' },
    ],
  ];
  for (const [name, slr, want] of cases) it(name, () => assert.deepEqual(slrStatus(slr), want));
});

describe('which VPC the backends are in (endpoint_slice.go getVpcAndSubnetForEndpoints)', () => {
  const subnet = (name: string, vpc: string): KubeObject => ({
    apiVersion: 'kubeovn.io/v1',
    kind: 'Subnet',
    metadata: { name },
    spec: { cidrBlock: '10.0.1.0/24', vpc },
  });
  const pod = (name: string, ip: string, ls: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'ns1',
      annotations: { 'ovn.kubernetes.io/logical_switch': ls, 'ovn.kubernetes.io/ip_address': ip },
    },
  });
  const view = memoryView([subnet('net1', 'vpc1'), subnet('net2', 'vpc2'), pod('p1', '10.0.1.5', 'net1')]);
  const endpointsOf = (slr: SwitchLbRule) => ({
    ...slrEndpoints(slr)!,
    metadata: { name: 'slr-web', namespace: 'ns1' },
  });
  const cases: [string, Record<string, string> | undefined, string[]][] = [
    ['explicit endpoints: the VPC of the pod of the namespace with that address', undefined, ['vpc1']],
    [
      'the Service names its network (logical_router and logical_switch): that VPC',
      { 'ovn.kubernetes.io/logical_router': 'vpc2', 'ovn.kubernetes.io/logical_switch': 'net2' },
      ['vpc2'],
    ],
    ['logical_router alone does not name it', { 'ovn.kubernetes.io/logical_router': 'vpc2' }, ['vpc1']],
  ];
  for (const [name, annotations, vpcs] of cases)
    it(name, () => {
      const slr = rule(
        { vip: '10.96.0.3', namespace: 'ns1', endpoints: ['10.0.1.5'], ports: http },
        annotations,
      );
      const inputs = desiredServiceInputs(slrService(slr), endpointsOf(slr), view, 'ovn-cluster');
      assert.deepEqual(
        inputs.map((i) => i.vpc),
        vpcs,
      );
      assert.deepEqual(inputs[0]?.ports[0]?.backends, ['10.0.1.5:80']);
    });
});
