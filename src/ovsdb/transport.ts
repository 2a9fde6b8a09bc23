/**
 * Transports: OVSDB remote strings (`unix:PATH`, `tcp:HOST:PORT`, `ssl:HOST:PORT`, IPv6 hosts in brackets, as
 * ovsdb-server(1) and RFC 7047 §1 use them) parsed into targets, and a connector that opens a node:net stream to
 * one, or a node:tls one for `ssl:` with the client's key, certificate and CA (tls.ts: the server's certificate is
 * checked against the CA only, not against the host name, as ovn-nbctl does). The client takes a `Connector`, so
 * tests can hand it any duplex stream. The connect timeout covers the TLS handshake.
 */
import { connect as netConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Clock } from '../util/clock.ts';
import { connectTls, requireTlsOptions, type OvsdbTlsOptions } from './tls.ts';

export type RemoteTarget =
  { kind: 'unix'; path: string } | { kind: 'tcp' | 'ssl'; host: string; port: number };

function parseHostPort(remote: string, kind: 'tcp' | 'ssl'): RemoteTarget {
  const rest = remote.slice(kind.length + 1);
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d+)$/.exec(rest);
  const host = m?.[1] ?? m?.[2];
  const port = Number(m?.[3]);
  if (host === undefined || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TypeError(
      `remote ${JSON.stringify(remote)}: expected ${kind}:HOST:PORT or ${kind}:[IPV6]:PORT`,
    );
  }
  return { kind, host, port };
}

export function parseRemote(remote: string): RemoteTarget {
  if (remote.startsWith('unix:')) {
    const path = remote.slice('unix:'.length);
    if (!path) throw new TypeError(`remote ${JSON.stringify(remote)}: empty socket path`);
    return { kind: 'unix', path };
  }
  if (remote.startsWith('tcp:')) return parseHostPort(remote, 'tcp');
  if (remote.startsWith('ssl:')) return parseHostPort(remote, 'ssl');
  throw new TypeError(`remote ${JSON.stringify(remote)}: only unix:, tcp: and ssl: are supported`);
}

/** Opens a byte stream to a remote; rejects if it cannot within `timeoutMs`. */
export type Connector = (remote: string, timeoutMs: number) => Promise<Duplex>;

/** A connector over node:net (node:tls for `ssl:` remotes, which need `tls`) that times out on the given clock. */
export function netConnector(clock: Clock, tls?: OvsdbTlsOptions): Connector {
  return async (remote, timeoutMs) => {
    const target = parseRemote(remote);
    if (target.kind !== 'ssl') return await connectPlain(clock, remote, target, timeoutMs);
    requireTlsOptions([remote], tls);
    return await connectTls(
      clock,
      { remote, host: target.host, port: target.port },
      tls as OvsdbTlsOptions,
      timeoutMs,
    );
  };
}

function connectPlain(
  clock: Clock,
  remote: string,
  target: RemoteTarget,
  timeoutMs: number,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket: Socket =
      target.kind === 'unix'
        ? netConnect({ path: target.path })
        : netConnect({ host: target.host, port: target.port });
    const timer = clock.setTimeout(() => {
      socket.destroy();
      reject(new Error(`${remote}: connect timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clock.clearTimeout(timer);
      socket.removeAllListeners('error');
      if (target.kind === 'tcp') socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', (cause) => {
      clock.clearTimeout(timer);
      reject(new Error(`${remote}: ${cause.message}`, { cause }));
    });
  });
}
