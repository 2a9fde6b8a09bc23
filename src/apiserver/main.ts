/**
 * CLI entry: `node src/apiserver/main.ts --data-dir DIR [--port N] [--host H] [--log-level L]
 * [--service-cluster-ip-range CIDR]`. Prints one JSON
 * line `{"url","kubeconfig"}` on stdout once listening, logs to stderr, and shuts down cleanly on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { startApiServer } from './server.ts';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'log-level': { type: 'string', default: 'info' },
    'service-cluster-ip-range': { type: 'string' },
  },
});

const dataDir = values['data-dir'];
if (!dataDir) {
  process.stderr.write(
    'usage: node src/apiserver/main.ts --data-dir DIR [--port N] [--host H] [--log-level L]\n',
  );
  process.exit(2);
}

const logger = pino({ level: values['log-level'] ?? 'info' }, pino.destination(2));
const serviceCidr = values['service-cluster-ip-range'];
const server = await startApiServer({
  dataDir,
  host: values.host ?? '127.0.0.1',
  port: Number(values.port ?? 0),
  logger,
  ...(serviceCidr ? { serviceCidr } : {}),
});
process.stdout.write(`${JSON.stringify({ url: server.url, kubeconfig: server.kubeconfigPath })}\n`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
