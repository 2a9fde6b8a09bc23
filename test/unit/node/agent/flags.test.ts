// The node agent's command line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAgentFlags } from '../../../../src/node/agent/flags.ts';

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
    enableTproxy: false,
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

void test('--enable-tproxy: off by default; alone, =true or =false; --tproxy-socket', () => {
  const cases: [string[], boolean][] = [
    [[], false],
    [['--enable-tproxy'], true],
    [['--enable-tproxy', '--mtu', '1400'], true],
    [['--enable-tproxy=true'], true],
    [['--enable-tproxy=false'], false],
    [['--enable-tproxy', 'false'], false],
  ];
  for (const [extra, want] of cases)
    assert.equal(parseAgentFlags([...required, ...extra]).enableTproxy, want, extra.join(' '));
  assert.equal(parseAgentFlags([...required, '--tproxy-socket=/t.sock']).tproxySocket, '/t.sock');
  assert.throws(
    () => parseAgentFlags([...required, '--enable-tproxy=yes']),
    /--enable-tproxy: "yes" is not true or false/,
  );
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
