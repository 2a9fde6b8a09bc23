/**
 * The NAT gateway image's entrypoint: `node src/natgw/main.ts [--kubeconfig PATH] [--metrics-addr HOST:PORT]
 * [--metrics-url-file PATH] [--log-level LEVEL]` (pod-config.ts; in the gateway pod none is needed: POD_NAME and
 * POD_NAMESPACE from the downward API, the pod's service account). Runs the gateway agent (agent.ts) scoped to its
 * own pod, applying that gateway's state in this process's own network namespace and reporting in the pod's
 * `kovn.io/nat-applied` annotation, as the lab's per-node agents do for the pods they enter. Serves its metrics on
 * `--metrics-addr`; logs JSON lines (pino) to stdout; SIGTERM/SIGINT stop it cleanly, within a deadline.
 */
import { startProgram } from '../kube/program.ts';
import { systemClock } from '../util/clock.ts';
import { stopOnSignals } from '../util/stop-on-signal.ts';
import { processRunner } from '../util/exec.ts';
import { startGatewayAgent } from './agent.ts';
import { parseGatewayPodConfig } from './pod-config.ts';

const {
  flags: config,
  kube,
  logger,
  metrics,
  metricsServer,
} = await startProgram(
  'kovn-natgw-agent',
  () => parseGatewayPodConfig(process.argv.slice(2)),
  (c) => ({ pod: `${c.pod.namespace}/${c.pod.name}`, node: c.node ?? '(unknown)' }),
);
const agent = await startGatewayAgent({
  kubeConfig: kube.kubeConfig,
  ownPod: config.pod,
  ...(config.node === undefined ? {} : { nodeName: config.node }),
  podNetns: () => undefined,
  runner: processRunner,
  logger,
  metrics,
});
// A clean stop gets 4 s; past that the agent exits anyway (the pod's grace period is 0 s, as Kube-OVN's).
stopOnSignals({
  stop: () => agent.stop().then(() => metricsServer.close()),
  logger,
  clock: systemClock,
  deadlineMs: 4_000,
});
