/**
 * `kovn start` (what `npm start` runs): brings the lab up (`kovn up`), applies the seed's first scenario
 * (`examples/seed/`: two VPCs with the same 10.0.1.0/24, namespaces ns1/ns2, vpc1-pod and vpc2-pod, verbatim) plus
 * the lab's extra pods (`examples/lab/`), waits until those pods run, and prints the reachability table: pods of one
 * VPC reach each other and their gateway; pods of different VPCs do not, though their addresses share a CIDR.
 * Returns with the lab running in the background; non-zero if any probe contradicts the manifests.
 */
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { readConfig } from '../../lab/config.ts';
import { labHome, labLayout } from '../../lab/layout.ts';
import { probeReachability, runningEndpoints } from '../../lab/reach-run.ts';
import { renderTable, summarize } from '../../lab/reachability.ts';
import { systemClock, type Clock } from '../../util/clock.ts';
import { applyCommand } from './apply.ts';
import { upCommand } from './lab.ts';
import type { CommandIo } from './validate.ts';

const EXAMPLES = join(import.meta.dirname, '..', '..', '..', 'examples');
const SCENARIO_NAMESPACES = ['ns1', 'ns2'];
const EXPECTED_PODS = 5;
const PODS_TIMEOUT_MS = 120_000;

export async function startCommand(io: CommandIo, options: { clock?: Clock } = {}): Promise<number> {
  const clock = options.clock ?? systemClock;
  const home = labHome();
  const up = await upCommand(io, { clock });
  if (up !== 0) return up;
  const config = readConfig(home);
  if (!config) throw new Error(`no lab config in ${home} after kovn up`);
  const layout = labLayout(home, config.id);
  const kubeconfig = layout.kubeconfig;

  io.out(`\napplying the seed's first scenario (examples/seed) and the lab's extra pods (examples/lab):`);
  const applied = await applyCommand(
    ['-f', join(EXAMPLES, 'seed'), '-f', join(EXAMPLES, 'lab'), '--kubeconfig', kubeconfig],
    io,
  );
  if (applied !== 0) return applied;

  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  io.out(`\nwaiting for the scenario's pods to run:`);
  const started = clock.now();
  let endpoints = await runningEndpoints(kc, SCENARIO_NAMESPACES);
  let shown = -1;
  while (endpoints.length < EXPECTED_PODS && clock.now() - started < PODS_TIMEOUT_MS) {
    if (endpoints.length !== shown) {
      shown = endpoints.length;
      io.out(`  ${shown}/${EXPECTED_PODS} running`);
    }
    await clock.sleep(500);
    endpoints = await runningEndpoints(kc, SCENARIO_NAMESPACES);
  }
  if (endpoints.length < EXPECTED_PODS) {
    io.err(
      `only ${endpoints.length} of ${EXPECTED_PODS} pods are running after ${PODS_TIMEOUT_MS / 1000} s; see \`kovn get pods -A -o wide\` and ${layout.logDir}`,
    );
    return 1;
  }
  io.out(`  ${EXPECTED_PODS}/${EXPECTED_PODS} running (${((clock.now() - started) / 1000).toFixed(1)} s)`);

  io.out(`\nreachability (ping, or HTTP to a declared port, from inside each pod's network namespace):\n`);
  const results = await probeReachability(layout, endpoints);
  io.out(renderTable(results));
  const summary = summarize(results);
  io.out(
    `\n${summary.ok} as expected, ${summary.failed} contrary to the manifests, ${summary.skipped} not decidable by ping (the address is also used inside the prober's own VPC)`,
  );
  io.out(`\nthe lab keeps running in the background:`);
  io.out(`  kubectl --kubeconfig ${kubeconfig} get vpc,subnet,pods -A`);
  io.out(`  npx kovn exec ns1/vpc1-pod -- ip addr`);
  io.out(`  npx kovn status`);
  io.out(`  npx kovn down`);
  return summary.failed ? 1 : 0;
}
