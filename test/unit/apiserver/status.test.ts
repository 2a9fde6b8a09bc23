import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forbidden, notFound, rejection, staleResourceVersion } from '../../../src/apiserver/status.ts';

const vpc = { group: 'kubeovn.io', resource: 'vpcs', kind: 'Vpc' };

describe('Status rendering', () => {
  it('words one Invalid issue as kube-apiserver does', () => {
    const status = rejection(vpc, 'test-vpc-1', [
      { field: 'spec.staticRoutes[0].cidr', type: 'FieldValueInvalid', value: 'x', message: 'not a CIDR' },
    ]).toStatus();
    assert.deepEqual(status, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'Vpc.kubeovn.io "test-vpc-1" is invalid: spec.staticRoutes[0].cidr: Invalid value: "x": not a CIDR',
      reason: 'Invalid',
      details: {
        name: 'test-vpc-1',
        group: 'kubeovn.io',
        kind: 'Vpc',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message: 'Invalid value: "x": not a CIDR',
            field: 'spec.staticRoutes[0].cidr',
          },
        ],
      },
      code: 422,
    });
  });

  it('picks the most severe reason and lists several issues in brackets', () => {
    const issues = [
      { field: 'spec.a', type: 'FieldValueRequired' as const, message: '' },
      { field: 'spec.b', type: 'FieldValueDuplicate' as const, value: 3, message: 'taken' },
    ];
    // A duplicate value is a validation verdict: 422 (409 is kube-apiserver's for resourceVersion clashes only).
    const duplicate = rejection(vpc, 'v', issues);
    assert.equal(duplicate.code, 422);
    assert.equal(
      duplicate.message,
      'Vpc.kubeovn.io "v" is invalid: [spec.a: Required value, spec.b: Duplicate value: 3: taken]',
    );
    const forbidden = rejection(vpc, 'v', [
      ...issues,
      { field: 'metadata.name', type: 'FieldValueForbidden', message: 'in use', reason: 'Forbidden' },
    ]);
    assert.equal(forbidden.code, 403);
    assert.equal(forbidden.reason, 'Forbidden');
    assert.match(forbidden.message, /^Vpc\.kubeovn\.io "v" is forbidden: \[/);
  });

  it('renders NotFound and Conflict with the plural resource name', () => {
    assert.equal(notFound(vpc, 'x').message, 'vpcs.kubeovn.io "x" not found');
    assert.equal(notFound({ group: '', resource: 'pods', kind: 'Pod' }, 'p').message, 'pods "p" not found');
    assert.equal(staleResourceVersion(vpc, 'x').toStatus().code, 409);
  });
});

describe('forbidden', () => {
  const crds = {
    group: 'apiextensions.k8s.io',
    resource: 'customresourcedefinitions',
    kind: 'CustomResourceDefinition',
  };
  const cases: Array<[string, string, string, Record<string, unknown>]> = [
    [
      'names the object',
      'vpcs.kubeovn.io',
      'customresourcedefinitions.apiextensions.k8s.io "vpcs.kubeovn.io" is forbidden: no',
      { name: 'vpcs.kubeovn.io', group: 'apiextensions.k8s.io', kind: 'customresourcedefinitions' },
    ],
    [
      'leaves the name out when there is none (create, deletecollection)',
      '',
      'customresourcedefinitions.apiextensions.k8s.io is forbidden: no',
      { group: 'apiextensions.k8s.io', kind: 'customresourcedefinitions' },
    ],
  ];
  for (const [what, name, message, details] of cases) {
    it(what, () => {
      const status = forbidden(crds, name, 'no').toStatus();
      assert.equal(status.code, 403);
      assert.equal(status.reason, 'Forbidden');
      assert.equal(status.message, message);
      assert.deepEqual(status.details, details);
    });
  }
});
