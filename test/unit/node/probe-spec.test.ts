// A pod's probes as kubelet reads them: handlers, named ports, defaults, the ports TProxy carries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/types.ts';
import { podProbes, probedPorts, resolvePort } from '../../../src/node/probe-spec.ts';

const pod = (containers: unknown[]): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns' },
  spec: { containers },
});

void test('named ports resolve through the container ports; bad ports do not', () => {
  const c = { name: 'web', ports: [{ name: 'http', containerPort: 8080 }] };
  const cases: [number | string | undefined, number | undefined][] = [
    [80, 80],
    ['80', 80],
    ['http', 8080],
    ['metrics', undefined],
    [0, undefined],
    [70000, undefined],
    [undefined, undefined],
  ];
  for (const [port, want] of cases) assert.equal(resolvePort(port, c), want, String(port));
});

void test('every probe with its handler and kubelet defaults, startup first', () => {
  const probes = podProbes(
    pod([
      {
        name: 'web',
        ports: [{ name: 'http', containerPort: 8080 }],
        readinessProbe: {
          httpGet: { path: 'healthz', port: 'http', httpHeaders: [{ name: 'X', value: 'y' }] },
        },
        livenessProbe: {
          tcpSocket: { port: 8080 },
          periodSeconds: 5,
          failureThreshold: 1,
          successThreshold: 4,
        },
        startupProbe: { exec: { command: ['true'] }, initialDelaySeconds: 3 },
      },
      { name: 'side', readinessProbe: { tcpSocket: { port: 'nope' } } },
    ]),
  );
  assert.deepEqual(
    probes.map((p) => [p.container, p.kind, p.action.type]),
    [
      ['web', 'startup', 'exec'],
      ['web', 'liveness', 'tcp'],
      ['web', 'readiness', 'http'],
      ['side', 'readiness', 'invalid'],
    ],
  );
  const [startup, liveness, readiness, bad] = probes;
  assert.equal(startup?.initialDelaySeconds, 3);
  assert.deepEqual(
    [
      liveness?.periodSeconds,
      liveness?.timeoutSeconds,
      liveness?.failureThreshold,
      liveness?.successThreshold,
    ],
    [5, 1, 1, 1],
    'liveness successThreshold is always 1',
  );
  assert.deepEqual(readiness?.action, {
    type: 'http',
    port: 8080,
    path: '/healthz',
    scheme: 'HTTP',
    headers: [{ name: 'X', value: 'y' }],
  });
  assert.deepEqual(
    [
      readiness?.periodSeconds,
      readiness?.timeoutSeconds,
      readiness?.successThreshold,
      readiness?.failureThreshold,
    ],
    [10, 1, 1, 3],
  );
  assert.match(
    bad?.action.type === 'invalid' ? bad.action.reason : '',
    /"nope" .* names no port of container side/,
  );
});

void test('probed ports: network probes only, unique and sorted', () => {
  const p = pod([
    {
      name: 'a',
      ports: [{ name: 'h', containerPort: 81 }],
      readinessProbe: { httpGet: { port: 'h' } },
      livenessProbe: { tcpSocket: { port: 81 } },
      startupProbe: { grpc: { port: 9000 } },
    },
    { name: 'b', readinessProbe: { exec: { command: ['x'] } }, livenessProbe: { tcpSocket: { port: 80 } } },
  ]);
  assert.deepEqual(probedPorts(p), [80, 81, 9000]);
  assert.deepEqual(probedPorts(pod([{ name: 'c' }])), []);
});

void test('grpc probes carry their service (default ""); exec probes their command, or are invalid without one', () => {
  const cases: [unknown, unknown][] = [
    [{ grpc: { port: 9000 } }, { type: 'grpc', port: 9000, service: '' }],
    [{ grpc: { port: 9000, service: 'echo.Echo' } }, { type: 'grpc', port: 9000, service: 'echo.Echo' }],
    [{ exec: { command: ['sh', '-c', 'exit 3'] } }, { type: 'exec', command: ['sh', '-c', 'exit 3'] }],
    [{ exec: { command: [] } }, { type: 'invalid', reason: 'the exec probe has no command' }],
    [{ exec: {} }, { type: 'invalid', reason: 'the exec probe has no command' }],
    [{ exec: { command: ['sh', 3] } }, { type: 'invalid', reason: 'the exec probe has no command' }],
  ];
  for (const [probe, want] of cases)
    assert.deepEqual(
      podProbes(pod([{ name: 'c', readinessProbe: probe }]))[0]?.action,
      want,
      JSON.stringify(probe),
    );
});
