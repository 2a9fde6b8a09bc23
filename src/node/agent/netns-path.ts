/**
 * CNI passes a network namespace as a path (`CNI_NETNS`); our plumbing names namespaces as `ip netns` does. A
 * namespace created with `ip netns add NAME` lives at `/var/run/netns/NAME` (`/run/netns/NAME`), and that is the
 * only kind the agent can plumb. The node's own namespace is either such a name (the lab's nodes) or `undefined`:
 * the agent's own namespace, the host's on a real node (the DaemonSet runs with hostNetwork). `netnsExists` asks the
 * filesystem; the rest is pure.
 */
import { existsSync } from 'node:fs';

export const NETNS_DIR = '/var/run/netns';

/** `/var/run/netns/NAME` or `/run/netns/NAME` -> `NAME`; undefined for any other path. */
export function netnsNameOf(path: string): string | undefined {
  const m = /^(?:\/var)?\/run\/netns\/([^/]+)$/.exec(path.replace(/\/+$/, ''));
  return m?.[1];
}

/** A namespace as `ip netns` names it, or undefined: this process's own. */
export type Netns = string | undefined;

/** `ip` arguments that run it in `netns` (none for this process's own namespace). */
export function ipNetnsArgs(netns: Netns): string[] {
  return netns === undefined ? [] : ['-n', netns];
}

/** How messages name a namespace. */
export function netnsLabel(netns: Netns): string {
  return netns ?? "the node's own namespace";
}

export function netnsPathOf(name: string): string {
  return `${NETNS_DIR}/${name}`;
}

/** Whether `ip netns` knows the namespace (its mount point exists); this process's own always exists. */
export function netnsExists(name: Netns): boolean {
  return name === undefined || existsSync(netnsPathOf(name));
}
