// `kovn status`: one `metrics:` line per process that serves metrics, then the lab daemon's own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMetricsUrls } from '../../../src/cli/commands/lab.ts';
import type { ComponentStatus } from '../../../src/lab/status.ts';

const component = (name: string, metrics?: string): ComponentStatus => ({
  name,
  state: 'running',
  restarts: 0,
  since: 0,
  ...(metrics ? { metrics } : {}),
});

void test('metrics lines: components with an endpoint, aligned, the daemon last; none without endpoints', () => {
  const cases: [Parameters<typeof renderMetricsUrls>[0], string[]][] = [
    [{ components: [component('apiserver')] }, []],
    [
      {
        components: [
          component('apiserver'),
          component('controller', 'http://127.0.0.1:4001/metrics'),
          component('w1/node-agent', 'http://127.0.0.1:4002/metrics'),
        ],
        metrics: 'http://127.0.0.1:4003/metrics',
      },
      [
        'controller                        metrics: http://127.0.0.1:4001/metrics',
        'w1/node-agent                     metrics: http://127.0.0.1:4002/metrics',
        'lab daemon (NAT gateway agents)   metrics: http://127.0.0.1:4003/metrics',
      ],
    ],
  ];
  for (const [status, want] of cases) assert.deepEqual(renderMetricsUrls(status), want);
});
