import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatMac, generateMac, normalizeMac, seededRandom } from '../../../src/ipam/mac.ts';

void test('normalizeMac: 6-byte MACs with one separator kind, normalised to lower-case colons', () => {
  const cases: [string, string | undefined][] = [
    ['aa:bb:cc:dd:ee:ff', 'aa:bb:cc:dd:ee:ff'],
    ['AA:BB:CC:DD:EE:FF', 'aa:bb:cc:dd:ee:ff'],
    ['aa-bb-cc-dd-ee-ff', 'aa:bb:cc:dd:ee:ff'],
    ['aa:bb-cc:dd:ee:ff', undefined],
    ['aa:bb:cc:dd:ee', undefined],
    ['aa:bb:cc:dd:ee:ff:00', undefined],
    ['aabb.ccdd.eeff', undefined],
    ['gg:bb:cc:dd:ee:ff', undefined],
    ['', undefined],
  ];
  for (const [input, expected] of cases) assert.equal(normalizeMac(input), expected, input);
});

void test('seededRandom is deterministic per seed', () => {
  assert.deepEqual(seededRandom(5)(8), seededRandom(5)(8));
  assert.notDeepEqual(seededRandom(5)(8), seededRandom(6)(8));
});

void test('property: generated MACs are locally administered unicast and avoid taken ones', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), fc.integer(), (bytes, seed) => {
      const first = formatMac(bytes);
      const random = seededRandom(seed);
      let calls = 0;
      const mac = generateMac(
        (n) => (calls++ === 0 ? bytes : random(n)),
        (m) =>
          m === first.replace(/^../, (b) => ((parseInt(b, 16) & 0xfe) | 2).toString(16).padStart(2, '0')),
      );
      const octet = parseInt(mac.slice(0, 2), 16);
      assert.equal(octet & 0x01, 0, 'unicast');
      assert.equal(octet & 0x02, 0x02, 'locally administered');
      assert.equal(normalizeMac(mac), mac);
      assert.ok(calls >= 2, 'the first candidate was taken, so another was drawn');
    }),
    { numRuns: 300 },
  );
});
