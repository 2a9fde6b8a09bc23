// OVSDB over TLS against a real NB ovsdb-server started with --private-key/--certificate/--ca-cert and
// --remote=pssl:0:127.0.0.1 (Kube-OVN's ENABLE_SSL setup), with a PKI made for the test: the client connects over
// ssl:, monitors and transacts (ovn-nbctl with the same files sees its row); a client certificate from another CA
// and a server certificate our CA did not sign are refused with the TLS reason, and retried; rotated files are read
// on the next attempt; an ssl: remote without TLS options fails at once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { NB_SCHEMA, OvsdbServer, ovsEnv, waitFor } from '../../../src/ovn/daemons.ts';
import { OvsdbClient, insert, map, type OvsdbTlsOptions } from '../../../src/ovsdb/index.ts';
import type { OvnNbTables } from '../../../src/ovsdb/generated/ovn-nb.ts';
import { netConnector, type Connector } from '../../../src/ovsdb/transport.ts';
import { systemClock } from '../../../src/util/clock.ts';
import { check, processRunner } from '../../../src/util/exec.ts';
import { tempDir, type TempDir } from '../../support/ovsdb-server.ts';
import { makeTestPki, type KeyPair, type TestPki } from '../../support/tls-pki.ts';

const DB = 'OVN_Northbound';

/** Every message down the cause chain, so an assertion sees the TLS reason wherever it was wrapped. */
function messages(error: unknown): string {
  const out: string[] = [];
  for (let e = error; e instanceof Error; e = e.cause) out.push(e.message);
  return out.join(' <- ');
}

function tlsOf(pair: KeyPair, caCert: string): OvsdbTlsOptions {
  return { privateKey: pair.key, certificate: pair.cert, caCert };
}

/** A connector over the real one that counts connection attempts (each reads the TLS files afresh). */
function countingConnector(tls: OvsdbTlsOptions): { connector: Connector; attempts: () => number } {
  const inner = netConnector(systemClock, tls);
  let attempts = 0;
  return {
    connector: (remote, timeoutMs) => {
      attempts++;
      return inner(remote, timeoutMs);
    },
    attempts: () => attempts,
  };
}

/** An NB ovsdb-server serving only pssl:0:127.0.0.1 with the server's key and certificate and the test CA. */
async function startSslNb(
  dir: string,
  name: string,
  pki: TestPki,
  extraArgs: string[] = [],
): Promise<{ server: OvsdbServer; remote: string }> {
  const server = await OvsdbServer.start({
    dir,
    name,
    schema: NB_SCHEMA,
    tcpPort: false,
    extraRemotes: ['pssl:0:127.0.0.1'],
    extraArgs: [
      `--private-key=${pki.server.key}`,
      `--certificate=${pki.server.cert}`,
      `--ca-cert=${pki.ca}`,
      ...extraArgs,
    ],
  });
  const port = await waitFor(systemClock, `${name}'s pssl port in its log`, () => {
    const m = /listening on port (\d+)/.exec(server.log());
    return m ? Number(m[1]) : undefined;
  });
  return { server, remote: `ssl:127.0.0.1:${port}` };
}

void describe('OVSDB over TLS (ssl: remotes)', { timeout: 60_000 }, () => {
  let tmp: TempDir;
  let pki: TestPki;
  let server: OvsdbServer;
  let remote: string;

  before(async () => {
    tmp = tempDir('kovn-ovsdb-tls-');
    pki = await makeTestPki(join(tmp.dir, 'pki'));
    ({ server, remote } = await startSslNb(tmp.dir, 'nb', pki));
  });

  after(async () => {
    await server?.stop();
    tmp?.remove();
  });

  void test('connects over ssl:, monitors and transacts; the server certificate names no host', async (t) => {
    const client = await OvsdbClient.connect<OvnNbTables>({
      remotes: [remote],
      database: DB,
      tls: tlsOf(pki.client, pki.ca),
    });
    t.after(() => client.close());
    assert.equal(client.remote, remote);
    await client.monitor({ Logical_Switch: { columns: ['name', 'external_ids'] } });
    await client.transact([
      insert('Logical_Switch', { name: 'tls-ls', external_ids: map({ 'kovn.io/test': 'tls' }) }),
    ]);
    assert.deepEqual(
      client.cache
        .table('Logical_Switch')
        .rows()
        .map((r) => r.name),
      ['tls-ls'],
    );
    const listed = await check(
      processRunner,
      'ovn-nbctl',
      ['--db', remote, '-p', pki.client.key, '-c', pki.client.cert, '-C', pki.ca, 'ls-list'],
      { env: ovsEnv(tmp.dir) },
    );
    assert.match(listed, /\(tls-ls\)/, 'ovn-nbctl with the same files sees the row');
  });

  void test('a client certificate from another CA is refused with the TLS reason, and retried', async () => {
    const counting = countingConnector(tlsOf(pki.stranger, pki.ca));
    const error = await OvsdbClient.connect({
      remotes: [remote],
      database: DB,
      connector: counting.connector,
      backoff: { initialMs: 50, maxMs: 100 },
      initialConnectTimeoutMs: 1500,
    }).then(
      () => assert.fail('connected with a certificate the server does not trust'),
      (e: unknown) => e,
    );
    assert.match(messages(error), new RegExp(`could not connect to ${remote}`));
    assert.match(
      messages(error),
      new RegExp(
        `${remote}: TLS handshake failed: the server does not trust our certificate: tlsv1 alert unknown ca`,
      ),
    );
    assert.ok(counting.attempts() >= 2, `retried with backoff (${counting.attempts()} attempts)`);
  });

  void test('a server certificate our CA did not sign is refused, naming the CA file', async () => {
    const error = await OvsdbClient.connect({
      remotes: [remote],
      database: DB,
      tls: tlsOf(pki.client, pki.otherCa),
      initialConnectTimeoutMs: 500,
    }).then(
      () => assert.fail('trusted a server certificate from another CA'),
      (e: unknown) => e,
    );
    assert.match(
      messages(error),
      new RegExp(
        `${remote}: TLS handshake failed: server certificate not trusted: .*checked against CA ${pki.otherCa}`,
      ),
    );
  });

  void test('the TLS files are read on every attempt: a rotated certificate is used on the next one', async (t) => {
    const files = tlsOf({ key: join(tmp.dir, 'rotating.key'), cert: join(tmp.dir, 'rotating.pem') }, pki.ca);
    copyFileSync(pki.stranger.key, files.privateKey);
    copyFileSync(pki.stranger.cert, files.certificate);
    const counting = countingConnector(files);
    const connecting = OvsdbClient.connect({
      remotes: [remote],
      database: DB,
      connector: counting.connector,
      backoff: { initialMs: 50, maxMs: 100 },
      initialConnectTimeoutMs: 20_000,
    });
    await waitFor(systemClock, 'two refused attempts', () => (counting.attempts() >= 2 ? true : undefined));
    copyFileSync(pki.client.key, files.privateKey);
    copyFileSync(pki.client.cert, files.certificate);
    const client = await connecting;
    t.after(() => client.close());
    assert.equal(client.remote, remote);
    assert.ok((await client.listDbs()).includes(DB));
  });

  void test('TLS 1.2 (--ssl-protocols=TLSv1.2): connects, and a foreign client certificate is refused', async (t) => {
    const nb12 = await startSslNb(tmp.dir, 'nb12', pki, ['--ssl-protocols=TLSv1.2']);
    t.after(() => nb12.server.stop());
    const client = await OvsdbClient.connect({
      remotes: [nb12.remote],
      database: DB,
      tls: tlsOf(pki.client, pki.ca),
    });
    t.after(() => client.close());
    assert.ok((await client.listDbs()).includes(DB));
    await assert.rejects(
      OvsdbClient.connect({
        remotes: [nb12.remote],
        database: DB,
        tls: tlsOf(pki.stranger, pki.ca),
        initialConnectTimeoutMs: 500,
      }),
      (error) => {
        assert.match(messages(error), /TLS handshake failed: the server does not trust our certificate/);
        return true;
      },
    );
  });

  void test('an ssl: remote without TLS options fails at once, naming the remote and what is missing', async () => {
    await assert.rejects(
      OvsdbClient.connect({ remotes: [remote], database: DB }),
      new RegExp(
        `remote ${remote} needs TLS options \\(file paths\\): missing privateKey, certificate, caCert`,
      ),
    );
  });
});
