import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { notFound, rejection, staleResourceVersion } from '../../../src/apiserver/status.ts';

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
      {
        field: 'spec.b',
        type: 'FieldValueDuplicate' as const,
        value: 3,
        message: 'taken',
        reason: 'Conflict' as const,
      },
    ];
    const conflict = rejection(vpc, 'v', issues);
    assert.equal(conflict.code, 409);
    assert.equal(
      conflict.message,
      'Operation cannot be fulfilled on Vpc.kubeovn.io "v": [spec.a: Required value, spec.b: Duplicate value: 3: taken]',
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
