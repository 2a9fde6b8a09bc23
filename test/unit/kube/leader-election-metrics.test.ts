// The leader-election status metric: 1 while the elector leads, 0 before and after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/util/clock.ts';
import { LeaderElector } from '../../../src/kube/leader-election.ts';
import { Metrics } from '../../../src/util/metrics/registry.ts';
import { MemoryLease } from './helpers/memory-lease-store.ts';

const series = 'kovn_leader_election_status{lease="kube-ovn-controller"}';
const status = async (m: Metrics): Promise<string | undefined> =>
  (await m.text()).split('\n').find((l) => l.startsWith(`${series} `));

void test('kovn_leader_election_status follows leadership', async () => {
  const clock = new FakeClock(0);
  const lease = new MemoryLease();
  const metrics = new Metrics();
  const elector = new LeaderElector({
    store: lease.view('a'),
    identity: 'a',
    clock,
    random: () => 0,
    metrics: { metrics, lease: 'kube-ovn-controller' },
  });
  assert.equal(await status(metrics), `${series} 0`, 'not leading before the campaign');
  const done = elector.run();
  await clock.flush();
  assert.equal(await status(metrics), `${series} 1`, 'leading');
  const stopping = elector.stop();
  await clock.flush();
  await stopping;
  await done;
  assert.equal(await status(metrics), `${series} 0`, 'stepped down');
});
