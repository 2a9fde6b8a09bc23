// The responder's command line and answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpAnswer, looksLikeHttp, parseResponderArgs } from '../../../src/node/responder-protocol.ts';

void test('arguments', () => {
  assert.deepEqual(parseResponderArgs(['--pod', 'ns/p', '--tcp', '80', '--udp', '53', '--tcp', '8080']), {
    pod: 'ns/p',
    tcp: [80, 8080],
    udp: [53],
  });
  const bad: [string[], RegExp][] = [
    [[], /--pod is required/],
    [['--pod', 'p'], /NAMESPACE\/NAME/],
    [['--pod', 'a/b', '--tcp', '0'], /not a port/],
    [['--pod', 'a/b', '--tcp'], /needs a value/],
    [['--pod', 'a/b', '--sctp', '1'], /unknown argument/],
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
