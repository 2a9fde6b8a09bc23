/**
 * The node agent process: `node src/node/agent/main.ts [--node NAME] [--netns NODE_NETNS] [--ovs-rundir DIR]
 * [--socket PATH] [--kubeconfig PATH]` (flags.ts; in a kovn-node pod none is needed: KUBE_NODE_NAME, the host's
 * namespace, Kube-OVN's paths and the pod's service account). Serves its metrics on `--metrics-addr`. Logs JSON lines (pino) to stdout;
 * SIGTERM/SIGINT stop it cleanly, within a deadline.
 */
import { pino } from 'pino';
import { loadProcessConfig } from '../../kube/process-config.ts';
import { systemClock } from '../../util/clock.ts';
import { stopOnSignals } from '../../util/stop-on-signal.ts';
import { Metrics } from '../../util/metrics/registry.ts';
import { serveMetrics } from '../../util/metrics/server.ts';
import { NodeAgent } from './agent.ts';
import { parseAgentFlags } from './flags.ts';

let flags, kube;
try {
  flags = parseAgentFlags(process.argv.slice(2));
  kube = loadProcessConfig({ kubeconfig: flags.kubeconfig });
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(2);
}
const logger = pino({ level: flags.logLevel, base: { component: 'kovn-node-agent' } });
const metrics = new Metrics();
const metricsServer = await serveMetrics(metrics, {
  address: flags.metricsAddr,
  ...(flags.metricsUrlFile === undefined ? {} : { urlFile: flags.metricsUrlFile }),
});
logger.info({ url: metricsServer.url }, 'serving metrics');
logger.info(
  {
    node: flags.node,
    netns: flags.netns ?? '(own)',
    socket: flags.socket,
    kube: kube.describe,
    from: kube.from,
  },
  'configuration',
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
