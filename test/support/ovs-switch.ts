// Test support: Open vSwitch alone (no OVN) inside an existing network namespace — a conf.db ovsdb-server and a
// userspace ovs-vswitchd in `rundir`, with br-int on the netdev datapath. `stop()` ends both by the pid we started.
// Shared by the NIC plumbing tests (test/integration/lab) and the node-side tests (test/integration/node).
import { join } from 'node:path';
import { ovsEnv, socketAccepts, waitFor } from '../../src/ovn/daemons.ts';
import { ovsDbSocket, vsctl } from '../../src/ovn/vsctl.ts';
import { systemClock } from '../../src/util/clock.ts';
import { check, processRunner as runner, type SpawnedProcess } from '../../src/util/exec.ts';

export interface OvsSwitch {
  stop(): Promise<void>;
}

async function stopProcess(p: SpawnedProcess): Promise<void> {
  p.kill('SIGTERM');
  const timer = setTimeout(() => p.kill('SIGKILL'), 3000);
  await p.exited;
  clearTimeout(timer);
}

export async function startOvsSwitch(netns: string, rundir: string): Promise<OvsSwitch> {
  const env = ovsEnv(rundir);
  const procs: SpawnedProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const p of procs.reverse()) await stopProcess(p);
    procs.length = 0;
  };
  try {
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
    await stop();
    throw error;
  }
  return { stop };
}
