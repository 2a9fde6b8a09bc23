/**
 * The node agent process: `node src/node/agent/main.ts --node NAME --netns NODE_NETNS --ovs-rundir DIR --socket
 * PATH --kubeconfig PATH` (flags.ts). Serves its metrics on `--metrics-addr`. Logs JSON lines (pino) to stdout;
 * SIGTERM/SIGINT stop it cleanly.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { Metrics } from '../../util/metrics/registry.ts';
import { serveMetrics } from '../../util/metrics/server.ts';
import { NodeAgent } from './agent.ts';
import { parseAgentFlags } from './flags.ts';

let flags;
try {
  flags = parseAgentFlags(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(2);
}
const logger = pino({ level: flags.logLevel, base: { component: 'kovn-node-agent' } });
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(flags.kubeconfig);
const metrics = new Metrics();
const metricsServer = await serveMetrics(metrics, {
  address: flags.metricsAddr,
  ...(flags.metricsUrlFile === undefined ? {} : { urlFile: flags.metricsUrlFile }),
});
logger.info({ url: metricsServer.url }, 'serving metrics');
const agent = await NodeAgent.start({
  nodeName: flags.node,
  nodeNetns: flags.netns,
  ovsRundir: flags.ovsRundir,
  socket: flags.socket,
  kubeConfig,
  logger,
  ...(flags.waitTimeoutMs === undefined ? {} : { waitTimeoutMs: flags.waitTimeoutMs }),
  ...(flags.mtu === undefined ? {} : { mtu: flags.mtu }),
  enableTproxy: flags.enableTproxy,
  ...(flags.tproxySocket === undefined ? {} : { tproxySocket: flags.tproxySocket }),
  metrics,
});
let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping');
  void agent
    .stop()
    .then(() => metricsServer.close())
    .then(() => process.exit(0));
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
