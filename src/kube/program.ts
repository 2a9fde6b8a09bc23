/**
 * The start of a long-lived kovn program that runs in a pod (node agent, NAT gateway agent): its flags parsed and its
 * Kubernetes configuration loaded (process-config.ts), a bad flag or config printed and exit 2; a pino logger naming
 * the component; its metrics served on the flags' address; and one `configuration` log line with what it found.
 */
import { pino, type Logger } from 'pino';
import { Metrics } from '../util/metrics/registry.ts';
import { serveMetrics, type MetricsServer } from '../util/metrics/server.ts';
import { loadProcessConfig, type ProcessConfig } from './process-config.ts';

/** What every such program's flags carry. */
export interface ProgramFlags {
  kubeconfig?: string | undefined;
  logLevel: string;
  metricsAddr: string;
  metricsUrlFile?: string | undefined;
}

export interface Program<F> {
  flags: F;
  kube: ProcessConfig;
  logger: Logger;
  metrics: Metrics;
  metricsServer: MetricsServer;
}

/** Parses, loads, logs and serves metrics; `describe` adds the program's own fields to the configuration line. */
export async function startProgram<F extends ProgramFlags>(
  component: string,
  parse: () => F,
  describe: (flags: F) => Record<string, unknown>,
): Promise<Program<F>> {
  let flags: F, kube: ProcessConfig;
  try {
    flags = parse();
    kube = loadProcessConfig({ kubeconfig: flags.kubeconfig });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  const logger = pino({ level: flags.logLevel, base: { component } });
  const metrics = new Metrics();
  const metricsServer = await serveMetrics(metrics, {
    address: flags.metricsAddr,
    ...(flags.metricsUrlFile === undefined ? {} : { urlFile: flags.metricsUrlFile }),
  });
  logger.info({ url: metricsServer.url }, 'serving metrics');
  logger.info({ ...describe(flags), kube: kube.describe, from: kube.from }, 'configuration');
  return { flags, kube, logger, metrics, metricsServer };
}
