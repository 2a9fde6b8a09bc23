/**
 * Pod sandboxes as network namespaces (`ip netns`): create one with its loopback up, tell whether one exists, list
 * them, delete one (a no-op when it is gone). A namespace lives at `/var/run/netns/<name>`, which is the path CNI
 * plugins get as CNI_NETNS.
 */
import { netnsExists, netnsPathOf } from '../../node/agent/netns-path.ts';
import { check, type ProcessRunner } from '../../util/exec.ts';

export { netnsExists, netnsPathOf };

/** Creates the namespace (unless it exists) and brings `lo` up. */
export async function ensureNetns(runner: ProcessRunner, name: string): Promise<'created' | 'exists'> {
  let outcome: 'created' | 'exists' = 'exists';
  if (!netnsExists(name)) {
    await check(runner, 'ip', ['netns', 'add', name]);
    outcome = 'created';
  }
  await check(runner, 'ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  return outcome;
}

export async function deleteNetns(runner: ProcessRunner, name: string): Promise<void> {
  if (!netnsExists(name)) return;
  const r = await runner.run('ip', ['netns', 'delete', name]);
  if (r.code !== 0 && netnsExists(name)) throw new Error(`ip netns delete ${name}: ${r.stderr.trim()}`);
}

/** Names of all namespaces (`ip netns list`). */
export async function listNetns(runner: ProcessRunner): Promise<string[]> {
  const out = await check(runner, 'ip', ['netns', 'list']);
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((n) => n !== '');
}
