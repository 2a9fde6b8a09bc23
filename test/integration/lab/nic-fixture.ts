// Test fixture for the NIC tests: a throwaway "node" namespace running its own conf.db ovsdb-server and a
// userspace ovs-vswitchd with br-int (no OVN), plus pod namespaces; cleanup() stops both daemons by the pid we
// started and deletes every namespace and the temp directory. `skipReason()` says why the machine cannot run it.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ovsEnv, socketAccepts, waitFor } from '../../../src/ovn/daemons.ts';
import { ovsDbSocket, vsctl } from '../../../src/ovn/vsctl.ts';
import { systemClock } from '../../../src/util/clock.ts';
import { check, processRunner, type SpawnedProcess } from '../../../src/util/exec.ts';

export const runner = processRunner;

export async function skipReason(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces)';
  for (const bin of ['ovsdb-server', 'ovs-vswitchd', 'ovs-vsctl', 'ovsdb-tool', 'ip', 'ethtool'])
    if ((await runner.run('sh', ['-c', `command -v ${bin}`])).code !== 0) return `needs ${bin}`;
  if (!existsSync('/usr/share/openvswitch/vswitch.ovsschema'))
    return 'needs openvswitch-switch (vswitch.ovsschema)';
  return undefined;
}

export interface OvsNode {
  netns: string;
  rundir: string;
  addPod(name: string): Promise<string>;
  cleanup(): Promise<void>;
}

async function stopProc(p: SpawnedProcess): Promise<void> {
  p.kill('SIGTERM');
  const t = setTimeout(() => p.kill('SIGKILL'), 3000);
  await p.exited;
  clearTimeout(t);
}

export async function startOvsNode(tag: string): Promise<OvsNode> {
  const rundir = mkdtempSync(join(tmpdir(), 'kovn-nic-'));
  const netns = `knic${tag}-n`;
  const namespaces = [netns];
  const procs: SpawnedProcess[] = [];
  const env = ovsEnv(rundir);
  const cleanup = async (): Promise<void> => {
    for (const p of procs.reverse()) await stopProc(p);
    for (const ns of namespaces) await runner.run('ip', ['netns', 'delete', ns]);
    rmSync(rundir, { recursive: true, force: true });
  };
  try {
    await check(runner, 'ip', ['netns', 'add', netns]);
    await check(runner, 'ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
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
  } catch (error) {
    await cleanup();
    throw error;
  }
  return {
    netns,
    rundir,
    addPod: async (name) => {
      const pod = `knic${tag}-p-${name}`;
      namespaces.push(pod);
      await check(runner, 'ip', ['netns', 'add', pod]);
      await check(runner, 'ip', ['-n', pod, 'link', 'set', 'lo', 'up']);
      return pod;
    },
    cleanup,
  };
}
