// The node agent's command line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAgentFlags } from '../../../src/node/agent/flags.ts';

const required = [
  '--node',
  'w',
  '--netns',
  'lab-n-w',
  '--ovs-rundir',
  '/r',
  '--socket',
  '/s.sock',
  '--kubeconfig',
  '/k',
];

void test('required flags, both spellings, optional ones converted', () => {
  assert.deepEqual(parseAgentFlags(required), {
    node: 'w',
    netns: 'lab-n-w',
    ovsRundir: '/r',
    socket: '/s.sock',
    kubeconfig: '/k',
    logLevel: 'info',
  });
  const f = parseAgentFlags([
    ...required.slice(2),
    '--node=x',
    '--wait-timeout',
    '5',
    '--mtu=1400',
    '--log-level',
    'debug',
  ]);
  assert.equal(f.node, 'x');
  assert.equal(f.waitTimeoutMs, 5000);
  assert.equal(f.mtu, 1400);
  assert.equal(f.logLevel, 'debug');
});

void test('refusals name the flag', () => {
  const cases: [string[], RegExp][] = [
    [required.slice(2), /missing --node/],
    [[...required, '--bogus', '1'], /unknown flag --bogus/],
    [[...required, '--mtu', '0'], /--mtu/],
    [[...required, 'stray'], /unexpected argument "stray"/],
    [[...required.slice(0, -1)], /--kubeconfig needs a value/],
  ];
  for (const [argv, want] of cases) assert.throws(() => parseAgentFlags(argv), want, argv.join(' '));
});
