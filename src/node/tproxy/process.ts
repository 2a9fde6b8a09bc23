/**
 * The transparent listener as a child of the node agent: started in the node's namespace through the Python
 * socket helper (transparent-socket.ts), restarted when it exits (the caller decides when), stopped by its pid.
 * Its pid is kept in a file next to the control socket, so an agent restarted without `--enable-tproxy` finds a
 * listener left by an earlier run and ends it — by that pid, and only if /proc says it is our listener for this
 * control socket.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../../util/clock.ts';
import type { ProcessRunner, SpawnedProcess } from '../../util/exec.ts';
import { TPROXY_PORT } from './rules.ts';
import { transparentListenerArgs } from './transparent-socket.ts';
import type { Netns } from '../agent/netns-path.ts';

export const LISTENER_MAIN = fileURLToPath(new URL('./listener-main.ts', import.meta.url));
/** The address the listener binds and TPROXY `--on-ip` names (the node's loopback). */
export const LISTEN_IP = '127.0.0.1';

export interface ListenerPlace {
  nodeNetns: Netns;
  /** The control socket (a unix socket: reachable from any namespace). */
  control: string;
  logFile?: string;
  logLevel?: string;
}

const pidFile = (control: string): string => `${control}.pid`;

function isOurListener(pid: number, control: string): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.includes(LISTENER_MAIN) && argv.includes(control);
  } catch {
    return false;
  }
}

export async function startListener(runner: ProcessRunner, place: ListenerPlace): Promise<SpawnedProcess> {
  const program = [
    process.execPath,
    LISTENER_MAIN,
    '--control',
    place.control,
    ...(place.logLevel ? ['--log-level', place.logLevel] : []),
  ];
  const proc = await runner.spawn('python3', transparentListenerArgs(LISTEN_IP, TPROXY_PORT, program), {
    netns: place.nodeNetns,
    ...(place.logFile ? { logFile: place.logFile } : {}),
  });
  writeFileSync(pidFile(place.control), `${proc.pid}\n`);
  return proc;
}

/** Ends the listener recorded for this control socket (ours only), waits for it, removes its files. */
export async function stopListener(clock: Clock, control: string): Promise<boolean> {
  const file = pidFile(control);
  const pid = existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : NaN;
  let stopped = false;
  if (Number.isInteger(pid) && pid > 0 && isOurListener(pid, control)) {
    process.kill(pid, 'SIGTERM');
    const deadline = clock.now() + 3_000;
    while (isOurListener(pid, control) && clock.now() < deadline) await clock.sleep(50);
    if (isOurListener(pid, control)) process.kill(pid, 'SIGKILL');
    stopped = true;
  }
  rmSync(file, { force: true });
  rmSync(control, { force: true });
  return stopped;
}
