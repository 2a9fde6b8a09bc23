// Fixture for the root tests of the node side: a throwaway lab node (layout names from a random lab id, home in a
// temp dir) whose network namespace runs its own conf.db ovsdb-server and a userspace ovs-vswitchd with br-int and
// an `eth1` (the master that macvlan NADs name). No OVN: br-int's ports are checked, not traffic through it.
// `cleanup()` stops both daemons by the pid we started, deletes every namespace of the lab and the home directory.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { labLayout, type LabLayout } from '../../../src/lab/layout.ts';
import { listNetns } from '../../../src/lab/kubelet-netns.ts';
import { ovsEnv, socketAccepts, waitFor } from '../../../src/ovn/daemons.ts';
import { ovsDbSocket, vsctl } from '../../../src/ovn/vsctl.ts';
import { systemClock } from '../../../src/util/clock.ts';
import { check, processRunner as runner, type SpawnedProcess } from '../../../src/util/exec.ts';
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

async function stop(p: SpawnedProcess): Promise<void> {
  p.kill('SIGTERM');
  const timer = setTimeout(() => p.kill('SIGKILL'), 3000);
  await p.exited;
  clearTimeout(timer);
}

export async function startOvsNode(t: TestLike, name = 'kube-ovn-worker'): Promise<OvsNode> {
  const layout = labLayout(tempDir(t, 'kovn-node-home-'), randomLabId());
  const netns = layout.nodeNetns(name);
  const rundir = join(layout.nodeDir(name), 'ovs');
  mkdirSync(rundir, { recursive: true });
  const procs: SpawnedProcess[] = [];
  defer(t, async () => {
    for (const p of procs.reverse()) await stop(p);
    for (const ns of (await listNetns(runner)).filter((n) => layout.owns(n))) {
      // A process a failed test left inside one of our namespaces (e.g. a responder) is ours too.
      const pids = (await runner.run('ip', ['netns', 'pids', ns])).stdout
        .split('\n')
        .filter((l) => /^\d+$/.test(l));
      for (const pid of pids) process.kill(Number(pid), 'SIGKILL');
      await runner.run('ip', ['netns', 'delete', ns]);
    }
  });
  const env = ovsEnv(rundir);
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
  await check(runner, 'ovsdb-tool', [
    'create',
    join(rundir, 'conf.db'),
    '/usr/share/openvswitch/vswitch.ovsschema',
  ]);
  const sock = ovsDbSocket(rundir);
  procs.push(
    await runner.spawn(
      'ovsdb-server',
      [`--remote=punix:${sock}`, `--unixctl=${join(rundir, 'ovsdb-server.ctl')}`, join(rundir, 'conf.db')],
      { env, netns, logFile: join(rundir, 'ovsdb-server.log') },
    ),
  );
  await waitFor(systemClock, 'conf.db socket', async () => (await socketAccepts(sock)) || undefined);
  await vsctl(runner, rundir, '--no-wait', 'init');
  procs.push(
    await runner.spawn('ovs-vswitchd', [`unix:${sock}`, `--unixctl=${join(rundir, 'ovs-vswitchd.ctl')}`], {
      env,
      netns,
      logFile: join(rundir, 'ovs-vswitchd.log'),
    }),
  );
  await vsctl(
    runner,
    rundir,
    ...['add-br', 'br-int', '--', 'set', 'Bridge', 'br-int', 'datapath_type=netdev', 'fail-mode=secure'],
  );
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
