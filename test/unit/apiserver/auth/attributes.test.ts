// The request attributes the authorizer sees (src/apiserver/auth/attributes.ts), table-driven: method + path +
// query -> verb, group, resource, subresource, name and namespace, as kube-apiserver's RequestInfoFactory.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requestAttributes, type Attributes } from '../../../../src/apiserver/auth/attributes.ts';
import { route } from '../../../../src/apiserver/http/router.ts';

function attrs(method: string, pathAndQuery: string): Attributes {
  const url = new URL(pathAndQuery, 'https://localhost');
  return requestAttributes(method, route(url.pathname), url);
}

const res = (
  verb: string,
  group: string,
  resource: string,
  namespace = '',
  name = '',
  subresource = '',
  version = 'v1',
): Attributes => ({ resourceRequest: true, verb, group, version, resource, subresource, name, namespace });

const cases: Array<[method: string, path: string, expected: Attributes]> = [
  ['GET', '/apis/kubeovn.io/v1/subnets', res('list', 'kubeovn.io', 'subnets')],
  ['GET', '/apis/kubeovn.io/v1/subnets?watch=true', res('watch', 'kubeovn.io', 'subnets')],
  ['GET', '/apis/kubeovn.io/v1/subnets?watch=1&resourceVersion=5', res('watch', 'kubeovn.io', 'subnets')],
  ['GET', '/apis/kubeovn.io/v1/subnets?watch=false', res('list', 'kubeovn.io', 'subnets')],
  ['GET', '/apis/kubeovn.io/v1/watch/subnets', res('watch', 'kubeovn.io', 'subnets')],
  ['GET', '/apis/kubeovn.io/v1/subnets/s1', res('get', 'kubeovn.io', 'subnets', '', 's1')],
  ['HEAD', '/apis/kubeovn.io/v1/subnets/s1', res('get', 'kubeovn.io', 'subnets', '', 's1')],
  ['GET', '/apis/kubeovn.io/v1/subnets/s1?watch=true', res('watch', 'kubeovn.io', 'subnets', '', 's1')],
  [
    'GET',
    '/apis/kubeovn.io/v1/subnets?fieldSelector=metadata.name%3Ds1',
    res('list', 'kubeovn.io', 'subnets', '', 's1'),
  ],
  [
    'GET',
    '/apis/kubeovn.io/v1/subnets?watch=true&fieldSelector=spec.vpc%3Dv,metadata.name%3D%3Ds1',
    res('watch', 'kubeovn.io', 'subnets', '', 's1'),
  ],
  [
    'GET',
    '/apis/kubeovn.io/v1/subnets?fieldSelector=metadata.name!%3Ds1',
    res('list', 'kubeovn.io', 'subnets'),
  ],
  ['POST', '/apis/kubeovn.io/v1/subnets', res('create', 'kubeovn.io', 'subnets')],
  ['PUT', '/apis/kubeovn.io/v1/subnets/s1', res('update', 'kubeovn.io', 'subnets', '', 's1')],
  ['PATCH', '/apis/kubeovn.io/v1/subnets/s1', res('patch', 'kubeovn.io', 'subnets', '', 's1')],
  ['DELETE', '/apis/kubeovn.io/v1/subnets/s1', res('delete', 'kubeovn.io', 'subnets', '', 's1')],
  ['DELETE', '/apis/kubeovn.io/v1/subnets', res('deletecollection', 'kubeovn.io', 'subnets')],
  [
    'PATCH',
    '/apis/kubeovn.io/v1/subnets/s1/status',
    res('patch', 'kubeovn.io', 'subnets', '', 's1', 'status'),
  ],
  ['GET', '/api/v1/namespaces/default/pods', res('list', '', 'pods', 'default')],
  ['GET', '/api/v1/pods', res('list', '', 'pods')],
  ['GET', '/api/v1/watch/namespaces/default/pods', res('watch', '', 'pods', 'default')],
  ['PUT', '/api/v1/namespaces/default/pods/p/status', res('update', '', 'pods', 'default', 'p', 'status')],
  ['POST', '/api/v1/namespaces/default/pods/p/binding', res('create', '', 'pods', 'default', 'p', 'binding')],
  [
    'POST',
    '/api/v1/namespaces/kube-system/serviceaccounts/sa/token',
    res('create', '', 'serviceaccounts', 'kube-system', 'sa', 'token'),
  ],
  ['DELETE', '/api/v1/namespaces/default/secrets', res('deletecollection', '', 'secrets', 'default')],
  // A Namespace's own name is its namespace, so a RoleBinding there may grant reading it.
  ['GET', '/api/v1/namespaces/team', res('get', '', 'namespaces', 'team', 'team')],
  ['GET', '/api/v1/namespaces', res('list', '', 'namespaces')],
  ['PUT', '/api/v1/namespaces/team/finalize', res('update', '', 'namespaces', 'team', 'team', 'finalize')],
  [
    'POST',
    '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
    res('create', 'authorization.k8s.io', 'selfsubjectaccessreviews'),
  ],
  [
    'GET',
    '/apis/apps/v1/namespaces/kube-system/daemonsets/kovn-node',
    res('get', 'apps', 'daemonsets', 'kube-system', 'kovn-node'),
  ],
  ['GET', '/apis', { resourceRequest: false, verb: 'get', path: '/apis' }],
  ['GET', '/apis/kubeovn.io', { resourceRequest: false, verb: 'get', path: '/apis/kubeovn.io' }],
  ['GET', '/apis/kubeovn.io/v1', { resourceRequest: false, verb: 'get', path: '/apis/kubeovn.io/v1' }],
  ['GET', '/api/v1', { resourceRequest: false, verb: 'get', path: '/api/v1' }],
  [
    'GET',
    '/openapi/v3/apis/kubeovn.io/v1',
    { resourceRequest: false, verb: 'get', path: '/openapi/v3/apis/kubeovn.io/v1' },
  ],
  ['GET', '/readyz/store', { resourceRequest: false, verb: 'get', path: '/readyz/store' }],
  ['POST', '/version', { resourceRequest: false, verb: 'post', path: '/version' }],
];

describe('request attributes', () => {
  for (const [method, path, expected] of cases) {
    it(`${method} ${path}`, () => {
      assert.deepEqual(attrs(method, path), expected);
    });
  }
});
