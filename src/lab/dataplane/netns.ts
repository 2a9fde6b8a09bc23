/**
 * Creating and deleting the lab's network namespaces, each recorded in the ledger before it is made (so a crash
 * right after `ip netns add` still leaves a trace) and struck off once deleted. A new namespace gets loopback up.
 */
import { check, type ProcessRunner } from '../../util/exec.ts';
import type { Ledger } from '../process/ledger.ts';

export async function createNetns(runner: ProcessRunner, ledger: Ledger, name: string): Promise<void> {
  ledger.addNamespace(name);
  await check(runner, 'ip', ['netns', 'add', name]);
  await check(runner, 'ip', ['-n', name, 'link', 'set', 'lo', 'up']);
}

/** Deletes the namespace if it exists; its links (and their veth peers elsewhere) go with it. */
export async function deleteNetns(runner: ProcessRunner, ledger: Ledger, name: string): Promise<void> {
  const r = await runner.run('ip', ['netns', 'delete', name]);
  if (r.code !== 0 && (await listNetns(runner)).includes(name))
    throw new Error(`ip netns delete ${name}: ${r.stderr.trim()}`);
  ledger.removeNamespace(name);
}

/** Names of every named network namespace (`ip netns list`). */
export async function listNetns(runner: ProcessRunner): Promise<string[]> {
  const out = await check(runner, 'ip', ['netns', 'list']);
  return out
    .split('\n')
    .map((l) => l.trim().split(' ')[0] ?? '')
    .filter(Boolean);
}
