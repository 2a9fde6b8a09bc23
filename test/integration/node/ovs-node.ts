// Fixture for the root tests of the node side: a throwaway lab node (layout names from a random lab id, home in a
// temp dir) whose network namespace runs its own conf.db ovsdb-server and a userspace ovs-vswitchd with br-int and
// an `eth1` (the master that macvlan NADs name). No OVN: br-int's ports are checked, not traffic through it.
// `cleanup()` stops both daemons by the pid we started, deletes every namespace of the lab and the home directory.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { labLayout, type LabLayout } from '../../../src/lab/layout.ts';
import { listNetns } from '../../../src/lab/kubelet/netns.ts';
import { check, processRunner as runner } from '../../../src/util/exec.ts';
import { startOvsSwitch, type OvsSwitch } from '../../support/ovs-switch.ts';
import { defer, randomLabId, tempDir, type TestLike } from './helpers.ts';

/** Why this machine cannot run the root tests (undefined: it can). */
export async function rootSkipReason(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'needs root: creates network namespaces and runs ovs-vswitchd';
  for (const bin of [
    'ovsdb-server',
    'ovs-vswitchd',
    'ovs-vsctl',
    'ovsdb-tool',
    'ip',
    'ethtool',
    'curl',
    'nc',
  ])
    if ((await runner.run('sh', ['-c', `command -v ${bin}`])).code !== 0) return `needs ${bin} on PATH`;
  return undefined;
}

export interface OvsNode {
  layout: LabLayout;
  name: string;
  netns: string;
  rundir: string;
  /** Creates a pod namespace (layout name, lo up); removed at cleanup. */
  addPodNetns(namespace: string, pod: string): Promise<string>;
}

export async function startOvsNode(t: TestLike, name = 'kube-ovn-worker'): Promise<OvsNode> {
  const layout = labLayout(tempDir(t, 'kovn-node-home-'), randomLabId());
  const netns = layout.nodeNetns(name);
  const rundir = join(layout.nodeDir(name), 'ovs');
  mkdirSync(rundir, { recursive: true });
  const switches: OvsSwitch[] = [];
  defer(t, async () => {
    for (const ovs of switches) await ovs.stop();
    for (const ns of (await listNetns(runner)).filter((n) => layout.owns(n))) {
      // A process a failed test left inside one of our namespaces (e.g. a responder) is ours too.
      const pids = (await runner.run('ip', ['netns', 'pids', ns])).stdout
        .split('\n')
        .filter((l) => /^\d+$/.test(l));
      for (const pid of pids) process.kill(Number(pid), 'SIGKILL');
      await runner.run('ip', ['netns', 'delete', ns]);
    }
  });
  await check(runner, 'ip', ['netns', 'add', netns]);
  await check(runner, 'ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
  // The machine may lack the dummy driver: a veth whose peer stays in the node namespace serves as `eth1`.
  await check(runner, 'ip', [
    '-n',
    netns,
    'link',
    'add',
    'eth1',
    'type',
    'veth',
    'peer',
    'name',
    'eth1-peer',
  ]);
  for (const l of ['eth1', 'eth1-peer']) await check(runner, 'ip', ['-n', netns, 'link', 'set', l, 'up']);
  switches.push(await startOvsSwitch(netns, rundir));
  return {
    layout,
    name,
    netns,
    rundir,
    addPodNetns: async (namespace, pod) => {
      const ns = layout.podNetns(namespace, pod);
      await check(runner, 'ip', ['netns', 'add', ns]);
      await check(runner, 'ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      return ns;
    },
  };
}

/** `ip -j` output of a command run in `netns`, parsed. */
export async function ipJson<T>(netns: string, ...args: string[]): Promise<T> {
  return JSON.parse(await check(runner, 'ip', ['-j', '-n', netns, ...args])) as T;
}

export { runner };
