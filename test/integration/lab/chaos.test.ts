// The short seeded chaos run (issue 20 point 3): the benchmark's own run (bench/chaos/run.ts) in a lab with a small
// storm (2 VPCs, 16 pods in waves, deletions and re-creations, routes, the NAT gateway with its EIPs and rules) while
// every victim kind is killed once (the controller, the API server, both node agents, ovn-northd, the NB and SB
// ovsdb-servers, an ovn-controller, the NAT gateway pod) at the seed's moments. It must converge with every check
// green: pods Ready, EIPs and rules ready, no leaked or duplicate IP, subnet counters right, NB rows == desired,
// gateway iptables == rule objects, every acknowledged write there; and the TCP flow across nodes must survive with
// nothing missing and no reset. On failure the whole report (seed, kill schedule, failing checks) is the message.
// `npm run chaos` is the long version. The lab (temp home, random id) is removed at the end.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatReport } from '../../../bench/chaos/report.ts';
import { passed, runChaos, tcpFlowSurvived } from '../../../bench/chaos/run.ts';
import { VICTIMS } from '../../../bench/chaos/lab.ts';
import { skipUnlessRoot as skip } from '../../support/lab-e2e.ts';

const SEED = 20;

describe('chaos: a storm under SIGKILLs converges with nothing lost', { skip }, () => {
  it(
    'every victim killed once, every check green, the TCP flow undisturbed',
    { timeout: 900_000 },
    async () => {
      const outcome = await runChaos({
        seed: SEED,
        pods: 16,
        vpcs: 2,
        kills: VICTIMS.length,
        killSpanMs: 30_000,
        convergeDeadlineMs: 300_000,
        idPrefix: 't',
      });
      const report = formatReport(outcome).join('\n');
      assert.deepEqual(new Set(outcome.executed.map((k) => k.victim)), new Set(VICTIMS), report);
      assert.ok(passed(outcome), report);
      assert.ok(tcpFlowSurvived(outcome), report);
      assert.ok((outcome.flows?.ping.sent ?? 0) > 100, report);
    },
  );
});
