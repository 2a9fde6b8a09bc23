// What a pod's responder is started with: its declared ports, then the gRPC health entries of its annotation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/types.ts';
import { RESPONDER_SCRIPT, responderArgs, responderPorts } from '../../../../src/lab/kubelet/responders.ts';
import { parseResponderArgs } from '../../../../src/node/responder-protocol.ts';

const pod = (annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns', ...(annotations ? { annotations } : {}) },
  spec: {
    containers: [{ name: 'web', ports: [{ containerPort: 9000 }, { containerPort: 53, protocol: 'UDP' }] }],
  },
});

void test('declared ports, then each kovn.io/grpc-health entry; the responder reads them back', () => {
  assert.deepEqual(responderPorts(pod()), ['tcp:9000', 'udp:53']);
  const ports = responderPorts(pod({ 'kovn.io/grpc-health': '9000, 9000/echo.Echo=NOT_SERVING' }));
  assert.deepEqual(ports, ['tcp:9000', 'udp:53', 'grpc:9000=SERVING', 'grpc:9000/echo.Echo=NOT_SERVING']);
  const args = responderArgs({ pod: 'ns/p', netns: 'n', ports });
  assert.equal(args[0], RESPONDER_SCRIPT);
  assert.deepEqual(parseResponderArgs(args.slice(1)), {
    pod: 'ns/p',
    tcp: [9000],
    udp: [53],
    grpc: [
      { port: 9000, service: '', status: 'SERVING' },
      { port: 9000, service: 'echo.Echo', status: 'NOT_SERVING' },
    ],
  });
});

void test('an annotation that cannot be read is an error naming it', () => {
  assert.throws(
    () => responderPorts(pod({ 'kovn.io/grpc-health': '9000=UP' })),
    /^Error: annotation kovn.io\/grpc-health: "9000=UP": the status is one of SERVING, NOT_SERVING, UNKNOWN$/,
  );
});
