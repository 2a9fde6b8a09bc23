// The health endpoints' answers, case for case as k8s.io/apiserver/pkg/server/healthz's own tests state them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  endpointHealth,
  pingCheck,
  singleCheckHealth,
  type HealthCheck,
} from '../../../src/apiserver/http/health.ts';

const bad: HealthCheck = { name: 'bad', failure: () => 'this will fail' };

describe('health endpoint answers', () => {
  const cases: Array<{ query: string; withBad: boolean; status: number; text: string }> = [
    { query: 'verbose', withBad: false, status: 200, text: '[+]ping ok\nreadyz check passed\n' },
    { query: 'exclude=dontexist', withBad: false, status: 200, text: 'ok' },
    { query: 'exclude=bad', withBad: true, status: 200, text: 'ok' },
    {
      query: 'verbose=true&exclude=bad',
      withBad: true,
      status: 200,
      text: '[+]ping ok\n[+]bad excluded: ok\nreadyz check passed\n',
    },
    {
      query: 'verbose=true&exclude=dontexist',
      withBad: false,
      status: 200,
      text: '[+]ping ok\nwarn: some health checks cannot be excluded: no matches for "dontexist"\nreadyz check passed\n',
    },
    { query: '', withBad: false, status: 200, text: 'ok' },
    {
      query: 'verbose',
      withBad: true,
      status: 500,
      text: '[+]ping ok\n[-]bad failed: reason withheld\nreadyz check failed\n',
    },
    // a failure is always verbose
    {
      query: '',
      withBad: true,
      status: 500,
      text: '[+]ping ok\n[-]bad failed: reason withheld\nreadyz check failed\n',
    },
  ];
  for (const c of cases) {
    it(`/readyz?${c.query}${c.withBad ? ' with a failing check' : ''} -> ${c.status}`, () => {
      const checks = c.withBad ? [pingCheck, bad] : [pingCheck];
      const answer = endpointHealth('readyz', checks, new URLSearchParams(c.query));
      assert.equal(answer.status, c.status);
      assert.equal(answer.text, c.text);
      assert.deepEqual(answer.failures, c.status === 500 ? [{ check: 'bad', reason: 'this will fail' }] : []);
    });
  }

  const single: Array<[name: string, status: number, text: string]> = [
    ['ping', 200, 'ok'],
    ['bad', 500, 'internal server error: this will fail\n'],
    ['nope', 404, '404 page not found\n'],
  ];
  for (const [name, status, text] of single) {
    it(`/readyz/${name} -> ${status}`, () => {
      const answer = singleCheckHealth([pingCheck, bad], name);
      assert.equal(answer.status, status);
      assert.equal(answer.text, text);
    });
  }
});
