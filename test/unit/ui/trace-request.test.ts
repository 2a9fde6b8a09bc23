// The page's trace requests (src/ui/trace-request.ts): what is accepted, and the field and reason of each refusal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTraceRequest, TraceRequestError } from '../../../src/ui/trace-request.ts';

test('accepted: a pod to a pod, to an IPv4 or IPv6 address, with a TCP or UDP port', () => {
  assert.deepEqual(parseTraceRequest('{"source":"ns1/a","dest":"ns1/b"}'), {
    source: 'ns1/a',
    dest: 'ns1/b',
  });
  assert.deepEqual(parseTraceRequest('{"source":"ns1/a","dest":"10.0.1.3","tcp":80}'), {
    source: 'ns1/a',
    dest: '10.0.1.3',
    tcp: 80,
  });
  assert.deepEqual(parseTraceRequest('{"source":"ns1/a","dest":"fd00::5","udp":53}'), {
    source: 'ns1/a',
    dest: 'fd00::5',
    udp: 53,
  });
});

const refused: [string, string, RegExp][] = [
  ['not JSON', 'nope', /^the body is not JSON$/],
  ['not an object', '"x"', /^want a JSON object$/],
  ['no source', '{"dest":"ns/b"}', /^source: want NAMESPACE\/POD, got undefined$/],
  ['a source with no namespace', '{"source":"a","dest":"ns/b"}', /^source: want NAMESPACE\/POD, got "a"$/],
  [
    'a dest that is neither',
    '{"source":"ns/a","dest":"http://x"}',
    /^dest: want NAMESPACE\/POD or an IP address/,
  ],
  [
    'a port out of range',
    '{"source":"ns/a","dest":"ns/b","tcp":70000}',
    /^tcp: want a port number 1-65535, got 70000$/,
  ],
  ['a port as text', '{"source":"ns/a","dest":"ns/b","udp":"53"}', /^udp: want a port number/],
  ['both ports', '{"source":"ns/a","dest":"ns/b","tcp":1,"udp":2}', /^tcp, udp: give one of them, not both$/],
];

for (const [name, body, message] of refused) {
  test(`refused with 400: ${name}`, () => {
    assert.throws(
      () => parseTraceRequest(body),
      (err: unknown) => err instanceof TraceRequestError && err.status === 400 && message.test(err.message),
    );
  });
}
