// The dotted-quad fast path added to parseIp (src/net/ip.ts) must agree with ipaddr.js's strict check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { parseIp } from '../../../src/net/ip.ts';

const reference = (text: string): bigint | undefined =>
  ipaddr.IPv4.isValidFourPartDecimal(text)
    ? ipaddr.IPv4.parse(text)
        .toByteArray()
        .reduce((v, b) => (v << 8n) | BigInt(b), 0n)
    : undefined;

void test('parseIp IPv4 fast path: table', () => {
  const cases: [string, bigint | undefined][] = [
    ['0.0.0.0', 0n],
    ['255.255.255.255', 0xffffffffn],
    ['10.0.1.2', 0x0a000102n],
    ['256.0.0.1', undefined],
    ['10.0.1.999', undefined],
    ['01.0.0.1', undefined],
    ['10.0.1.00', undefined],
    ['1000.0.0.1', undefined],
    ['10.0.1', undefined],
    ['10.0.1.2.3', undefined],
  ];
  for (const [text, value] of cases) {
    assert.equal(parseIp(text)?.value, value, text);
    assert.equal(reference(text), value, `reference ${text}`);
  }
});

void test('property: parseIp agrees with ipaddr.js on dotted strings', () => {
  const part = fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.stringMatching(/^[0-9]{1,4}$/));
  fc.assert(
    fc.property(fc.array(part, { minLength: 3, maxLength: 5 }), (parts) => {
      const text = parts.join('.');
      const ip = parseIp(text);
      assert.equal(ip?.family === 4 ? ip.value : undefined, reference(text), text);
    }),
    { numRuns: 2000 },
  );
});
