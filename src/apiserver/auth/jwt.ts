/**
 * JSON Web Tokens signed with ES256 (RFC 7515 compact serialisation, RFC 7518 section 3.4: the P-256 signature as
 * r || s), the algorithm kube-apiserver uses for an ECDSA service-account key; and that key, kept as
 * `dataDir/pki/sa.key` (PKCS#8 PEM, 0600), made on first start and reused after, so tokens survive restarts. The
 * key id (`kid`) is the unpadded base64url SHA-256 of the public key's DER, as kube-apiserver derives it.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writeSecret } from '../pki.ts';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  kid: string;
}

export interface DecodedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

function keyFrom(privateKey: KeyObject): SigningKey {
  const publicKey = createPublicKey(privateKey);
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return { privateKey, publicKey, kid: createHash('sha256').update(der).digest('base64url') };
}

/** The key in `path`, created (P-256, mode 0600, written atomically) when there is none. */
export function loadOrCreateSigningKey(path: string): SigningKey {
  if (!existsSync(path)) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeSecret(path, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  }
  return keyFrom(createPrivateKey(readFileSync(path, 'utf8')));
}

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export function signJwt(key: SigningKey, claims: Record<string, unknown>): string {
  const input = `${encode({ alg: 'ES256', kid: key.kid })}.${encode(claims)}`;
  const signature = sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

function parsePart(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The header and claims of a token this key signed; undefined when it is malformed or the signature fails. */
export function verifyJwt(key: SigningKey, token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [h = '', c = '', s = ''] = parts;
  const header = parsePart(h);
  const claims = parsePart(c);
  if (!header || !claims || header['alg'] !== 'ES256') return undefined;
  const signature = Buffer.from(s, 'base64url');
  if (signature.length !== 64) return undefined;
  const valid = verify(
    'sha256',
    Buffer.from(`${h}.${c}`),
    { key: key.publicKey, dsaEncoding: 'ieee-p1363' },
    signature,
  );
  return valid ? { header, claims } : undefined;
}
