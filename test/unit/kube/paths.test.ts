// The one REST path builder (src/kube/paths.ts) and the lookups by kind name over it (src/kube/resources.ts): core
// and named groups, cluster-scoped and namespaced, subresources, and names and namespaces that need encoding.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  collectionPath,
  groupVersionPath,
  resourceObjectPath,
  type PathResource,
} from '../../../src/kube/paths.ts';
import { kindCollectionPath, objectPath } from '../../../src/kube/resources.ts';

const pods: PathResource = { group: '', version: 'v1', plural: 'pods', namespaced: true };
const nodes: PathResource = { group: '', version: 'v1', plural: 'nodes', namespaced: false };
const statefulsets: PathResource = { group: 'apps', version: 'v1', plural: 'statefulsets', namespaced: true };
const vpcs: PathResource = { group: 'kubeovn.io', version: 'v1', plural: 'vpcs', namespaced: false };
/** An informer's resource: the scope is not known, so a namespace given is used. */
const unscoped: PathResource = { group: 'kubeovn.io', version: 'v1', plural: 'subnets' };

describe('groupVersionPath', () => {
  const cases: Array<[string, string, string]> = [
    ['', 'v1', '/api/v1'],
    ['apps', 'v1', '/apis/apps/v1'],
    ['kubeovn.io', 'v1', '/apis/kubeovn.io/v1'],
    ['discovery.k8s.io', 'v1beta1', '/apis/discovery.k8s.io/v1beta1'],
  ];
  for (const [group, version, path] of cases)
    it(`${group || 'core'}/${version}: ${path}`, () =>
      assert.equal(groupVersionPath({ group, version }), path));
});

describe('collectionPath', () => {
  const cases: Array<[string, PathResource, string | undefined, string]> = [
    ['core, namespaced', pods, 'ns1', '/api/v1/namespaces/ns1/pods'],
    ['core, all namespaces', pods, undefined, '/api/v1/pods'],
    ['core, cluster-scoped', nodes, undefined, '/api/v1/nodes'],
    ['cluster-scoped drops a namespace', nodes, 'ns1', '/api/v1/nodes'],
    [
      'named group, namespaced',
      statefulsets,
      'kube-system',
      '/apis/apps/v1/namespaces/kube-system/statefulsets',
    ],
    ['named group, cluster-scoped', vpcs, undefined, '/apis/kubeovn.io/v1/vpcs'],
    ['scope unknown, namespace given', unscoped, 'ns1', '/apis/kubeovn.io/v1/namespaces/ns1/subnets'],
    ['scope unknown, no namespace', unscoped, undefined, '/apis/kubeovn.io/v1/subnets'],
    ['namespace encoded', pods, 'a b/c', '/api/v1/namespaces/a%20b%2Fc/pods'],
  ];
  for (const [what, resource, namespace, path] of cases)
    it(`${what}: ${path}`, () => assert.equal(collectionPath(resource, namespace), path));
});

describe('resourceObjectPath', () => {
  const cases: Array<[string, PathResource, string, string | undefined, string | undefined, string]> = [
    ['core, namespaced', pods, 'web', 'ns1', undefined, '/api/v1/namespaces/ns1/pods/web'],
    ['core, cluster-scoped', nodes, 'n1', undefined, undefined, '/api/v1/nodes/n1'],
    ['cluster-scoped drops a namespace', nodes, 'n1', 'ns1', undefined, '/api/v1/nodes/n1'],
    ['named group', vpcs, 'vpc1', undefined, undefined, '/apis/kubeovn.io/v1/vpcs/vpc1'],
    ['subresource', pods, 'web', 'ns1', 'status', '/api/v1/namespaces/ns1/pods/web/status'],
    [
      'named-group subresource',
      statefulsets,
      's',
      'd',
      'status',
      '/apis/apps/v1/namespaces/d/statefulsets/s/status',
    ],
    ['cluster-scoped subresource', nodes, 'n1', undefined, 'status', '/api/v1/nodes/n1/status'],
    ['name encoded', pods, 'a b?c#d/e', 'ns1', undefined, '/api/v1/namespaces/ns1/pods/a%20b%3Fc%23d%2Fe'],
    [
      'name and namespace encoded',
      pods,
      'x%y',
      'n s',
      'binding',
      '/api/v1/namespaces/n%20s/pods/x%25y/binding',
    ],
  ];
  for (const [what, resource, name, namespace, sub, path] of cases)
    it(`${what}: ${path}`, () => assert.equal(resourceObjectPath(resource, name, namespace, sub), path));
});

describe('paths by kind name', () => {
  const objects: Array<[string, string, string | undefined, string | undefined, string]> = [
    ['Pod', 'web', 'ns1', undefined, '/api/v1/namespaces/ns1/pods/web'],
    ['Pod', 'web', undefined, undefined, '/api/v1/namespaces/default/pods/web'],
    ['Node', 'n1', 'ignored', 'status', '/api/v1/nodes/n1/status'],
    ['Vpc', 'vpc1', undefined, undefined, '/apis/kubeovn.io/v1/vpcs/vpc1'],
    [
      'StatefulSet',
      'gw',
      'kube-system',
      'status',
      '/apis/apps/v1/namespaces/kube-system/statefulsets/gw/status',
    ],
    [
      'NetworkAttachmentDefinition',
      'net 1',
      'ns1',
      undefined,
      '/apis/k8s.cni.cncf.io/v1/namespaces/ns1/network-attachment-definitions/net%201',
    ],
  ];
  for (const [kind, name, namespace, sub, path] of objects)
    it(`objectPath ${kind}: ${path}`, () => assert.equal(objectPath(kind, name, namespace, sub), path));

  const collections: Array<[string, string | undefined, string]> = [
    ['Pod', 'ns1', '/api/v1/namespaces/ns1/pods'],
    ['Pod', undefined, '/api/v1/pods'],
    ['Event', 'default', '/api/v1/namespaces/default/events'],
    ['Namespace', 'ignored', '/api/v1/namespaces'],
    ['EndpointSlice', 'dns1', '/apis/discovery.k8s.io/v1/namespaces/dns1/endpointslices'],
  ];
  for (const [kind, namespace, path] of collections)
    it(`kindCollectionPath ${kind}: ${path}`, () => assert.equal(kindCollectionPath(kind, namespace), path));

  it('an unknown kind is an error', () =>
    assert.throws(() => objectPath('Gadget', 'x'), /no API resource known/));
});
