// The match checker against OVN itself: every sample expression (test/support/ovn-match-samples.ts) becomes a
// Logical_Router_Policy in a real NB; ovn-northd copies it into a logical flow of the SB, and ovn-trace (which parses
// every flow with the same code as ovn-controller) warns "parsing expression failed" for the ones OVN refuses. The
// accepted samples must parse, the rejected ones must not: our checker and OVN agree on each.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ovsEnv } from '../../../src/ovn/daemons.ts';
import { processRunner } from '../../../src/util/exec.ts';
import { matchError } from '../../../src/api/ovn-match/parser.ts';
import { ACCEPTED, REJECTED } from '../../support/ovn-match-samples.ts';
import { eventually, startOvn, type Ovn } from '../controller/reconcile-harness.ts';

// Address-set and port-group references depend on rows that exist or not; they are checked on syntax alone.
const samples = [...ACCEPTED, ...REJECTED.map(([m]) => m)].filter((m) => m.trim() && !/[$@]/.test(m));
let ovn: Ovn;

before(async () => {
  ovn = await startOvn();
  await ovn.nbctl('lr-add', 'm');
  await ovn.nbctl('lrp-add', 'm', 'm-p', '0a:00:00:00:01:01', '10.99.0.1/24');
  const batch = samples.flatMap((m, i) => ['--', 'lr-policy-add', 'm', String(i + 1), m, 'allow']);
  await ovn.nbctl(...batch.slice(1));
});
after(async () => ovn?.cleanup());

void test('OVN and the checker agree on every sample', { timeout: 120_000 }, async () => {
  const sb = ovn.central.sbRemotes[0]!;
  const flows = await eventually(async () => {
    const r = await processRunner.run('ovn-sbctl', [`--db=${sb}`, 'lflow-list', 'm'], {
      env: ovsEnv(ovn.dir),
    });
    const policies = r.stdout
      .split('\n')
      .filter((l) => l.includes('lr_in_policy ') && !l.includes('priority=0 '));
    assert.equal(policies.length, samples.length, 'northd made one flow per policy');
    return policies;
  }, 30_000);
  assert.equal(flows.length, samples.length);
  const trace = await processRunner.run(
    'ovn-trace',
    [
      `--db=${sb}`,
      'm',
      'inport == "m-p" && eth.src == 0a:00:00:00:00:05 && ip4.src == 10.99.0.5 && ip4.dst == 10.99.0.6 && ip.ttl == 64',
    ],
    { env: ovsEnv(ovn.dir) },
  );
  const refused = new Set(
    `${trace.stdout}\n${trace.stderr}`
      .split('\n')
      .map((l) => /\|WARN\|(.*): parsing expression failed/.exec(l)?.[1])
      .filter((m): m is string => m !== undefined),
  );
  assert.ok(refused.size > 10, `ovn-trace reported refusals: ${refused.size}`);
  const disagreements = samples.filter((m) => refused.has(m) !== (matchError(m) !== undefined));
  assert.deepEqual(disagreements, [], 'OVN and the checker disagree on these');
  for (const m of ACCEPTED.filter((x) => !/[$@]/.test(x))) assert.ok(!refused.has(m), `OVN refused ${m}`);
});
