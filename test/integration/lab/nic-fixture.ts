// Test fixture for the NIC tests: a throwaway "node" namespace running its own conf.db ovsdb-server and a
// userspace ovs-vswitchd with br-int (no OVN), plus pod namespaces; cleanup() stops both daemons by the pid we
// started and deletes every namespace and the temp directory. `skipReason()` says why the machine cannot run it.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { check, processRunner } from '../../../src/util/exec.ts';
import { startOvsSwitch, type OvsSwitch } from '../../support/ovs-switch.ts';

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

export async function startOvsNode(tag: string): Promise<OvsNode> {
  const rundir = mkdtempSync(join(tmpdir(), 'kovn-nic-'));
  const netns = `knic${tag}-n`;
  const namespaces = [netns];
  let ovs: OvsSwitch | undefined;
  const cleanup = async (): Promise<void> => {
    await ovs?.stop();
    for (const ns of namespaces) await runner.run('ip', ['netns', 'delete', ns]);
    rmSync(rundir, { recursive: true, force: true });
  };
  try {
    await check(runner, 'ip', ['netns', 'add', netns]);
    await check(runner, 'ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
    ovs = await startOvsSwitch(netns, rundir);
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
