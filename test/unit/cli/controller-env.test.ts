// Where `kovn controller` finds the OVN NB without --ovn-nb-addr (src/cli/commands/controller-env.ts), as Kube-OVN's
// start-controller.sh: OVN_NB_ADDR, else OVN_DB_IPS, else the ovn-nb Service's variables; ssl: with ENABLE_SSL=true.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nbRemotesOf } from '../../../src/cli/commands/controller-env.ts';

void test('the NB remotes: flag, then OVN_NB_ADDR, OVN_DB_IPS, the ovn-nb Service; the scheme from ENABLE_SSL', () => {
  const service = { OVN_NB_SERVICE_HOST: '10.96.0.7', OVN_NB_SERVICE_PORT: '6641' };
  const cases: Array<[string | undefined, NodeJS.ProcessEnv, ReturnType<typeof nbRemotesOf>]> = [
    [
      'tcp:1.1.1.1:6641, tcp:1.1.1.2:6641',
      { OVN_NB_ADDR: 'tcp:9.9.9.9:6641' },
      { remotes: ['tcp:1.1.1.1:6641', 'tcp:1.1.1.2:6641'], from: '--ovn-nb-addr' },
    ],
    [
      undefined,
      { OVN_NB_ADDR: 'ssl:9.9.9.9:6641', ...service },
      { remotes: ['ssl:9.9.9.9:6641'], from: 'OVN_NB_ADDR' },
    ],
    [
      undefined,
      { OVN_DB_IPS: '192.0.2.1, 192.0.2.2,fd00::3', ...service },
      { remotes: ['tcp:[192.0.2.1]:6641', 'tcp:[192.0.2.2]:6641', 'tcp:[fd00::3]:6641'], from: 'OVN_DB_IPS' },
    ],
    [
      undefined,
      { OVN_DB_IPS: '192.0.2.1', ENABLE_SSL: 'true' },
      { remotes: ['ssl:[192.0.2.1]:6641'], from: 'OVN_DB_IPS' },
    ],
    [undefined, service, { remotes: ['tcp:[10.96.0.7]:6641'], from: 'OVN_NB_SERVICE_HOST' }],
    [
      undefined,
      { ...service, ENABLE_SSL: 'true' },
      { remotes: ['ssl:[10.96.0.7]:6641'], from: 'OVN_NB_SERVICE_HOST' },
    ],
    [
      undefined,
      { ...service, ENABLE_SSL: 'false' },
      { remotes: ['tcp:[10.96.0.7]:6641'], from: 'OVN_NB_SERVICE_HOST' },
    ],
  ];
  for (const [flag, env, want] of cases) assert.deepEqual(nbRemotesOf(flag, env), want, JSON.stringify(env));
});

void test('no NB address anywhere: an error naming every place looked at', () => {
  for (const env of [{}, { OVN_NB_SERVICE_HOST: '10.96.0.7' }, { OVN_DB_IPS: ' , ' }]) {
    const got = nbRemotesOf(undefined, env);
    assert.ok('error' in got, JSON.stringify(env));
    assert.match(
      got.error,
      /pass --ovn-nb-addr, or set OVN_NB_ADDR, OVN_DB_IPS, or OVN_NB_SERVICE_HOST and OVN_NB_SERVICE_PORT/,
    );
  }
});
