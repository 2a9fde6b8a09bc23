/**
 * Transports: OVSDB remote strings (`unix:PATH`, `tcp:HOST:PORT`, as ovsdb-server(1) and RFC 7047 §1 use them)
 * parsed into targets, and a connector that opens a node:net stream to one. The client takes a `Connector`, so
 * tests can hand it any duplex stream; TLS (`ssl:`) is not supported.
 */
import { connect as netConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Clock } from '../util/clock.ts';

export type RemoteTarget = { kind: 'unix'; path: string } | { kind: 'tcp'; host: string; port: number };

export function parseRemote(remote: string): RemoteTarget {
  if (remote.startsWith('unix:')) {
    const path = remote.slice('unix:'.length);
    if (!path) throw new TypeError(`remote ${JSON.stringify(remote)}: empty socket path`);
    return { kind: 'unix', path };
  }
  if (remote.startsWith('tcp:')) {
    const rest = remote.slice('tcp:'.length);
    const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(rest);
    const host = m?.[1] ?? m?.[2];
    const port = Number(m?.[3]);
    if (host === undefined || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new TypeError(`remote ${JSON.stringify(remote)}: expected tcp:HOST:PORT`);
    }
    return { kind: 'tcp', host, port };
  }
  throw new TypeError(`remote ${JSON.stringify(remote)}: only unix: and tcp: are supported`);
}

/** Opens a byte stream to a remote; rejects if it cannot within `timeoutMs`. */
export type Connector = (remote: string, timeoutMs: number) => Promise<Duplex>;

/** A connector over node:net that times out on the given clock. */
export function netConnector(clock: Clock): Connector {
  return (remote, timeoutMs) =>
    new Promise((resolve, reject) => {
      const target = parseRemote(remote);
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
