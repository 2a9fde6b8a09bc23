import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonFramingError, JsonStreamSplitter } from '../../../src/ovsdb/json-stream.ts';

const b = (s: string): Buffer => Buffer.from(s, 'utf8');

void test('splits several back-to-back messages in one chunk, with whitespace between', () => {
  const s = new JsonStreamSplitter();
  const out = s.push(b('{"id":1,"result":[]}{"id":2,"result":{"a":[1,{"b":2}]}}\n  [1,2]\r\n'));
  assert.deepEqual(out, [{ id: 1, result: [] }, { id: 2, result: { a: [1, { b: 2 }] } }, [1, 2]]);
  assert.equal(s.pending, false);
});

void test('reassembles a message fed one byte at a time, including split multi-byte UTF-8', () => {
  const s = new JsonStreamSplitter();
  const text = '{"method":"update2","params":["é€😀 {not a brace} \\" \\\\",{"x":"]"}]}';
  const bytes = b(text);
  const seen: unknown[] = [];
  for (let i = 0; i < bytes.length; i++) {
    seen.push(...s.push(bytes.subarray(i, i + 1)));
    if (i < bytes.length - 1) assert.equal(s.pending, true);
  }
  assert.deepEqual(seen, [JSON.parse(text)]);
  assert.equal(s.pending, false);
  s.end();
});

void test('a message split across chunks mid-string with an escaped quote at the boundary', () => {
  const s = new JsonStreamSplitter();
  assert.deepEqual(s.push(b('{"a":"x\\')), []);
  assert.deepEqual(s.push(b('"}"}{"b":1')), [{ a: 'x"}' }]);
  assert.equal(s.pending, true);
  assert.deepEqual(s.push(b('}')), [{ b: 1 }]);
});

void test('garbage between messages fails with JsonFramingError at the right offset, and stays failed', () => {
  const s = new JsonStreamSplitter();
  assert.deepEqual(s.push(b('{"ok":1}')), [{ ok: 1 }]);
  assert.throws(
    () => s.push(b('  hello')),
    (e: unknown) => e instanceof JsonFramingError && e.offset === 10 && /0x68/.test(e.message),
  );
  assert.throws(() => s.push(b('{"ok":2}')), JsonFramingError);
});

void test('a balanced but unparsable value is an error carrying the JSON.parse cause', () => {
  const s = new JsonStreamSplitter();
  assert.throws(
    () => s.push(b('{"a":1,}')),
    (e: unknown) => e instanceof JsonFramingError && e.cause instanceof SyntaxError,
  );
});

void test('messages already complete before garbage in the same chunk are not returned: the chunk fails whole', () => {
  const s = new JsonStreamSplitter();
  assert.throws(() => s.push(b('{"a":1}x')), JsonFramingError);
});

void test('end of stream inside a message is an error; between messages it is fine', () => {
  const ok = new JsonStreamSplitter();
  ok.push(b('{"a":1} '));
  ok.end();
  const cut = new JsonStreamSplitter();
  cut.push(b('{"a":[1,'));
  assert.throws(() => cut.end(), /stream ended inside a message/);
});

void test('a message over maxMessageBytes is rejected, whether it arrives whole or in parts', () => {
  const whole = new JsonStreamSplitter({ maxMessageBytes: 16 });
  assert.deepEqual(whole.push(b('{"a":"12345678"}')), [{ a: '12345678' }]); // exactly 16 bytes
  assert.throws(() => whole.push(b('{"a":"123456789"}')), /exceeds 16 bytes/);
  const parts = new JsonStreamSplitter({ maxMessageBytes: 16 });
  parts.push(b('{"a":"1234'));
  assert.throws(() => parts.push(b('56789012345')), /exceeds 16 bytes/);
});

void test('any split of messages whose strings hold quotes, backslashes, braces and UTF-8 gives the same values', () => {
  let seed = 7;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const pieces = ['a', '"', '\\', '{', '}', '[', ']', 'é', '😀', ' ', ':', ',', 'uuid-1234'];
  const text = (): string => Array.from({ length: random(12) }, () => pieces[random(pieces.length)]).join('');
  const messages = Array.from({ length: 200 }, (_, i) => ({
    id: i,
    method: text(),
    params: [text(), { [text()]: [text(), i, null, true] }, text()],
  }));
  const bytes = Buffer.from(messages.map((m) => JSON.stringify(m)).join(''), 'utf8');
  for (const maxChunk of [1, 3, 17, 256, 4096, bytes.length]) {
    const s = new JsonStreamSplitter();
    const seen: unknown[] = [];
    for (let at = 0; at < bytes.length;) {
      const size = 1 + random(maxChunk);
      seen.push(...s.push(bytes.subarray(at, at + size)));
      at += size;
    }
    assert.deepEqual(seen, messages, `chunks of up to ${maxChunk} bytes`);
    s.end();
  }
});
