// Fuzzing of Kubernetes protobuf bodies (src/apiserver/http/protobuf.ts): random bytes after the magic, and
// well-framed messages of random fields (any number, any wire type, nested) inside a valid envelope, decode to an
// object or a 4xx ApiError, never a crash and never slowly; a ConfigMap written by a protobuf encoder decodes to its
// JSON form, whatever its keys. The two inputs that used to take minutes are kept as regression cases.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeKubernetesProtobuf } from '../../../../src/apiserver/http/protobuf.ts';
import { ApiError } from '../../../../src/apiserver/status.ts';
import { fuzz, parsedOrRejected } from '../../../support/fuzz.ts';

const magic = Buffer.from('k8s\0', 'latin1');

function varint(value: bigint): Buffer {
  const out: number[] = [];
  let v = BigInt.asUintN(64, value);
  while (v >= 0x80n) {
    out.push(Number((v & 0x7fn) | 0x80n));
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}

const tag = (field: number, wire: number): Buffer => varint(BigInt((field << 3) | wire));
const delimited = (field: number, bytes: Buffer): Buffer =>
  Buffer.concat([tag(field, 2), varint(BigInt(bytes.length)), bytes]);
const text = (field: number, s: string): Buffer => delimited(field, Buffer.from(s));

function envelope(apiVersion: string, kind: string, raw: Buffer): Buffer {
  const typeMeta = Buffer.concat([text(1, apiVersion), text(2, kind)]);
  return Buffer.concat([magic, delimited(1, typeMeta), delimited(2, raw)]);
}

/** One protobuf field of any number and wire type, with a payload that fits the wire type (or, rarely, does not). */
const fieldSoup: fc.Arbitrary<Buffer> = fc.letrec<{ message: Buffer; field: Buffer }>((tie) => ({
  message: fc.array(tie('field'), { maxLength: 6 }).map((fields) => Buffer.concat(fields)),
  field: fc.oneof(
    { depthSize: 'small' },
    fc
      .tuple(fc.integer({ min: 0, max: 40 }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }))
      .map(([n, v]) => Buffer.concat([tag(n, 0), varint(v)])),
    fc
      .tuple(
        fc.integer({ min: 0, max: 40 }),
        fc.constantFrom(1, 5),
        fc.uint8Array({ minLength: 0, maxLength: 9 }),
      )
      .map(([n, wire, bytes]) => Buffer.concat([tag(n, wire), Buffer.from(bytes)])),
    fc.tuple(fc.integer({ min: 0, max: 40 }), fc.string({ maxLength: 12 })).map(([n, s]) => text(n, s)),
    fc.tuple(fc.integer({ min: 0, max: 40 }), tie('message')).map(([n, m]) => delimited(n, m)),
    fc.tuple(fc.integer({ min: 0, max: 40 }), fc.constantFrom(3, 4, 6, 7)).map(([n, wire]) => tag(n, wire)),
    fc.uint8Array({ maxLength: 4 }).map((a) => Buffer.from(a)),
  ),
})).message;

const kinds = [
  'Namespace',
  'ConfigMap',
  'ServiceAccount',
  'Service',
  'ClusterRole',
  'ClusterRoleBinding',
  'Deployment',
  'StatefulSet',
  'Pod',
  'Time',
  'Unknown',
  'Nope',
  '',
];

const isClientError = (error: unknown): boolean =>
  error instanceof ApiError && error.code >= 400 && error.code < 500;

describe('protobuf bodies under fuzzing', () => {
  it('random bytes after the magic: an object or a 4xx', () => {
    fuzz(
      fc.uint8Array({ maxLength: 200 }),
      (bytes) => {
        parsedOrRejected(() => decodeKubernetesProtobuf(Buffer.concat([magic, bytes])), isClientError);
      },
      { seed: 2101, numRuns: 1500 },
    );
  });

  it('well-framed random fields in a valid envelope: an object or a 4xx', () => {
    fuzz(
      fc.tuple(
        fc.constantFrom('v1', 'apps/v1', 'rbac.authorization.k8s.io/v1', ''),
        fc.constantFrom(...kinds),
        fieldSoup,
      ),
      ([apiVersion, kind, raw]) => {
        const decoded = parsedOrRejected(
          () => decodeKubernetesProtobuf(envelope(apiVersion, kind, raw)),
          isClientError,
        );
        if (!(decoded instanceof Error)) assert.equal(decoded.kind, kind);
      },
      { seed: 2102, numRuns: 1500 },
    );
  });

  it('a ConfigMap decodes to its JSON form, whatever its keys', () => {
    const key = fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom('__proto__', 'constructor', 'toString', ''),
    );
    fuzz(
      fc.record({
        name: fc.string({ minLength: 1, maxLength: 10 }),
        labels: fc.dictionary(key, fc.string({ maxLength: 6 }), { maxKeys: 4 }),
        data: fc.dictionary(key, fc.string({ maxLength: 10 }), { maxKeys: 6 }),
      }),
      ({ name, labels, data }) => {
        const entry = (field: number, k: string, v: string): Buffer =>
          delimited(field, Buffer.concat([text(1, k), text(2, v)]));
        const meta = Buffer.concat([
          text(1, name),
          ...Object.entries(labels).map(([k, v]) => entry(11, k, v)),
        ]);
        const raw = Buffer.concat([
          delimited(1, meta),
          ...Object.entries(data).map(([k, v]) => entry(2, k, v)),
        ]);
        const decoded = decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', raw));
        const expected = {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name, ...(Object.keys(labels).length ? { labels } : {}) },
          ...(Object.keys(data).length ? { data } : {}),
        };
        assert.equal(JSON.stringify(decoded), JSON.stringify(expected));
      },
      { seed: 2103, numRuns: 500 },
    );
  });

  // Regression: a varint was read for as long as its bytes had the high bit set, each step shifting a growing
  // bigint: 100,000 0xff bytes took 0.7 s, 300,000 more than a minute (the body limit is 3 MiB).
  it('refuses a varint longer than 10 bytes at once', () => {
    const started = performance.now();
    assert.throws(
      () => decodeKubernetesProtobuf(Buffer.concat([magic, Buffer.alloc(50_000, 0xff), Buffer.from([0])])),
      (e: unknown) => isClientError(e) && /varint longer than 10 bytes/.test((e as Error).message),
    );
    assert.ok(performance.now() - started < 1000, 'refused quickly');
  });

  // Regression: each map entry copied the whole map built so far (quadratic): 10,000 ConfigMap data entries, 89 KB,
  // took 65 s.
  it('decodes a map of 5,000 entries in linear time', () => {
    const entries = Array.from({ length: 5000 }, (_, i) =>
      delimited(2, Buffer.concat([text(1, `k${i}`), text(2, 'v')])),
    );
    const started = performance.now();
    const decoded = decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', Buffer.concat(entries)));
    assert.ok(performance.now() - started < 1000, 'decoded quickly');
    assert.equal(Object.keys(decoded.data as object).length, 5000);
  });
});
