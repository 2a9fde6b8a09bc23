/**
 * TLS for `ssl:` remotes, as OVS's own clients do it (ovn-nbctl/ovsdb-client `-p/-c/-C`, lib/stream-ssl.c): we
 * present our private key and certificate, and accept the server only if its certificate chains to the CA file.
 * The host name is not checked against the certificate (OVS never does: stream-ssl.c sets SSL_VERIFY_PEER with the
 * CA store and nothing else, and the peer's CN is only recorded), so a server certificate issued for a pod name
 * still works when dialled by Service IP. Kube-OVN's own Go client (libovsdb with InsecureSkipVerify) checks less
 * than that; we keep OVS's rule. The three files are read on every connect, so a rotated certificate is used from
 * the next reconnect. Handshake failures become connect errors naming the remote and the TLS reason. Under TLS 1.3
 * the server checks our certificate after our side of the handshake is done, so a refusal would otherwise surface
 * as a broken pipe on the first request: we call the connection established only when the server's first session
 * ticket arrives (it sends them once it has accepted us; ovsdb-server does) or, for a server that sends none,
 * after `TLS13_ACCEPT_GRACE_MS`.
 */
import { readFile } from 'node:fs/promises';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { Clock, TimerId } from '../util/clock.ts';

/** File paths of our TLS identity and the CA that must have signed the server's certificate (PEM). */
export interface OvsdbTlsOptions {
  /** Our private key (`ovn-nbctl -p`). */
  privateKey: string;
  /** Our certificate, signed by a CA the server trusts (`-c`). */
  certificate: string;
  /** The CA the server's certificate must chain to (`-C`); the only CA trusted. */
  caCert: string;
}

const FIELDS = ['privateKey', 'certificate', 'caCert'] as const;

const FIELD_NAMES: Record<(typeof FIELDS)[number], string> = {
  privateKey: 'private key',
  certificate: 'certificate',
  caCert: 'CA certificate',
};

/** Throws, naming the remote and what is missing, if an `ssl:` remote is given without complete TLS options. */
export function requireTlsOptions(
  remotes: readonly string[],
  tls: Partial<OvsdbTlsOptions> | undefined,
): void {
  const remote = remotes.find((r) => r.startsWith('ssl:'));
  if (remote === undefined) return;
  const missing = FIELDS.filter((f) => !tls?.[f]);
  if (missing.length === 0) return;
  throw new TypeError(
    `remote ${remote} needs TLS options (file paths): missing ${missing.join(', ')}` +
      (tls ? '' : ' (no TLS options were given)'),
  );
}

/** What the commonest alerts from ovsdb-server mean for us, by Node's code. */
const ALERT_MEANINGS: Record<string, string> = {
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 'the server does not trust our certificate',
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 'the server requires a client certificate',
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'the server refused our certificate',
};

/** The short reason of an OpenSSL error (`tlsv1 alert unknown ca (ERR_SSL_...)`), else undefined. */
function opensslReason(error: Error): string | undefined {
  const { reason, code } = error as Error & { reason?: unknown; code?: unknown };
  if (typeof reason !== 'string' || typeof code !== 'string') return undefined;
  const meaning = ALERT_MEANINGS[code];
  return `${meaning ? `${meaning}: ` : ''}${reason} (${code})`;
}

/** `TLS: ` and the short reason of an OpenSSL error, or the message of any other error. */
export function tlsErrorText(error: Error): string {
  const reason = opensslReason(error);
  return reason === undefined ? error.message : `TLS: ${reason}`;
}

/** How long to wait under TLS 1.3 for the server to accept our certificate (a session ticket) before going on. */
export const TLS13_ACCEPT_GRACE_MS = 1000;

/** The verification code (`SELF_SIGNED_CERT_IN_CHAIN`, `CERT_HAS_EXPIRED`) of a server certificate Node refused. */
function verifyCode(error: Error): string | undefined {
  const code = (error as Error & { code?: unknown }).code;
  return typeof code === 'string' && code.includes('_') && !code.startsWith('ERR_') ? code : undefined;
}

async function readPem(remote: string, what: string, path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (cause) {
    throw new Error(`${remote}: cannot read TLS ${what} ${path}: ${(cause as Error).message}`, { cause });
  }
}

/** Reads the three files now (so a rotated certificate is picked up). */
export async function readTlsFiles(
  remote: string,
  tls: OvsdbTlsOptions,
): Promise<{ key: Buffer; cert: Buffer; ca: Buffer }> {
  const [key, cert, ca] = await Promise.all(FIELDS.map((f) => readPem(remote, FIELD_NAMES[f], tls[f])));
  return { key: key as Buffer, cert: cert as Buffer, ca: ca as Buffer };
}

/**
 * Words a failure before the TLS connection was established: the remote and, for a TLS failure, the reason and the
 * check that failed; a socket error (connection refused) reads as it would for `tcp:`.
 */
export function tlsConnectError(remote: string, tls: OvsdbTlsOptions, cause: Error): Error {
  const code = verifyCode(cause);
  const reason = opensslReason(cause);
  const text =
    code !== undefined
      ? `TLS handshake failed: server certificate not trusted: ${cause.message} (${code}; checked against CA ${tls.caCert})`
      : reason !== undefined
        ? `TLS handshake failed: ${reason}`
        : cause.message;
  return new Error(`${remote}: ${text}`, { cause });
}

/** Starts a TLS connection with our identity, trusting only the CA, without a host name check (see header). */
function openTls(
  remote: string,
  host: string,
  port: number,
  files: Awaited<ReturnType<typeof readTlsFiles>>,
) {
  try {
    return tlsConnect({
      host,
      port,
      ...files,
      rejectUnauthorized: true,
      checkServerIdentity: () => undefined,
    });
  } catch (cause) {
    // not PEM, or a key that does not match the certificate
    throw new Error(`${remote}: TLS key, certificate or CA unusable: ${tlsErrorText(cause as Error)}`, {
      cause,
    });
  }
}

/**
 * Opens `ssl:` `host:port` with the files of `tls` (read now); resolves once the server has accepted us (see header),
 * rejects with the remote and the TLS reason, or after `timeoutMs`.
 */
export async function connectTls(
  clock: Clock,
  target: { remote: string; host: string; port: number },
  tls: OvsdbTlsOptions,
  timeoutMs: number,
): Promise<TLSSocket> {
  const { remote } = target;
  const socket = openTls(remote, target.host, target.port, await readTlsFiles(remote, tls));
  return await new Promise((resolve, reject) => {
    const timers: TimerId[] = [];
    let settled = false;
    const onError = (cause: Error): void => finish(tlsConnectError(remote, tls, cause));
    const onAccepted = (): void => finish();
    function finish(error?: Error): void {
      if (settled) return;
      settled = true;
      for (const timer of timers) clock.clearTimeout(timer);
      socket.off('error', onError).off('session', onAccepted);
      if (error) {
        socket.destroy();
        reject(error);
      } else {
        socket.setNoDelay(true);
        resolve(socket);
      }
    }
    timers.push(
      clock.setTimeout(
        () => finish(new Error(`${remote}: connect timed out after ${timeoutMs} ms`)),
        timeoutMs,
      ),
    );
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      if (socket.getProtocol() !== 'TLSv1.3') return finish(); // TLS 1.2: the server checked us in the handshake
      socket.once('session', onAccepted);
      timers.push(clock.setTimeout(onAccepted, TLS13_ACCEPT_GRACE_MS));
    });
  });
}
