// The one wording of issues, warnings and rejections (src/api/issues.ts), as kube-apiserver prints field errors,
// field warnings and Status messages; the API server, the controller and `kovn validate` all print through it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  denied,
  duplicate,
  forbidden,
  formatIssue,
  formatRejection,
  formatWarning,
  invalid,
  notFound,
  notSupported,
  refuses,
  rejectionReason,
  required,
  unknownField,
  warning,
} from '../../../src/api/issues.ts';
import type { FieldIssue } from '../../../src/api/types.ts';

void test('one issue, as field.Error prints it', () => {
  const cases: [FieldIssue, string][] = [
    [
      invalid('spec.cidrBlock', '10.0.1.0/33', 'not a CIDR'),
      'spec.cidrBlock: Invalid value: "10.0.1.0/33": not a CIDR',
    ],
    [invalid('spec.size', 13, 'unlucky'), 'spec.size: Invalid value: 13: unlucky'],
    [invalid('spec.on', false, 'must be on'), 'spec.on: Invalid value: false: must be on'],
    [invalid('spec.list', ['a'], 'too short'), 'spec.list: Invalid value: ["a"]: too short'],
    [required('spec.vpc'), 'spec.vpc: Required value'],
    [{ field: 'spec.vpc', type: 'FieldValueRequired', message: '' }, 'spec.vpc: Required value'],
    [
      required('spec.lanIp', 'lanIp must be specified'),
      'spec.lanIp: Required value: lanIp must be specified',
    ],
    [forbidden('spec.vpc', 'immutable'), 'spec.vpc: Forbidden: immutable'],
    [
      notFound('spec.eip', 'nope', 'IptablesEIP nope not found'),
      'spec.eip: Not found: "nope": IptablesEIP nope not found',
    ],
    [
      duplicate('spec.cidrBlock', '10.0.1.0/24', 'overlaps'),
      'spec.cidrBlock: Duplicate value: "10.0.1.0/24": overlaps',
    ],
    [
      notSupported('spec.protocol', 'sctp', ['tcp', 'udp']),
      'spec.protocol: Unsupported value: "sctp": supported values: "tcp", "udp"',
    ],
    [unknownField('spec.colour'), 'spec.colour: Unsupported value: unknown field "spec.colour"'],
  ];
  for (const [issue, want] of cases) assert.equal(formatIssue(issue), want);
});

void test('a rejection, as kube-apiserver words its Status message per reason', () => {
  const bad = invalid('spec.a', 'x', 'bad');
  const cases: [FieldIssue[], string][] = [
    [[bad], 'Vpc.kubeovn.io "v" is invalid: spec.a: Invalid value: "x": bad'],
    [
      [bad, required('spec.b')],
      'Vpc.kubeovn.io "v" is invalid: [spec.a: Invalid value: "x": bad, spec.b: Required value]',
    ],
    // A duplicate is a 422 (kube-apiserver keeps 409 Conflict for resourceVersion clashes and AlreadyExists).
    [
      [bad, duplicate('spec.c', 1, 'taken')],
      'Vpc.kubeovn.io "v" is invalid: [spec.a: Invalid value: "x": bad, spec.c: Duplicate value: 1: taken]',
    ],
    [
      [duplicate('spec.c', 1, 'taken'), forbidden('spec.d', 'no')],
      'Vpc.kubeovn.io "v" is forbidden: [spec.c: Duplicate value: 1: taken, spec.d: Forbidden: no]',
    ],
    [[denied(bad)], 'Vpc.kubeovn.io "v" is forbidden: spec.a: Invalid value: "x": bad'],
  ];
  for (const [issues, want] of cases) assert.equal(formatRejection('Vpc.kubeovn.io', 'v', issues), want);
});

void test('reasons: Forbidden beats Invalid, and nothing answers Conflict', () => {
  const cases: [FieldIssue[], string][] = [
    [[invalid('spec.a', 1, 'x')], 'Invalid'],
    [[duplicate('spec.a', 1, 'x')], 'Invalid'],
    [[duplicate('spec.a', 1, 'x'), denied(invalid('spec.b', 2, 'y'))], 'Forbidden'],
    [[forbidden('spec.a', 'x')], 'Forbidden'],
  ];
  for (const [issues, want] of cases) assert.equal(rejectionReason(issues), want);
});

void test('warnings: worded as field warnings, refusing nothing (or only at the controller)', () => {
  const plain = warning('spec.policyRoutes[0].priority', 'below the allows');
  const deferred = warning('spec.namespaces[0]', 'taken', 'controller');
  assert.equal(formatWarning(plain), 'spec.policyRoutes[0].priority: below the allows');
  const cases: [FieldIssue, boolean, boolean][] = [
    // issue, refuses at the API server, refuses at the controller
    [invalid('spec.a', 1, 'x'), true, true],
    [plain, false, false],
    [deferred, false, true],
    [denied(plain), false, false],
  ];
  for (const [issue, api, controller] of cases) {
    assert.equal(refuses(issue), api, issue.message);
    assert.equal(refuses(issue, true), controller, issue.message);
  }
});
