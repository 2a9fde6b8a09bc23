/**
 * Entry of the lab daemon process (`kovn up` starts it detached): `node src/lab/daemon-main.ts --home DIR`. Writes
 * its pid file, brings the lab up (daemon.ts, then the node side in lab-up.ts), marks the status `ready`, and on
 * SIGTERM/SIGINT stops everything and exits. A failed start is recorded in the status file and undone.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { readConfig } from './config.ts';
import { LabDaemon } from './daemon.ts';
import { startNodeSide } from './lab-up.ts';
import { labLayout } from './layout.ts';

const { values } = parseArgs({ options: { home: { type: 'string' } } });
if (!values.home) {
  process.stderr.write('usage: node src/lab/daemon-main.ts --home DIR\n');
  process.exit(2);
}
const config = readConfig(values.home);
if (!config) {
  process.stderr.write(`no lab config in ${values.home} (kovn up writes it)\n`);
  process.exit(2);
}
const layout = labLayout(values.home, config.id);
mkdirSync(layout.logDir, { recursive: true });
writeFileSync(layout.daemonPid, `${process.pid}\n`);
const logger = pino(
  { base: { lab: config.id } },
  pino.destination({ dest: join(layout.logDir, 'lab.log'), sync: true, mkdir: true }),
);
const daemon = new LabDaemon({ layout, config, logger });

let stopping: Promise<void> | undefined;
const stop = (code: number): Promise<void> => {
  stopping ??= daemon
    .stop()
    .catch((err: unknown) => logger.error({ err }, 'stop failed'))
    .finally(() => {
      rmSync(layout.daemonPid, { force: true });
      process.exit(code);
    });
  return stopping;
};
process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));

try {
  await daemon.startInfrastructure();
  // The controller, the topology page and the node side start together; the node side waits for the controller's
  // default network on its own. Every start settles before a failure is reported, so `stop` finds all of them.
  const started = await Promise.allSettled([
    daemon.startController(),
    daemon.startUi(),
    startNodeSide(daemon, layout, { enableTproxy: config.enableTproxy ?? true }),
  ]);
  const failure = started.find((s) => s.status === 'rejected');
  if (failure) throw failure.reason;
  daemon.setPhase('ready');
  logger.info('lab ready');
} catch (err) {
  logger.error({ err }, 'lab failed to start');
  daemon.setPhase('failed', err instanceof Error ? err.message : String(err));
  await stop(1);
}
