import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hoistGlobalOptions, programName } from '../../../src/cli/plugin-argv.ts';

describe('the name the CLI runs under', () => {
  const cases: Array<[NodeJS.ProcessEnv, string]> = [
    [{}, 'kovn'],
    [{ KOVN_PROGRAM: 'kubectl kovn' }, 'kubectl kovn'],
    [{ KOVN_PROGRAM: 'something else' }, 'kovn'],
  ];
  for (const [env, name] of cases) it(JSON.stringify(env), () => assert.equal(programName(env), name));
});

describe('global options before the command move to just after it', () => {
  const cases: Array<[string[], string[]]> = [
    [
      ['get', 'vpc'],
      ['get', 'vpc'],
    ],
    [
      ['--kubeconfig', 'F', 'get', 'vpc'],
      ['get', '--kubeconfig', 'F', 'vpc'],
    ],
    [
      ['--kubeconfig=F', '-n', 'ns1', 'get', 'po'],
      ['get', '--kubeconfig=F', '-n', 'ns1', 'po'],
    ],
    [
      ['--context', 'c', 'nbctl', 'show'],
      ['nbctl', '--context', 'c', 'show'],
    ],
    [
      ['--namespace=ns1', 'get'],
      ['get', '--namespace=ns1'],
    ],
    [
      ['get', '--kubeconfig', 'F'],
      ['get', '--kubeconfig', 'F'],
    ],
    [
      ['--kubeconfig', 'F'],
      ['--kubeconfig', 'F'],
    ],
    [
      ['--raw', 'trace'],
      ['--raw', 'trace'],
    ],
    [[], []],
  ];
  for (const [argv, want] of cases) {
    it(argv.join(' ') || '(none)', () => assert.deepEqual(hoistGlobalOptions(argv), want));
  }
});
