/**
 * Pod sandboxes as network namespaces, `ip netns` style: create one with its loopback up, tell whether one exists,
 * list them, delete one (a no-op when it is gone). Creating and deleting go through a link helper (the kubelets'
 * long-lived netlink process, src/node/netlink/link-helper.ts) in one request each, so a sandbox costs no `ip`
 * process. A namespace lives at `/var/run/netns/<name>`, which is the path CNI plugins get as CNI_NETNS.
 */
import { netnsExists, netnsPathOf } from '../../node/agent/netns-path.ts';
import type { LinkOps } from '../../node/netlink/link-helper.ts';
import { check, type ProcessRunner } from '../../util/exec.ts';

export { netnsExists, netnsPathOf };

/** What making and removing sandbox namespaces needs of a link helper. */
export type NetnsOps = Pick<LinkOps, 'apply'>;

/** Creates the namespace (unless it exists) and brings `lo` up. */
export async function ensureNetns(links: NetnsOps, name: string): Promise<'created' | 'exists'> {
  const outcome = netnsExists(name) ? 'exists' : 'created';
  await links.apply([
    { op: 'netns-add', name },
    { op: 'set', netns: name, name: 'lo', up: true },
  ]);
  return outcome;
}

export async function deleteNetns(links: NetnsOps, name: string): Promise<void> {
  if (!netnsExists(name)) return;
  await links.apply([{ op: 'netns-del', name }]);
}

/** Names of all namespaces (`ip netns list`). */
export async function listNetns(runner: ProcessRunner): Promise<string[]> {
  const out = await check(runner, 'ip', ['netns', 'list']);
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((n) => n !== '');
}
