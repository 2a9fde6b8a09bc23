import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parseSeconds } from '../../../src/cli/commands/delete.ts';
import { ApiStatusError } from '../../../src/kube/errors.ts';
import { kubeconfigSource } from '../../../src/cli/kube/kubeconfig.ts';
import { errorLines, StepError, manifestError, reportErrors } from '../../../src/cli/kube/report.ts';

describe('which kubeconfig a command uses', () => {
  const cwd = '/work/project';
  const cases: Array<[string, string | undefined, NodeJS.ProcessEnv, string[], string]> = [
    ['--kubeconfig wins', '/k/flag', { KUBECONFIG: '/k/env', KOVN_HOME: '/h' }, ['/k/flag'], '--kubeconfig'],
    [
      'then KUBECONFIG, a list',
      undefined,
      { KUBECONFIG: '/k/a::/k/b', KOVN_HOME: '/h' },
      ['/k/a', '/k/b'],
      'KUBECONFIG',
    ],
    ['then the lab home from KOVN_HOME', undefined, { KOVN_HOME: '/h' }, ['/h/kubeconfig'], 'lab'],
    ['then .kovn in the project', undefined, {}, [join(resolve(cwd, '.kovn'), 'kubeconfig')], 'lab'],
    [
      'an empty KUBECONFIG is no choice',
      undefined,
      { KUBECONFIG: '' },
      [join(resolve(cwd, '.kovn'), 'kubeconfig')],
      'lab',
    ],
  ];
  for (const [name, flag, env, paths, from] of cases) {
    it(name, () => assert.deepEqual(kubeconfigSource(flag, env, cwd), { paths, from }));
  }
});

describe('durations of --timeout', () => {
  const cases: Array<[string, number | undefined]> = [
    ['30s', 30_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['5', 5_000],
    ['1.5s', 1_500],
    ['x', undefined],
    ['-1s', undefined],
  ];
  for (const [text, ms] of cases)
    it(`${text} -> ${ms ?? 'invalid'}`, () => assert.equal(parseSeconds(text), ms));
});

describe('error lines as kubectl prints them', () => {
  const invalid = (): ApiStatusError =>
    new ApiStatusError('POST', 422, {
      kind: 'Status',
      reason: 'Invalid',
      message: 'Subnet.kubeovn.io "bad" is invalid: spec.cidrBlock: Invalid value: "10.0.1.0/33": not a CIDR',
      details: {
        name: 'bad',
        kind: 'Subnet',
        causes: [{ field: 'spec.cidrBlock', message: 'Invalid value: "10.0.1.0/33": not a CIDR' }],
      },
    });
  const twoCauses = (): ApiStatusError =>
    new ApiStatusError('POST', 422, {
      kind: 'Status',
      reason: 'Invalid',
      message: 'x',
      details: {
        name: 'v',
        kind: 'Vpc',
        causes: [{ field: 'spec.a', message: 'Required value' }, { message: 'bad' }],
      },
    });
  const notFound = (): ApiStatusError =>
    new ApiStatusError('DELETE', 404, {
      kind: 'Status',
      reason: 'NotFound',
      message: 'vpcs.kubeovn.io "x" not found',
    });
  const cases: Array<[string, () => Parameters<typeof errorLines>[0], string[]]> = [
    [
      'a lone Invalid names kind, object, field and reason',
      () => [manifestError(new StepError('creating', invalid()), 'f.yaml')],
      ['The Subnet "bad" is invalid: spec.cidrBlock: Invalid value: "10.0.1.0/33": not a CIDR'],
    ],
    [
      'several causes are listed',
      () => [{ error: twoCauses() }],
      ['The Vpc "v" is invalid: ', '* spec.a: Required value', '* bad'],
    ],
    [
      'among several errors, each says where it came from',
      () => [
        manifestError(new StepError('creating', invalid()), 'f.yaml'),
        manifestError(new StepError('deleting', notFound()), 'g.yaml'),
      ],
      [
        'Error from server (Invalid): error when creating "f.yaml": Subnet.kubeovn.io "bad" is invalid: spec.cidrBlock: Invalid value: "10.0.1.0/33": not a CIDR',
        'Error from server (NotFound): error when deleting "g.yaml": vpcs.kubeovn.io "x" not found',
      ],
    ],
    [
      'a server error without a manifest',
      () => [{ error: notFound() }],
      ['Error from server (NotFound): vpcs.kubeovn.io "x" not found'],
    ],
    [
      "a status without a reason gets the code's",
      () => [{ error: new ApiStatusError('GET', 403, { message: 'no' }) }],
      ['Error from server (Forbidden): no'],
    ],
    [
      'anything else is error:',
      () => [manifestError(new Error('resource mapping not found'), 'f.yaml')],
      ['error: resource mapping not found'],
    ],
  ];
  for (const [name, errors, lines] of cases) it(name, () => assert.deepEqual(errorLines(errors()), lines));
});

describe('the errors a command reports and its exit code', () => {
  const cases: Array<[string, Parameters<typeof reportErrors>[1], string[], number]> = [
    ['no error: nothing printed, exit 0', [], [], 0],
    ['one error: its line, exit 1', [{ error: new Error('boom') }], ['error: boom'], 1],
    [
      'several: one line each, exit 1',
      [{ error: new Error('a') }, { error: new Error('b') }],
      ['error: a', 'error: b'],
      1,
    ],
  ];
  for (const [name, errors, lines, code] of cases) {
    it(name, () => {
      const printed: string[] = [];
      assert.equal(reportErrors({ err: (line) => printed.push(line) }, errors), code);
      assert.deepEqual(printed, lines);
    });
  }
});
