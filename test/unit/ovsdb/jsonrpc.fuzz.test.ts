// Fuzzing of the JSON-RPC session (src/ovsdb/jsonrpc.ts) with what a server may send: any JSON, JSON-RPC-shaped
// messages with any id, method, params, result and error, raw garbage, and notifications whose listener throws (as
// the cache does on an update whose rows do not decode). Nothing escapes the stream's 'data' event; the session
// either stays open or closes once with a typed reason; and every request settles, with its result or a typed error.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Duplex } from 'node:stream';
import fc from 'fast-check';
import { ConnectionClosedError, OvsdbError } from '../../../src/ovsdb/errors.ts';
import { JsonFramingError } from '../../../src/ovsdb/json-stream.ts';
import { JsonRpcProtocolError, JsonRpcSession } from '../../../src/ovsdb/jsonrpc.ts';
import { silentLogger } from '../../../src/ovsdb/logger.ts';
import { FakeClock } from '../../../src/util/clock.ts';
import { fuzzAsync } from '../../support/fuzz.ts';

/** A stream whose writes go nowhere; the test delivers the server's bytes with `emit('data')`, synchronously. */
function sink(): Duplex {
  return new Duplex({
    read() {},
    write(_chunk, _encoding, done) {
      done();
    },
  });
}

const REQUESTS = 3;
const id = fc.oneof(
  fc.integer({ min: 1, max: REQUESTS }),
  fc.constantFrom(null, 0, -1, 'echo', 1.5, true),
  fc.jsonValue({ maxDepth: 1 }),
);
const value = fc.jsonValue({ maxDepth: 3 });
const wireError = fc.oneof(
  fc.constantFrom(null, 'unknown database', 'not leader', 'syntax error', ''),
  fc.record(
    { error: fc.oneof(fc.string({ maxLength: 12 }), value), details: fc.oneof(fc.string(), value) },
    { requiredKeys: [] },
  ),
  value,
);
const rpcMessage = fc.record(
  {
    id,
    method: fc.oneof(
      fc.constantFrom('echo', 'update', 'update2', 'update3', 'locked', 'stolen', 'throw'),
      value,
    ),
    params: fc.oneof(fc.array(value, { maxLength: 3 }), value),
    result: value,
    error: wireError,
  },
  { requiredKeys: [] },
);
const chunk = fc.oneof(
  { weight: 6, arbitrary: rpcMessage.map((m) => JSON.stringify(m)) },
  { weight: 2, arbitrary: value.map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom('{"id":1,', '"result":2}', '}', '[', ' ', '\n') },
);

const typedClose = (e: unknown): boolean =>
  e instanceof JsonFramingError || e instanceof JsonRpcProtocolError || e instanceof ConnectionClosedError;
const typedRejection = (e: unknown): boolean => e instanceof OvsdbError || e instanceof ConnectionClosedError;

describe('the JSON-RPC session under fuzzing', () => {
  it('whatever the server sends, nothing escapes, the session closes typed, and every request settles typed', async () => {
    await fuzzAsync(
      fc.array(chunk, { maxLength: 8 }),
      async (chunks) => {
        const stream = sink();
        const session = new JsonRpcSession({ stream, clock: new FakeClock(0), logger: silentLogger });
        const closes: Error[] = [];
        session.on('close', (reason) => closes.push(reason));
        session.on('notification', (method) => {
          if (method === 'throw') throw new TypeError("Cannot read properties of null (reading 'new')");
        });
        const requests = Array.from({ length: REQUESTS }, (_, i) => session.request('transact', [i]));
        for (const c of chunks) stream.emit('data', Buffer.from(c));
        session.close();
        for (const outcome of await Promise.allSettled(requests)) {
          if (outcome.status === 'rejected')
            assert.ok(typedRejection(outcome.reason), String(outcome.reason));
        }
        assert.equal(closes.length, 1, 'closed exactly once');
        assert.ok(typedClose(closes[0]), String(closes[0]));
      },
      { seed: 2601, numRuns: 800 },
    );
  });

  // Regression: a notification listener that threw (the cache applying an update it could not decode) threw out of
  // the stream's 'data' handler, an uncaught exception that ended the process.
  it('closes the session when a notification listener throws, with the error as the cause', async () => {
    const stream = sink();
    const session = new JsonRpcSession({ stream, clock: new FakeClock(0), logger: silentLogger });
    const thrown = new TypeError('boom');
    session.on('notification', () => {
      throw thrown;
    });
    const pending = session.request('transact', []);
    stream.emit('data', Buffer.from('{"method":"update2","params":["m",{"T":{"u":null}}],"id":null}'));
    assert.equal(session.closed, true);
    await assert.rejects(pending, (e: unknown) => {
      const reason = (e as Error).cause;
      return (
        e instanceof ConnectionClosedError &&
        reason instanceof JsonRpcProtocolError &&
        reason.cause === thrown
      );
    });
  });
});
