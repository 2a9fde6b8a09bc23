/**
 * The node agent process: `node src/node/agent/main.ts [--node NAME] [--netns NODE_NETNS] [--ovs-rundir DIR]
 * [--socket PATH] [--kubeconfig PATH]` (flags.ts; in a kovn-node pod none is needed: KUBE_NODE_NAME, the host's
 * namespace, Kube-OVN's paths and the pod's service account). Serves its metrics on `--metrics-addr`. Logs JSON lines (pino) to stdout;
 * SIGTERM/SIGINT stop it cleanly, within a deadline.
 */
import { startProgram } from '../../kube/program.ts';
import { systemClock } from '../../util/clock.ts';
import { stopOnSignals } from '../../util/stop-on-signal.ts';
import { NodeAgent } from './agent.ts';
import { parseAgentFlags } from './flags.ts';

const { flags, kube, logger, metrics, metricsServer } = await startProgram(
  'kovn-node-agent',
  () => parseAgentFlags(process.argv.slice(2)),
  (f) => ({ node: f.node, netns: f.netns ?? '(own)', socket: f.socket }),
);
const agent = await NodeAgent.start({
  nodeName: flags.node,
  nodeNetns: flags.netns,
  ovsRundir: flags.ovsRundir,
  socket: flags.socket,
  kubeConfig: kube.kubeConfig,
  logger,
  ...(flags.waitTimeoutMs === undefined ? {} : { waitTimeoutMs: flags.waitTimeoutMs }),
  ...(flags.mtu === undefined ? {} : { mtu: flags.mtu }),
  enableTproxy: flags.enableTproxy,
  ...(flags.tproxySocket === undefined ? {} : { tproxySocket: flags.tproxySocket }),
  metrics,
});
// A clean stop gets 4 s; past that the agent exits anyway (the lab's supervisor waits 5 s, then kills).
stopOnSignals({
  stop: () => agent.stop().then(() => metricsServer.close()),
  logger,
  clock: systemClock,
  deadlineMs: 4_000,
});
