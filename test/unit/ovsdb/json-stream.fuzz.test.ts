// Fuzzing of the JSON-RPC stream splitter (src/ovsdb/json-stream.ts): any bytes, cut into any chunks, give values or
// a JsonFramingError (and the splitter then stays failed); the error and its offset do not depend on where the chunks
// were cut, nor do the values (those of the failing chunk are dropped with it, by design, so a failed stream gives a
// prefix of the values it holds); JSON messages written back to back, with any whitespace between them and cut
// anywhere (inside strings, escapes and multi-byte UTF-8), come out exactly as they went in.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { JsonFramingError, JsonStreamSplitter } from '../../../src/ovsdb/json-stream.ts';
import { fuzz, tokenSoup } from '../../support/fuzz.ts';

interface Outcome {
  values: unknown[];
  error: string | undefined;
}

/** Feeds `bytes` cut at `cuts` (offsets, any order) and then ends the stream. */
function split(bytes: Buffer, cuts: readonly number[]): Outcome {
  const offsets = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const splitter = new JsonStreamSplitter();
  const values: unknown[] = [];
  let start = 0;
  try {
    for (const end of [...offsets, bytes.length]) {
      values.push(...splitter.push(bytes.subarray(start, end)));
      start = end;
    }
    splitter.end();
    return { values, error: undefined };
  } catch (error) {
    if (!(error instanceof JsonFramingError)) throw error;
    assert.throws(
      () => splitter.push(Buffer.from('{}')),
      (e: unknown) => e === error,
      'stays failed',
    );
    assert.throws(
      () => splitter.end(),
      (e: unknown) => e === error,
      'stays failed',
    );
    return { values, error: error.message };
  }
}

const cuts = fc.array(fc.nat(), { maxLength: 8 });
// prettier-ignore
const fragments = [
  '{', '}', '[', ']', '"', '\\', '\\"', '\\\\', ':', ',', '1', 'true', 'null', ' ', '\n', '\r\n', '\t', 'é', '😀', '"a"',
  'x', '\u0000',
];

/** An RPC-shaped message: an object or an array at the top, as the framing requires. */
const message = fc.oneof(
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 4 }),
  fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 4 }),
  fc.record({
    id: fc.integer(),
    method: fc.string({ maxLength: 8 }),
    params: fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 3 }),
  }),
);
const whitespace = fc.string({ unit: fc.constantFrom(' ', '\n', '\r', '\t'), maxLength: 3 });

describe('the JSON-RPC stream splitter under fuzzing', () => {
  it('any bytes: values or a JsonFramingError, the same however the chunks are cut', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 80 }).map((a) => Buffer.from(a)),
      tokenSoup(fragments, 30).map((s) => Buffer.from(s)),
    );
    fuzz(
      fc.tuple(bytes, cuts),
      ([b, c]) => {
        const chunked = split(b, c);
        const byteByByte = split(b, Array.from(b.keys()));
        assert.equal(chunked.error, byteByByte.error);
        if (chunked.error === undefined) assert.deepEqual(chunked.values, byteByByte.values);
        else assert.deepEqual(chunked.values, byteByByte.values.slice(0, chunked.values.length));
      },
      { seed: 2501, numRuns: 3000 },
    );
  });

  it('messages written back to back come out exactly, cut anywhere', () => {
    fuzz(
      fc.tuple(fc.array(fc.tuple(whitespace, message), { maxLength: 5 }), whitespace, cuts),
      ([messages, trailing, c]) => {
        const text = messages.map(([ws, m]) => `${ws}${JSON.stringify(m)}`).join('') + trailing;
        assert.deepEqual(split(Buffer.from(text), c), {
          values: messages.map(([, m]) => JSON.parse(JSON.stringify(m)) as unknown),
          error: undefined,
        });
      },
      { seed: 2502, numRuns: 1500 },
    );
  });
});
