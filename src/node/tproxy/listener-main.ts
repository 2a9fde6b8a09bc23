/**
 * The transparent listener process, run in a node's network namespace by the node agent (process.ts):
 *   python3 -c <TRANSPARENT_SOCKET> IP PORT -- node src/node/tproxy/listener-main.ts --control SOCKET
 * The listening socket arrives as fd 3, already bound with IP_TRANSPARENT (Node.js cannot set that option); this
 * process serves it (listener.ts) and the control API on the unix socket. Logs JSON lines; SIGTERM stops it.
 */
import { existsSync, rmSync } from 'node:fs';
import net from 'node:net';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { systemClock } from '../../util/clock.ts';
import { controlServer } from './control.ts';
import { TproxyListener } from './listener.ts';

const { values } = parseArgs({ options: { control: { type: 'string' }, 'log-level': { type: 'string' } } });
if (!values.control) {
  process.stderr.write('usage: listener-main.ts --control SOCKET (the listening socket on fd 3)\n');
  process.exit(2);
}
const control = values.control;
const log = pino({ level: values['log-level'] ?? 'info', base: { component: 'kovn-tproxy' } });
const listener = new TproxyListener(systemClock, log);
const tproxy = net.createServer({ allowHalfOpen: true }, (socket) => {
  void listener.accept(socket).catch((err: unknown) => {
    log.warn({ err: (err as Error).message }, 'connection failed');
    socket.destroy();
  });
});
await new Promise<void>((resolve, reject) => {
  tproxy.once('error', reject);
  tproxy.listen({ fd: 3 }, () => resolve());
});
if (existsSync(control)) rmSync(control, { force: true });
const api = controlServer(listener, log);
await new Promise<void>((resolve, reject) => {
  api.once('error', reject);
  api.listen(control, () => resolve());
});
log.info({ address: tproxy.address(), control }, 'tproxy listener ready');

const stop = (signal: string): void => {
  log.info({ signal }, 'stopping');
  listener.close();
  tproxy.close();
  api.close();
  rmSync(control, { force: true });
  process.exit(0);
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
