/**
 * `kovn up | down | status`: the single-machine lab's lifecycle. `up` writes the lab config on first use, removes
 * the leftovers of dead labs with its id (or refuses, naming a live one; src/lab/process/leftovers.ts), claims the
 * id, starts the lab daemon detached and follows `.kovn/status.json`, printing each component as it comes up, until
 * the lab is ready (or failed: then the reason and the log's tail). A second `up` finds the daemon running and only
 * reports. `down` stops the daemon by the pid it recorded, tears down whatever the ledger still lists, releases the
 * id and removes the lab directory; `down --id ID` removes only what a dead lab with that id left on the machine.
 * `status` prints each component's health and exits non-zero unless everything runs.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { configPath, ensureConfig, LabConfigError, readConfig, type CniMode } from '../../lab/config.ts';
import { labHome, labLayout } from '../../lab/layout.ts';
import { releaseClaim } from '../../lab/process/claim.ts';
import { clearForUp, removeLeftoversOf } from '../../lab/process/leftovers.ts';
import { daemonPid, DAEMON_MAIN } from '../../lab/process/liveness.ts';
import { processIdentity } from '../../lab/process/procfs.ts';
import { readStatus, type ComponentStatus, type LabStatus } from '../../lab/status.ts';
import { teardown } from '../../lab/process/teardown.ts';
import { systemClock, type Clock } from '../../util/clock.ts';
import { processRunner } from '../../util/exec.ts';
import type { CommandIo } from './validate.ts';

const UP_TIMEOUT_MS = 180_000;

function age(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  return `${Math.floor(s / 3600)}h`;
}

export function renderComponents(components: readonly ComponentStatus[], now = systemClock.now()): string {
  const rows = [
    ['COMPONENT', 'STATE', 'PID', 'RESTARTS', 'AGE', 'MESSAGE'],
    ...components.map((c) => [
      c.name,
      c.state,
      c.pid === undefined ? '-' : String(c.pid),
      String(c.restarts),
      age(now - c.since),
      c.message ?? '',
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('   ')
        .trimEnd(),
    )
    .join('\n');
}

/** One `<component>  metrics: <url>` line per process serving Prometheus metrics, then the daemon's own. */
export function renderMetricsUrls(status: Pick<LabStatus, 'components' | 'metrics'>): string[] {
  const endpoints: [string, string][] = status.components.flatMap((c) =>
    c.metrics ? [[c.name, c.metrics] as [string, string]] : [],
  );
  if (status.metrics) endpoints.push(['lab daemon (NAT gateway agents)', status.metrics]);
  const width = Math.max(0, ...endpoints.map(([name]) => name.length));
  return endpoints.map(([name, url]) => `${name.padEnd(width)}   metrics: ${url}`);
}

function tail(path: string, lines: number): string {
  if (!existsSync(path)) return '';
  return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

export interface UpOptions {
  home?: string;
  /** Lab id (namespace prefix) for a new lab. */
  id?: string;
  nodes?: string[];
  /** Node agents with `--enable-tproxy` (default: on in the lab). */
  enableTproxy?: boolean;
  /** `kovn up --cni-mode` (a new lab only). */
  cniMode?: CniMode;
  clock?: Clock;
}

export async function upCommand(io: CommandIo, options: UpOptions = {}): Promise<number> {
  const home = options.home ?? labHome();
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  let config;
  try {
    config = await ensureConfig(home, {
      ...(options.id ? { id: options.id } : {}),
      ...(options.nodes ? { nodes: options.nodes } : {}),
      ...(options.enableTproxy === undefined ? {} : { enableTproxy: options.enableTproxy }),
      ...(options.cniMode === undefined ? {} : { cniMode: options.cniMode }),
    });
  } catch (err) {
    if (!(err instanceof LabConfigError)) throw err;
    io.err(`kovn up: ${err.message}`);
    return 2;
  }
  const layout = labLayout(home, config.id);
  const running = daemonPid(layout);
  if (running !== undefined) {
    const status = readStatus(layout.statusFile);
    io.out(`kovn lab is already up (daemon pid ${running}, phase ${status?.phase ?? 'unknown'}) in ${home}`);
    io.out(`kubeconfig: ${layout.kubeconfig}`);
    return status?.phase === 'ready' ? 0 : 1;
  }
  if (options.id && options.id !== config.id)
    io.err(`note: this lab's id is ${config.id} (fixed in ${configPath(home)}); --id applies to a new lab`);
  const clearance = await clearForUp(layout);
  if (!clearance.ok) {
    io.err(`kovn up: ${clearance.message}`);
    return 1;
  }
  for (const line of clearance.removed) io.out(line);
  rmSync(layout.statusFile, { force: true });
  io.out(`starting the kovn lab in ${home} (nodes: ${config.nodes.join(', ')})`);
  const daemon = await processRunner.spawn(process.execPath, [DAEMON_MAIN, '--home', home], {
    detached: true,
    logFile: join(home, 'daemon.out'),
  });
  const seen = new Map<string, string>();
  let last: LabStatus | undefined;
  const exited = { done: false };
  void daemon.exited.then(() => (exited.done = true));
  while (clock.now() - started < UP_TIMEOUT_MS) {
    last = readStatus(layout.statusFile);
    for (const c of last?.components ?? []) {
      const state = `${c.state}${c.restarts ? ` (restarts ${c.restarts})` : ''}`;
      if (seen.get(c.name) === state) continue;
      seen.set(c.name, state);
      const mark = c.state === 'running' ? '✓' : c.state === 'failed' ? '✗' : '…';
      io.out(`  ${mark} ${c.name.padEnd(40)} ${state}${c.message ? `  ${c.message}` : ''}`);
    }
    if (last?.phase === 'ready') break;
    if (last?.phase === 'failed' || exited.done) break;
    await clock.sleep(200);
  }
  if (last?.phase !== 'ready') {
    const why =
      last?.error ?? (exited.done ? 'the lab daemon exited' : `not ready after ${UP_TIMEOUT_MS / 1000} s`);
    io.err(`kovn up failed: ${why}`);
    const log = tail(join(layout.logDir, 'lab.log'), 15) || tail(join(home, 'daemon.out'), 15);
    if (log) io.err(`--- last lines of ${join(layout.logDir, 'lab.log')} ---\n${log}`);
    io.err(`logs: ${layout.logDir}; run \`kovn down\` to remove what was started`);
    return 1;
  }
  io.out(`kovn lab is up in ${((clock.now() - started) / 1000).toFixed(1)} s`);
  io.out(`  kubeconfig: ${layout.kubeconfig}`);
  if (last.ui) io.out(`  topology:   ${last.ui}`);
  io.out(`  try:        kubectl --kubeconfig ${layout.kubeconfig} get nodes`);
  return 0;
}

export async function downCommand(
  io: CommandIo,
  options: { home?: string; clock?: Clock; id?: string } = {},
): Promise<number> {
  const home = options.home ?? labHome();
  const clock = options.clock ?? systemClock;
  const config = readConfig(home);
  if (options.id !== undefined) {
    const cleared = await removeLeftoversOf(home, config?.id, options.id);
    if (!cleared.ok) io.err(`kovn down --id ${options.id}: ${cleared.message}`);
    else io.out(cleared.removed.join('\n') || `nothing of lab ${options.id} was left on this machine`);
    return cleared.ok ? 0 : 1;
  }
  if (!config) {
    io.out(`no kovn lab in ${home}`);
    return 0;
  }
  const layout = labLayout(home, config.id);
  const pid = daemonPid(layout);
  if (pid !== undefined) {
    io.out(`stopping the lab daemon (pid ${pid})`);
    process.kill(pid, 'SIGTERM');
    const deadline = clock.now() + 90_000;
    while (daemonPid(layout) !== undefined && clock.now() < deadline) await clock.sleep(200);
    if (daemonPid(layout) !== undefined) {
      io.err(`the lab daemon did not stop within 90 s; killing it (pid ${pid})`);
      process.kill(pid, 'SIGKILL');
    }
    // The pid file goes just before the process exits: wait for the exit itself.
    while (processIdentity(pid) && clock.now() < deadline + 10_000) await clock.sleep(50);
  }
  const report = await teardown(layout);
  if (report.errors.length) {
    io.err(`could not remove everything:\n  ${report.errors.join('\n  ')}`);
    return 1;
  }
  releaseClaim(layout);
  if (report.heldBy)
    io.out(
      `lab id ${config.id} is held by the running lab in ${report.heldBy}: its namespaces were left alone`,
    );
  rmSync(join(home, 'daemon.out'), { force: true });
  rmSync(layout.statusFile, { force: true });
  rmSync(layout.kubeconfig, { force: true });
  rmSync(layout.logDir, { recursive: true, force: true });
  rmSync(configPath(home), { force: true });
  rmSync(home, { recursive: true, force: true });
  io.out(
    `kovn lab removed: ${report.stopped.length + report.strays.length + report.listeners} leftover processes stopped, ${report.namespaces.length} leftover namespaces deleted, ${home} removed`,
  );
  return 0;
}

export function statusCommand(io: CommandIo, options: { home?: string } = {}): number {
  const home = options.home ?? labHome();
  const config = readConfig(home);
  if (!config) {
    io.out(`no kovn lab in ${home} (start one with \`kovn up\`)`);
    return 3;
  }
  const layout = labLayout(home, config.id);
  const pid = daemonPid(layout);
  const status = readStatus(layout.statusFile);
  if (pid === undefined || !status) {
    io.out(`kovn lab in ${home} is down${status ? ` (last phase: ${status.phase})` : ''}`);
    return 3;
  }
  io.out(`kovn lab ${config.id} in ${home}: ${status.phase} (daemon pid ${pid})`);
  if (status.apiserver) io.out(`API server: ${status.apiserver}   kubeconfig: ${status.kubeconfig}`);
  if (status.ui) io.out(`topology page: ${status.ui}`);
  io.out('');
  io.out(renderComponents(status.components));
  const metrics = renderMetricsUrls(status);
  if (metrics.length) io.out(['', ...metrics].join('\n'));
  const healthy = status.phase === 'ready' && status.components.every((c) => c.state === 'running');
  return healthy ? 0 : 1;
}
