// The natOutgoing loop's cost (src/node/nat-outgoing/reconciler.ts), with a fake clock and a runner that counts the
// commands: a Subnet change that leaves the desired sets and chains as they were (its status counting IPs) runs no
// command; a change of natOutgoing does; the 30 s drift repair reads the node's rules again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import type { KubeObject } from '../../../../src/api/types.ts';
import { NatOutgoingReconciler } from '../../../../src/node/nat-outgoing/reconciler.ts';
import { FakeClock } from '../../../../src/util/clock.ts';
import type { ProcessRunner, RunResult } from '../../../../src/util/exec.ts';

class CountingRunner implements ProcessRunner {
  calls = 0;
  /** An empty node: no set, no chain, no jump (`iptables -C` answers 1). */
  run(_cmd: string, args: readonly string[]): Promise<RunResult> {
    this.calls++;
    return Promise.resolve({ code: args.includes('-C') ? 1 : 0, stdout: '', stderr: '' });
  }
  spawn(): never {
    throw new Error('no process is spawned here');
  }
}

const subnet = (natOutgoing: boolean, usingIPs: number): KubeObject => ({
  apiVersion: 'kubeovn.io/v1',
  kind: 'Subnet',
  metadata: { name: 'ovn-default' },
  spec: { cidrBlock: '10.16.0.0/16', vpc: 'ovn-cluster', provider: 'ovn', natOutgoing },
  status: { v4usingIPs: usingIPs },
});

test('a status-only Subnet change runs no command; natOutgoing and the drift repair do', async () => {
  const clock = new FakeClock();
  const runner = new CountingRunner();
  let subnets = [subnet(true, 1)];
  const r = new NatOutgoingReconciler({
    nodeNetns: 'n1',
    subnets: () => subnets,
    synced: () => Promise.resolve(),
    runner,
    clock,
    log: pino({ level: 'silent' }),
  });
  r.start();
  await clock.advanceAsync(0);
  const first = runner.calls;
  assert.ok(first > 0, 'the first pass reads and writes the node rules');

  subnets = [subnet(true, 2)];
  r.trigger();
  await clock.advanceAsync(1_000);
  assert.equal(runner.calls, first, 'a new IP count changes nothing to converge');

  subnets = [subnet(false, 2)];
  r.trigger();
  await clock.advanceAsync(1_000);
  const afterOff = runner.calls;
  assert.ok(afterOff > first, 'natOutgoing turned off is applied');

  await clock.advanceAsync(30_000);
  assert.ok(runner.calls > afterOff, 'the drift repair looks again after 30 s');
  await r.stop();
});
