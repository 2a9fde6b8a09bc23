/**
 * CNI passes a network namespace as a path (`CNI_NETNS`); our plumbing names namespaces as `ip netns` does. A
 * namespace created with `ip netns add NAME` lives at `/var/run/netns/NAME` (`/run/netns/NAME`), and that is the
 * only kind the agent can plumb. `netnsExists` asks the filesystem; the rest is pure.
 */
import { existsSync } from 'node:fs';

export const NETNS_DIR = '/var/run/netns';

/** `/var/run/netns/NAME` or `/run/netns/NAME` -> `NAME`; undefined for any other path. */
export function netnsNameOf(path: string): string | undefined {
  const m = /^(?:\/var)?\/run\/netns\/([^/]+)$/.exec(path.replace(/\/+$/, ''));
  return m?.[1];
}

export function netnsPathOf(name: string): string {
  return `${NETNS_DIR}/${name}`;
}

/** Whether `ip netns` knows the namespace (its mount point exists); no process needed. */
export function netnsExists(name: string): boolean {
  return existsSync(netnsPathOf(name));
}
