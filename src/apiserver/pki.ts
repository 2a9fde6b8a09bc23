/**
 * The server's credentials under dataDir: a self-signed CA (ECDSA P-256) and a serving certificate for
 * 127.0.0.1, ::1, localhost (and the listen host), plus a 256-bit bearer token. Created on first start, reused
 * afterwards (the serving certificate is re-issued when the host set changes). Secrets are written 0600,
 * atomically (temp file + rename), so a crash never leaves half a key.
 */
import { randomBytes, webcrypto } from 'node:crypto';
import type { webcrypto as wc } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import './reflect-shim.ts';
import * as x509 from '@peculiar/x509';
import { dateAt } from '../util/time.ts';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export interface Credentials {
  caPem: string;
  certPem: string;
  keyPem: string;
  token: string;
}

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const tenYears = 10 * 365 * 24 * 3600 * 1000;

export function writeSecret(path: string, content: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, content, { mode: 0o600 });
  renameSync(tmp, path);
}

function toPem(der: ArrayBuffer, label: string): string {
  const b64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd();
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

async function generateKeys(): Promise<wc.CryptoKeyPair> {
  return await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
}

async function importKey(pem: string): Promise<wc.CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return await webcrypto.subtle.importKey('pkcs8', der, algorithm, true, ['sign']);
}

async function createCa(now: number): Promise<{ certPem: string; keyPem: string }> {
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(16)
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name: 'CN=kovn-ca',
    notBefore: dateAt(now - 3600_000),
    notAfter: dateAt(now + tenYears),
    signingAlgorithm: algorithm,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return {
    certPem: cert.toString('pem'),
    keyPem: toPem(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY'),
  };
}

async function createServing(
  caCertPem: string,
  caKeyPem: string,
  hosts: readonly string[],
  now: number,
): Promise<{ certPem: string; keyPem: string }> {
  const caCert = new x509.X509Certificate(caCertPem);
  const caKey = await importKey(caKeyPem);
  const keys = await generateKeys();
  const names: x509.JsonGeneralName[] = hosts.map((h) => ({ type: isIP(h) ? 'ip' : 'dns', value: h }));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomBytes(16)
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    subject: 'CN=kovn-apiserver',
    issuer: caCert.subject,
    notBefore: dateAt(now - 3600_000),
    notAfter: dateAt(now + tenYears),
    signingAlgorithm: algorithm,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return {
    certPem: cert.toString('pem'),
    keyPem: toPem(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY'),
  };
}

/** Loads or creates the CA, serving certificate and token in `dir`. */
export async function ensureCredentials(dir: string, host: string, now: number): Promise<Credentials> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = (name: string): string => join(dir, name);
  if (!existsSync(file('ca.crt')) || !existsSync(file('ca.key'))) {
    const ca = await createCa(now);
    writeSecret(file('ca.key'), ca.keyPem);
    writeSecret(file('ca.crt'), ca.certPem);
  }
  const caPem = readFileSync(file('ca.crt'), 'utf8');
  const hosts = [...new Set(['127.0.0.1', '::1', 'localhost', host])];
  const hostsText = JSON.stringify(hosts);
  const current = existsSync(file('server.hosts')) ? readFileSync(file('server.hosts'), 'utf8') : '';
  if (current !== hostsText || !existsSync(file('server.crt')) || !existsSync(file('server.key'))) {
    const serving = await createServing(caPem, readFileSync(file('ca.key'), 'utf8'), hosts, now);
    writeSecret(file('server.key'), serving.keyPem);
    writeSecret(file('server.crt'), serving.certPem);
    writeSecret(file('server.hosts'), hostsText);
  }
  if (!existsSync(file('token'))) writeSecret(file('token'), randomBytes(32).toString('base64url'));
  return {
    caPem,
    certPem: readFileSync(file('server.crt'), 'utf8'),
    keyPem: readFileSync(file('server.key'), 'utf8'),
    token: readFileSync(file('token'), 'utf8').trim(),
  };
}
