// The one wording of issues and rejections (src/api/issues.ts), as kube-apiserver prints field errors and Status
// messages; the API server, the controller and `kovn validate` all print through it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  conflict,
  forbidden,
  formatIssue,
  formatRejection,
  invalid,
  notFound,
  notSupported,
  required,
  unknownField,
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
      conflict('spec.cidrBlock', '10.0.1.0/24', 'overlaps'),
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
    [
      [bad, conflict('spec.c', 1, 'taken')],
      'Operation cannot be fulfilled on Vpc.kubeovn.io "v": [spec.a: Invalid value: "x": bad, spec.c: Duplicate value: 1: taken]',
    ],
    [
      [conflict('spec.c', 1, 'taken'), forbidden('spec.d', 'no')],
      'Vpc.kubeovn.io "v" is forbidden: [spec.c: Duplicate value: 1: taken, spec.d: Forbidden: no]',
    ],
  ];
  for (const [issues, want] of cases) assert.equal(formatRejection('Vpc.kubeovn.io', 'v', issues), want);
});
