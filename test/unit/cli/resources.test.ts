import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  groupResource,
  kindLabel,
  resourceForKind,
  resourceForName,
  type ApiResource,
} from '../../../src/cli/kube/resources.ts';
import { collectionPath, resourceObjectPath } from '../../../src/kube/paths.ts';

/** What the embedded API server's discovery lists (captured with Discovery.all()), plus events.k8s.io's Event. */
const served = JSON.parse(
  readFileSync(new URL('fixtures/discovery.json', import.meta.url), 'utf8'),
) as ApiResource[];
const resources: ApiResource[] = [
  ...served.map((r) => ({ ...r, verbs: [] })),
  {
    group: 'events.k8s.io',
    version: 'v1',
    kind: 'Event',
    plural: 'events',
    singular: 'event',
    shortNames: ['ev'],
    namespaced: true,
    verbs: [],
  },
];

describe('resolving a name typed on the command line', () => {
  const cases: Array<[string, string | undefined]> = [
    ['vpc', 'kubeovn.io/Vpc'],
    ['vpcs', 'kubeovn.io/Vpc'],
    ['Vpc', 'kubeovn.io/Vpc'],
    ['VPC', 'kubeovn.io/Vpc'],
    ['vpcs.kubeovn.io', 'kubeovn.io/Vpc'],
    ['vpcs.v1.kubeovn.io', 'kubeovn.io/Vpc'],
    ['subnet', 'kubeovn.io/Subnet'],
    ['vpc-nat-gw', 'kubeovn.io/VpcNatGateway'],
    ['vpc-nat-gateways', 'kubeovn.io/VpcNatGateway'],
    ['vpcnatgateway', 'kubeovn.io/VpcNatGateway'],
    ['eip', 'kubeovn.io/IptablesEIP'],
    ['dnat', 'kubeovn.io/IptablesDnatRule'],
    ['snat', 'kubeovn.io/IptablesSnatRule'],
    ['fip', 'kubeovn.io/IptablesFIPRule'],
    ['vpc-dns', 'kubeovn.io/VpcDns'],
    ['vpc-dnses', 'kubeovn.io/VpcDns'],
    ['slr', 'kubeovn.io/SwitchLBRule'],
    ['ip', 'kubeovn.io/IP'],
    ['po', '/Pod'],
    ['pod', '/Pod'],
    ['pods', '/Pod'],
    ['pods.', '/Pod'],
    ['pods.v1.', '/Pod'],
    ['ns', '/Namespace'],
    ['no', '/Node'],
    ['nodes', '/Node'],
    ['cm', '/ConfigMap'],
    ['deploy', 'apps/Deployment'],
    ['net-attach-def', 'k8s.cni.cncf.io/NetworkAttachmentDefinition'],
    ['network-attachment-definitions.k8s.cni.cncf.io', 'k8s.cni.cncf.io/NetworkAttachmentDefinition'],
    ['ev', '/Event'],
    ['events', '/Event'],
    ['events.events.k8s.io', 'events.k8s.io/Event'],
    ['pods/status', undefined],
    ['status', undefined],
    ['widgets', undefined],
    ['vpcs.example.com', undefined],
  ];
  for (const [arg, want] of cases) {
    it(`${arg} -> ${want ?? 'nothing'}`, () => {
      const r = resourceForName(resources, arg);
      assert.equal(r && `${r.group}/${r.kind}`, want);
    });
  }
});

describe('resolving a manifest kind', () => {
  const cases: Array<[string, string, string | undefined]> = [
    ['kubeovn.io/v1', 'Vpc', 'vpcs'],
    ['kubeovn.io/v1', 'IptablesEIP', 'iptables-eips'],
    ['v1', 'Pod', 'pods'],
    ['v1', 'Namespace', 'namespaces'],
    ['k8s.cni.cncf.io/v1', 'NetworkAttachmentDefinition', 'network-attachment-definitions'],
    ['rbac.authorization.k8s.io/v1', 'ClusterRole', 'clusterroles'],
    ['kubeovn.io/v2', 'Vpc', undefined],
    ['v1', 'vpc', undefined],
    ['kubeovn.io/v1', 'Widget', undefined],
  ];
  for (const [apiVersion, kind, plural] of cases) {
    it(`${apiVersion} ${kind} -> ${plural ?? 'nothing'}`, () => {
      assert.equal(resourceForKind(resources, apiVersion, kind)?.plural, plural);
    });
  }
});

describe('names and paths of a resource', () => {
  const find = (arg: string): ApiResource => {
    const r = resourceForName(resources, arg);
    assert.ok(r, arg);
    return r;
  };
  const cases: Array<[string, string, string, string | undefined, string]> = [
    ['vpc', 'vpc.kubeovn.io', 'vpcs.kubeovn.io', undefined, '/apis/kubeovn.io/v1/vpcs/x'],
    ['ns', 'namespace', 'namespaces', undefined, '/api/v1/namespaces/x'],
    ['po', 'pod', 'pods', 'ns1', '/api/v1/namespaces/ns1/pods/x'],
    ['deploy', 'deployment.apps', 'deployments.apps', 'd', '/apis/apps/v1/namespaces/d/deployments/x'],
    [
      'vpc-nat-gw',
      'vpcnatgateway.kubeovn.io',
      'vpc-nat-gateways.kubeovn.io',
      'ignored',
      '/apis/kubeovn.io/v1/vpc-nat-gateways/x',
    ],
  ];
  for (const [arg, label, gr, ns, path] of cases) {
    it(`${arg}: ${label}, ${gr}, ${path}`, () => {
      const r = find(arg);
      assert.equal(kindLabel(r), label);
      assert.equal(groupResource(r), gr);
      assert.equal(resourceObjectPath(r, 'x', ns), path);
    });
  }
  it('lists all namespaces when no namespace is given', () => {
    assert.equal(collectionPath(find('po'), undefined), '/api/v1/pods');
    assert.equal(collectionPath(find('po'), 'a b'), '/api/v1/namespaces/a%20b/pods');
  });
});
