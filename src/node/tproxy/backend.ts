/**
 * The pod side of a carried connection. Node.js cannot enter a network namespace, so the connection into the pod
 * is made by `nc` (netcat-openbsd) started in the pod's namespace (`ip netns exec <pod netns> nc -v -N IP PORT`),
 * dialling the pod's own address and port as Kube-OVN does from inside the namespace; its stdin and stdout are
 * the connection. `-v` reports the outcome on stderr ("succeeded!", or "connect ... failed: Connection refused"),
 * which is how `openBackend` knows the pod accepted before any byte of the prober's is relayed. `relay` joins a
 * prober's socket to a backend, half-closes in both directions, and ends the nc process (by its pid) when done.
 */
import type { Socket } from 'node:net';
import type { Clock } from '../../util/clock.ts';
import { spawnPiped, type PipedProcess } from '../../util/exec.ts';

export class BackendRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackendRefused';
  }
}

/** Resolves with the connected nc once the pod accepted; rejects with `BackendRefused` (the reason) otherwise. */
export async function openBackend(
  clock: Clock,
  target: { netns: string; ip: string; port: number },
  timeoutMs: number,
): Promise<PipedProcess> {
  const nc = await spawnPiped('nc', ['-v', '-N', target.ip, String(target.port)], { netns: target.netns });
  let said = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = clock.setTimeout(
        () => reject(new BackendRefused(`dial tcp ${target.ip}:${target.port}: i/o timeout`)),
        timeoutMs,
      );
      nc.stderr.on('data', (chunk: Buffer) => {
        said += chunk.toString('utf8');
        if (said.includes('succeeded')) {
          clock.clearTimeout(timer);
          resolve();
        }
      });
      void nc.exited.then(() => {
        clock.clearTimeout(timer);
        const why = /failed: (.*)/.exec(said)?.[1]?.trim() ?? (said.trim() || 'connection closed');
        reject(new BackendRefused(`dial tcp ${target.ip}:${target.port}: connect: ${why.toLowerCase()}`));
      });
    });
  } catch (err) {
    nc.kill('SIGKILL');
    throw err;
  }
  return nc;
}

/** Relays bytes both ways until both directions are closed; then the nc process is ended. */
export function relay(client: Socket, backend: PipedProcess): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      backend.kill('SIGKILL');
      client.destroy();
      resolve();
    };
    client.on('error', finish);
    client.on('close', finish);
    backend.stdout.pipe(client, { end: true });
    client.pipe(backend.stdin, { end: true });
  });
}
