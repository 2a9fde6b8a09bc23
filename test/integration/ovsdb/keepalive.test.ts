// Echo keepalive both ways against a real ovsdb-server (RFC 7047 §4.1.11): the server probes an idle TCP
// connection (inactivity_probe set through the NB Connection table) and we answer; we probe an idle connection and
// the server answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startNb } from '../../support/ovsdb-server.ts';
import { freeLoopbackPort } from '../../../src/ovn/cluster.ts';
import { OvsdbClient, insert, namedUuid, set } from '../../../src/ovsdb/index.ts';

const DB = 'OVN_Northbound';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves true once the TCP port accepts a connection (the server reads Connection rows asynchronously). */
async function tcpUp(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`port ${port} never opened`);
    await sleep(50);
  }
}

/** Milliseconds until the server closes a silent raw connection (one that never answers echo). */
function silentPeerLifetime(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const s = connect({ host: '127.0.0.1', port });
    s.on('data', () => undefined); // read the server's echo requests, never answer them
    s.once('close', () => resolve(Date.now() - started));
    s.once('error', reject);
  });
}

void test(
  "the server's echo requests are answered, so an idle connection survives its inactivity probe",
  { timeout: 60_000 },
  async (t) => {
    const nb = await startNb({ extraRemotes: [`db:${DB},NB_Global,connections`] });
    t.after(() => nb.cleanup());
    const port = await freeLoopbackPort();
    const admin = await OvsdbClient.connect({ remotes: [nb.unix], database: DB });
    t.after(() => admin.close());
    await admin.transact([
      insert('Connection', { target: `ptcp:${port}:127.0.0.1`, inactivity_probe: 1000 }, 'conn'),
      insert('NB_Global', { connections: set([namedUuid('conn')]) }),
    ]);
    await tcpUp(port);

    // Control: a peer that does not answer is dropped after about two probe intervals.
    const lifetime = await silentPeerLifetime(port);
    assert.ok(lifetime >= 1500 && lifetime < 5000, `silent peer dropped after ${lifetime} ms`);

    const client = await OvsdbClient.connect({
      remotes: [`tcp:127.0.0.1:${port}`],
      database: DB,
      echoIntervalMs: 0,
    });
    t.after(() => client.close());
    let drops = 0;
    client.on('disconnected', () => drops++);
    await sleep(lifetime + 1500); // longer than it takes the server to drop a peer that does not answer
    assert.ok(client.stats.echoesAnswered >= 2, `answered ${client.stats.echoesAnswered} echoes`);
    assert.equal(client.stats.echoesSent, 0, 'our own keepalive was off');
    assert.equal(drops, 0, 'never dropped');
    assert.equal(client.stats.reconnects, 0);
    await client.transact([insert('Address_Set', { name: 'still-alive' })]);
  },
);

void test(
  'our echo keepalive probes an idle connection and the server answers',
  { timeout: 30_000 },
  async (t) => {
    const nb = await startNb();
    t.after(() => nb.cleanup());
    const client = await OvsdbClient.connect({ remotes: [nb.unix], database: DB, echoIntervalMs: 100 });
    t.after(() => client.close());
    await sleep(800);
    const { echoesSent, echoRepliesReceived } = client.stats;
    assert.ok(echoesSent >= 3, `sent ${echoesSent}`);
    assert.ok(
      echoRepliesReceived >= echoesSent - 1,
      `${echoRepliesReceived} replies to ${echoesSent} echoes`,
    );
    assert.equal(client.stats.reconnects, 0);
  },
);
