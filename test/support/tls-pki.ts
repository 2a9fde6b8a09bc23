/**
 * Test support: a throwaway PKI made with the `openssl` CLI in a directory the test owns — a CA, a server
 * certificate and a client certificate it signed, and a second CA with a "stranger" client certificate of its own
 * (ECDSA P-256, valid for two days). The server certificate names no host (CN only, no subjectAltName), so a client
 * that connects to 127.0.0.1 and still accepts it shows that only the CA is checked, as OVS does.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { check, processRunner } from '../../src/util/exec.ts';

export interface KeyPair {
  key: string;
  cert: string;
}

export interface TestPki {
  /** The CA that signed `server` and `client`. */
  ca: string;
  server: KeyPair;
  client: KeyPair;
  /** A CA unrelated to `ca`. */
  otherCa: string;
  /** A client certificate signed by `otherCa`. */
  stranger: KeyPair;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

async function openssl(args: string[]): Promise<void> {
  await check(processRunner, 'openssl', args);
}

async function makeCa(dir: string, name: string): Promise<KeyPair> {
  const pair = { key: join(dir, `${name}.key`), cert: join(dir, `${name}.pem`) };
  await openssl([
    'req',
    '-x509',
    ...EC,
    '-keyout',
    pair.key,
    '-out',
    pair.cert,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
  ]);
  return pair;
}

async function makeLeaf(dir: string, name: string, ca: KeyPair, serial: number): Promise<KeyPair> {
  const pair = { key: join(dir, `${name}.key`), cert: join(dir, `${name}.pem`) };
  const csr = join(dir, `${name}.csr`);
  await openssl(['req', '-new', ...EC, '-keyout', pair.key, '-out', csr, '-subj', `/CN=${name}`]);
  await openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-set_serial',
    String(serial),
    '-days',
    '2',
    '-out',
    pair.cert,
  ]);
  return pair;
}

/** Makes the PKI under `dir` (created if needed); the caller removes `dir`. */
export async function makeTestPki(dir: string): Promise<TestPki> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = await makeCa(dir, 'kovn-test-ca');
  const otherCa = await makeCa(dir, 'other-ca');
  return {
    ca: ca.cert,
    server: await makeLeaf(dir, 'ovsdb-server.example', ca, 1),
    client: await makeLeaf(dir, 'kovn-controller', ca, 2),
    otherCa: otherCa.cert,
    stranger: await makeLeaf(dir, 'stranger', otherCa, 3),
  };
}
