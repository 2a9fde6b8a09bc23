/** Starts a server listening (a TCP port and host, or a unix socket path) and resolves once it is bound. */
import type { ListenOptions, Server } from 'node:net';

export function listen(server: Server, options: ListenOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
