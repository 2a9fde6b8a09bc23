import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Duplex, duplexPair } from 'node:stream';
import { FakeClock } from '../../../src/util/clock.ts';
import { JsonRpcSession, JsonRpcProtocolError } from '../../../src/ovsdb/jsonrpc.ts';
import { JsonStreamSplitter, JsonFramingError } from '../../../src/ovsdb/json-stream.ts';
import { ConnectionClosedError, KeepaliveTimeoutError, UnknownDatabase } from '../../../src/ovsdb/errors.ts';
import { silentLogger } from '../../../src/ovsdb/logger.ts';

/** The far end of the stream: reads whole JSON messages, writes raw bytes. */
class Peer {
  readonly stream: Duplex;
  readonly #splitter = new JsonStreamSplitter();
  readonly #queue: unknown[] = [];
  #wake: (() => void) | undefined;
  constructor(stream: Duplex) {
    this.stream = stream;
    stream.on('data', (chunk: Buffer) => {
      this.#queue.push(...this.#splitter.push(chunk));
      this.#wake?.();
    });
  }
  async next(): Promise<Record<string, unknown>> {
    while (this.#queue.length === 0) await new Promise<void>((r) => (this.#wake = r));
    return this.#queue.shift() as Record<string, unknown>;
  }
  write(text: string): void {
    this.stream.write(text);
  }
}

function setup(options: { echoIntervalMs?: number } = {}) {
  const [ours, theirs] = duplexPair();
  const clock = new FakeClock(0);
  const session = new JsonRpcSession({ stream: ours, clock, logger: silentLogger, ...options });
  return { session, peer: new Peer(theirs), clock };
}

void test('requests are matched to responses by id, even when responses arrive split and out of order', async () => {
  const { session, peer } = setup();
  const a = session.request('list_dbs', []);
  const b = session.request('get_schema', ['OVN_Northbound']);
  const ra = await peer.next();
  const rb = await peer.next();
  assert.deepEqual(
    [ra.method, ra.params, rb.method, rb.params],
    ['list_dbs', [], 'get_schema', ['OVN_Northbound']],
  );
  const reply = JSON.stringify({ id: rb.id, result: { name: 'OVN_Northbound' }, error: null });
  peer.write(reply.slice(0, 7));
  peer.write(reply.slice(7) + JSON.stringify({ id: ra.id, result: ['OVN_Northbound'], error: null }));
  assert.deepEqual(await a, ['OVN_Northbound']);
  assert.deepEqual(await b, { name: 'OVN_Northbound' });
  session.close();
});

void test('an error response rejects with the typed error; notifications are emitted', async () => {
  const { session, peer } = setup();
  const seen: unknown[] = [];
  session.on('notification', (method, params) => seen.push([method, params]));
  const p = session.request('get_schema', ['Nope']);
  const req = await peer.next();
  peer.write(JSON.stringify({ method: 'update2', params: ['m', {}], id: null }));
  peer.write(
    JSON.stringify({ id: req.id, result: null, error: { error: 'unknown database', details: 'Nope' } }),
  );
  await assert.rejects(
    p,
    (e: unknown) => e instanceof UnknownDatabase && e.details === 'Nope' && e.method === 'get_schema',
  );
  assert.deepEqual(seen, [['update2', ['m', {}]]]);
  session.close();
});

void test("the server's echo is answered with its params and the same id", async () => {
  const { session, peer } = setup();
  peer.write('{"method":"echo","params":["ping",1],"id":"echo"}');
  assert.deepEqual(await peer.next(), { result: ['ping', 1], error: null, id: 'echo' });
  assert.equal(session.stats.echoesAnswered, 1);
  session.close();
});

void test('a malformed stream closes the session with JsonFramingError and fails pending requests', async () => {
  const { session, peer } = setup();
  const closed = once(session, 'close');
  const pending = session.request('transact', ['OVN_Northbound']);
  await peer.next();
  peer.write('{"id":1,"result":[]}}garbage');
  const [reason] = (await closed) as [Error];
  assert.ok(reason instanceof JsonFramingError, String(reason));
  await assert.rejects(pending, (e: unknown) => e instanceof ConnectionClosedError && e.cause === reason);
  assert.equal(session.closed, true);
  await assert.rejects(session.request('echo', []), ConnectionClosedError);
});

void test('valid JSON that is not JSON-RPC is a protocol error, not ignored', async () => {
  const { session, peer } = setup();
  const closed = once(session, 'close');
  peer.write('{"hello":"world"}');
  const [reason] = (await closed) as [Error];
  assert.ok(reason instanceof JsonRpcProtocolError);
});

void test('the peer closing mid-message is a framing error; closing cleanly is ConnectionClosedError', async () => {
  const mid = setup();
  const midClosed = once(mid.session, 'close');
  mid.peer.write('{"id":1,"res');
  mid.peer.stream.end();
  assert.ok(((await midClosed) as [Error])[0] instanceof JsonFramingError);
  const clean = setup();
  const cleanClosed = once(clean.session, 'close');
  clean.peer.stream.end();
  assert.ok(((await cleanClosed) as [Error])[0] instanceof ConnectionClosedError);
});

void test('our keepalive sends an echo after silence and closes the session when nothing comes back', async () => {
  const { session, peer, clock } = setup({ echoIntervalMs: 1000 });
  const closed = once(session, 'close');
  clock.advance(1000);
  const echo = await peer.next();
  assert.equal(echo.method, 'echo');
  assert.equal(session.stats.echoesSent, 1);
  peer.write(JSON.stringify({ id: echo.id, result: echo.params, error: null }));
  await new Promise((r) => setImmediate(r));
  assert.equal(session.stats.echoRepliesReceived, 1);
  clock.advance(1000);
  assert.equal((await peer.next()).method, 'echo');
  clock.advance(999);
  assert.equal(session.closed, false);
  clock.advance(1);
  assert.ok(((await closed) as [Error])[0] instanceof KeepaliveTimeoutError);
});

void test('requests sent in the same tick leave in one write, in order; later ones in another', async () => {
  const writes: string[][] = [];
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      writes.push([chunk.toString()]);
      callback();
    },
    writev(chunks, callback) {
      writes.push(chunks.map((c) => String(c.chunk)));
      callback();
    },
  });
  const session = new JsonRpcSession({ stream, clock: new FakeClock(0), logger: silentLogger });
  const pending = [
    session.request('echo', ['a']),
    session.request('echo', ['b']),
    session.request('echo', ['c']),
  ];
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  pending.push(session.request('echo', ['d']));
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  const params = writes.map((batch) => batch.map((m) => (JSON.parse(m) as { params: string[] }).params[0]));
  assert.deepEqual(params, [['a', 'b', 'c'], ['d']]);
  session.close();
  await Promise.allSettled(pending);
});
