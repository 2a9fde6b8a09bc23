// kubelet's gRPC probe outcomes in kubelet's words (pkg/probe/grpc), Go's duration and status-code names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { grpcCodeName, grpcResult, type GrpcOutcome } from '../../../../src/lab/kubelet/probe-grpc.ts';
import { joinHostPort } from '../../../../src/net/ip.ts';
import { goDuration } from '../../../../src/lab/kubelet/probe-result.ts';

void test('durations print as Go prints a time.Duration of whole seconds', () => {
  const cases: [number, string][] = [
    [1_000, '1s'],
    [10_000, '10s'],
    [59_000, '59s'],
    [60_000, '1m0s'],
    [90_000, '1m30s'],
    [3_600_000, '1h0m0s'],
    [3_723_000, '1h2m3s'],
  ];
  for (const [ms, want] of cases) assert.equal(goDuration(ms), want, String(ms));
});

void test('status codes print as grpc-go names them', () => {
  const cases: [number, string][] = [
    [0, 'OK'],
    [4, 'DeadlineExceeded'],
    [5, 'NotFound'],
    [12, 'Unimplemented'],
    [14, 'Unavailable'],
    [16, 'Unauthenticated'],
    [17, 'Code(17)'],
  ];
  for (const [code, want] of cases) assert.equal(grpcCodeName(code), want);
});

void test('addresses are joined as net.JoinHostPort joins them', () => {
  assert.equal(joinHostPort('10.0.1.5', 9000), '10.0.1.5:9000');
  assert.equal(joinHostPort('fd00::5', 9000), '[fd00::5]:9000');
});

void test('each outcome in kubelet words; only SERVING passes', () => {
  const addr = '10.0.1.5:9000';
  const cases: [GrpcOutcome, number, boolean, string][] = [
    [{ kind: 'response', status: 'SERVING' }, 1_000, true, 'service healthy'],
    [
      { kind: 'response', status: 'NOT_SERVING' },
      1_000,
      false,
      'service unhealthy (responded with "NOT_SERVING")',
    ],
    [{ kind: 'response', status: 'UNKNOWN' }, 1_000, false, 'service unhealthy (responded with "UNKNOWN")'],
    [
      { kind: 'not-connected' },
      1_000,
      false,
      'timeout: failed to connect service "10.0.1.5:9000" within 1s: context deadline exceeded',
    ],
    [
      { kind: 'not-connected' },
      90_000,
      false,
      'timeout: failed to connect service "10.0.1.5:9000" within 1m30s: context deadline exceeded',
    ],
    [
      { kind: 'error', code: 12, details: 'unknown service grpc.health.v1.Health' },
      1_000,
      false,
      'error: this server does not implement the grpc health protocol (grpc.health.v1.Health): unknown service grpc.health.v1.Health',
    ],
    [
      { kind: 'error', code: 4, details: 'Deadline exceeded' },
      2_000,
      false,
      'timeout: health rpc did not complete within 2s',
    ],
    [
      { kind: 'error', code: 5, details: 'Health status unknown for service x' },
      1_000,
      false,
      'error: health rpc probe failed: rpc error: code = NotFound desc = Health status unknown for service x',
    ],
  ];
  for (const [outcome, timeoutMs, ok, message] of cases)
    assert.deepEqual(grpcResult(outcome, addr, timeoutMs), { ok, message }, JSON.stringify(outcome));
});
