// The responder's command line and answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatGrpcHealthEntry,
  grpcStatusMaps,
  httpAnswer,
  looksLikeHttp,
  parseGrpcHealth,
  parseGrpcHealthEntry,
  parseResponderArgs,
} from '../../../src/node/responder-protocol.ts';

void test('arguments', () => {
  assert.deepEqual(parseResponderArgs(['--pod', 'ns/p', '--tcp', '80', '--udp', '53', '--tcp', '8080']), {
    pod: 'ns/p',
    tcp: [80, 8080],
    udp: [53],
    grpc: [],
  });
  assert.deepEqual(parseResponderArgs(['--pod', 'ns/p', '--grpc', '9000/echo.Echo=NOT_SERVING']).grpc, [
    { port: 9000, service: 'echo.Echo', status: 'NOT_SERVING' },
  ]);
  const bad: [string[], RegExp][] = [
    [[], /--pod is required/],
    [['--pod', 'p'], /NAMESPACE\/NAME/],
    [['--pod', 'a/b', '--tcp', '0'], /not a port/],
    [['--pod', 'a/b', '--tcp'], /needs a value/],
    [['--pod', 'a/b', '--sctp', '1'], /unknown argument/],
    [['--pod', 'a/b', '--grpc', 'x'], /PORT\[\/SERVICE\]\[=STATUS\]/],
  ];
  for (const [argv, want] of bad) assert.throws(() => parseResponderArgs(argv), want);
});

void test('HTTP or not: decided from the first bytes', () => {
  const cases: [string, boolean | undefined][] = [
    ['GET / HTTP/1.1\r\n', true],
    ['HEAD /x HTTP/1.0', true],
    ['GE', undefined],
    ['hello', false],
    ['hello world', false],
  ];
  for (const [head, want] of cases) assert.equal(looksLikeHttp(head), want, head);
});

void test('the answer names the pod; HEAD gets the headers only', () => {
  const get = httpAnswer('ns1/p', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.match(get, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(get, /Content-Length: 6\r\n/);
  assert.ok(get.endsWith('\r\n\r\nns1/p\n'));
  assert.ok(httpAnswer('ns1/p', 'HEAD / HTTP/1.1\r\n\r\n').endsWith('\r\n\r\n'));
});

void test('gRPC health entries: port, service and status, read back as written', () => {
  const cases: [string, { port: number; service: string; status: string } | RegExp][] = [
    ['9000', { port: 9000, service: '', status: 'SERVING' }],
    [' 9000 ', { port: 9000, service: '', status: 'SERVING' }],
    ['9000=NOT_SERVING', { port: 9000, service: '', status: 'NOT_SERVING' }],
    ['9000/echo.Echo', { port: 9000, service: 'echo.Echo', status: 'SERVING' }],
    [
      '9000/grpc.health.v1.Health=UNKNOWN',
      { port: 9000, service: 'grpc.health.v1.Health', status: 'UNKNOWN' },
    ],
    ['0', /port from 1 to 65535/],
    ['70000', /port from 1 to 65535/],
    ['grpc', /port from 1 to 65535/],
    ['9000=BROKEN', /one of SERVING, NOT_SERVING, UNKNOWN/],
    ['9000=serving', /one of SERVING/],
  ];
  for (const [text, want] of cases) {
    if (want instanceof RegExp) assert.throws(() => parseGrpcHealthEntry(text), want, text);
    else {
      assert.deepEqual(parseGrpcHealthEntry(text), want, text);
      assert.deepEqual(parseGrpcHealthEntry(formatGrpcHealthEntry(parseGrpcHealthEntry(text))), want);
    }
  }
  assert.deepEqual(
    parseGrpcHealth('9000, 9001=NOT_SERVING,,').map((e) => e.port),
    [9000, 9001],
  );
});

void test('each gRPC port serves "" SERVING unless told otherwise; unlisted services are absent', () => {
  const maps = grpcStatusMaps(
    parseGrpcHealth('9000, 9000/a=NOT_SERVING, 9001=NOT_SERVING, 9002/b, 9002/b=UNKNOWN'),
  );
  assert.deepEqual(Object.fromEntries(maps), {
    9000: { '': 'SERVING', a: 'NOT_SERVING' },
    9001: { '': 'NOT_SERVING' },
    9002: { '': 'SERVING', b: 'UNKNOWN' },
  });
});
