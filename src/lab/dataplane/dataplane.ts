/**
 * The lab's OVN/OVS dataplane in one call: OVN central (NB, SB, northd; src/ovn/central.ts under
 * `layout.centralDir`), the emulated underlay, and the nodes (default `DEFAULT_NODES`), every daemon supervised
 * (restarted on an unexpected exit, see supervisor.ts) and every process, namespace and directory recorded in the
 * ledger as it is created, so `teardown(layout)` can remove the lot even if this object is gone. `stop()` stops
 * things in order and then runs that same teardown.
 *
 * `kovn up` removes what dead labs left first (process/leftovers.ts: their teardown), then the daemon runs this.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { startCentral, type Central } from '../../ovn/central.ts';
import type { Daemon } from '../../ovn/daemons.ts';
import type { Logger } from '../../ovsdb/logger.ts';
import { systemClock, type Clock } from '../../util/clock.ts';
import { processRunner, type ProcessRunner } from '../../util/exec.ts';
import { DEFAULT_NODES, type LabLayout } from '../layout.ts';
import { Ledger } from '../process/ledger.ts';
import { LedgerRunner } from '../process/ledger-runner.ts';
import { LabNode, type NodeHealth } from './node.ts';
import { Supervisor, type ComponentHealth } from '../process/supervisor.ts';
import { teardown, type TeardownReport } from '../process/teardown.ts';
import { encapIp, Underlay } from './underlay.ts';

export interface DataplaneOptions {
  layout: LabLayout;
  /** Node names, in encap-address order (default `DEFAULT_NODES`). */
  nodes?: readonly string[];
  /** The runner underneath the ledger's (default: the real one). */
  runner?: ProcessRunner;
  clock?: Clock;
  /** Share the lab daemon's supervisor (default: a new one logging to `<logDir>/dataplane.log`). */
  supervisor?: Supervisor;
  /** The supervisor's log when it creates its own (default: pino to `<logDir>/dataplane.log`). */
  logger?: Logger;
  /** Children in their own process group (a lab daemon that outlives the CLI). */
  detached?: boolean;
}

export interface DataplaneHealth {
  ok: boolean;
  central: ComponentHealth[];
  nodes: NodeHealth[];
}

export interface StopOptions {
  /** Run `teardown(layout)` at the end (default true). */
  teardown?: boolean;
  /** Keep `layout.logDir` (default false). */
  keepLogs?: boolean;
}

export interface Dataplane {
  layout: LabLayout;
  ledger: Ledger;
  supervisor: Supervisor;
  central: Central;
  /** NB/SB remotes (unix socket first, then loopback TCP). */
  nbRemotes: string[];
  sbRemotes: string[];
  underlay: Underlay;
  nodes: Map<string, LabNode>;
  /** Adds a node (next encap address) to the running lab. */
  addNode(name: string): Promise<LabNode>;
  removeNode(name: string): Promise<void>;
  health(): DataplaneHealth;
  /**
   * Stops the nodes, central and the underlay in order; then, unless `teardown: false`, runs `teardown(layout)`,
   * which removes everything the lab ledger still lists, including other components' processes and pod
   * namespaces: the lab daemon calls this last, or passes `teardown: false` and runs teardown itself.
   */
  stop(options?: StopOptions): Promise<TeardownReport | undefined>;
}

const CENTRAL = ['nb', 'sb', 'northd'] as const;

function fileLogger(path: string): Logger {
  return pino({ base: null }, pino.destination({ dest: path, sync: true, mkdir: true }));
}

/** Puts central's daemons under the supervisor: an unexpected exit restarts them on the same files and ports. */
async function superviseCentral(supervisor: Supervisor, central: Central): Promise<void> {
  const daemons: [string, (Daemon & { restart(): Promise<void> }) | undefined][] = [
    ['nb', central.nb],
    ['sb', central.sb],
    ['northd', central.northd],
  ];
  for (const [name, d] of daemons) {
    if (!d?.process) continue;
    await supervisor.supervise({
      name: `central/${name}`,
      initial: d.process,
      launch: async () => {
        await d.restart();
        if (!d.process) throw new Error(`central/${name} exited right after its restart`);
        return d.process;
      },
    });
  }
}

/** What the lab has started so far: what `stop` takes down, nodes first. */
interface Started {
  nodes: Map<string, LabNode>;
  central?: Central;
  underlay?: Underlay;
}

/** The supervisor the dataplane makes when it is given none, logging to `<logDir>/dataplane.log` by default. */
function ownSupervisor(options: DataplaneOptions, runner: LedgerRunner, clock: Clock): Supervisor {
  return new Supervisor({
    runner,
    clock,
    logger: options.logger ?? fileLogger(join(options.layout.logDir, 'dataplane.log')),
    detached: options.detached ?? false,
  });
}

/** Nodes, then central's supervised daemons and central, then the underlay; then (unless told not to) teardown. */
async function stopStarted(
  started: Started,
  supervisor: Supervisor,
  options: DataplaneOptions,
  stopOptions: StopOptions,
): Promise<TeardownReport | undefined> {
  const { nodes } = started;
  for (const node of [...nodes.values()].reverse()) await node.stop().catch(() => undefined);
  nodes.clear();
  for (const name of [...CENTRAL].reverse()) await supervisor.stop(`central/${name}`);
  await started.central?.stop();
  await started.underlay?.remove().catch(() => undefined);
  if (stopOptions.teardown === false) return undefined;
  return teardown(options.layout, {
    runner: options.runner ?? processRunner,
    ...(stopOptions.keepLogs === undefined ? {} : { keepLogs: stopOptions.keepLogs }),
  });
}

interface NodeStarterOptions {
  layout: LabLayout;
  ledger: Ledger;
  runner: LedgerRunner;
  supervisor: Supervisor;
  clock: Clock;
  sbRemote: string;
  underlay: Underlay;
  nodes: Map<string, LabNode>;
}

/** Starts nodes one after another, each on the next encap address, into `nodes`. */
function nodeStarter(o: NodeStarterOptions): (name: string) => Promise<LabNode> {
  let nextIndex = 0;
  return async (name) => {
    if (o.nodes.has(name)) throw new Error(`node ${name} already exists`);
    const node = await LabNode.start({
      layout: o.layout,
      name,
      encapIp: encapIp(nextIndex++),
      sbRemote: o.sbRemote,
      underlay: o.underlay,
      supervisor: o.supervisor,
      runner: o.runner.withComponent(name),
      ledger: o.ledger,
      clock: o.clock,
    });
    o.nodes.set(name, node);
    return node;
  };
}

/** Central's daemons as the supervisor sees them, and every node's own report. */
function healthOf(supervisor: Supervisor, nodes: ReadonlyMap<string, LabNode>): DataplaneHealth {
  const central = CENTRAL.map((n) => supervisor.get(`central/${n}`)?.health()).filter(
    (h): h is ComponentHealth => h !== undefined,
  );
  const nodeHealth = [...nodes.values()].map((n) => n.health());
  return {
    ok: central.every((h) => h.state === 'running') && nodeHealth.every((n) => n.ok),
    central,
    nodes: nodeHealth,
  };
}

/**
 * Start-up in phases, each recorded in the ledger as it goes: the log and central directories, OVN central (then
 * supervised), the underlay, the nodes. A failed phase stops what the earlier ones started, and tears down.
 */
export async function startDataplane(options: DataplaneOptions): Promise<Dataplane> {
  const { layout } = options;
  const clock = options.clock ?? systemClock;
  const ledger = new Ledger(layout.ledger);
  const base = new LedgerRunner(options.runner ?? processRunner, ledger);
  mkdirSync(layout.logDir, { recursive: true });
  const supervisor = options.supervisor ?? ownSupervisor(options, base, clock);
  const started: Started = { nodes: new Map() };
  ledger.addDir(layout.centralDir);
  ledger.addDir(layout.logDir);
  const stop = (stopOptions: StopOptions = {}): Promise<TeardownReport | undefined> =>
    stopStarted(started, supervisor, options, stopOptions);

  try {
    mkdirSync(layout.centralDir, { recursive: true });
    const central = (started.central = await startCentral({
      dir: layout.centralDir,
      runner: base.withComponent('central'),
      clock,
      detached: options.detached ?? false,
    }));
    await superviseCentral(supervisor, central);
    const underlay = (started.underlay = await Underlay.create({
      runner: base,
      ledger,
      netns: layout.underlayNetns,
    }));
    const { nodes } = started;
    const sbRemote = central.sbRemotes[0]!;
    const addNode = nodeStarter({
      layout,
      ledger,
      runner: base,
      supervisor,
      clock,
      sbRemote,
      underlay,
      nodes,
    });
    for (const name of options.nodes ?? DEFAULT_NODES) await addNode(name);
    return {
      layout,
      ledger,
      supervisor,
      central,
      nbRemotes: central.nbRemotes,
      sbRemotes: central.sbRemotes,
      underlay,
      nodes,
      addNode,
      removeNode: async (name) => {
        await nodes.get(name)?.stop();
        nodes.delete(name);
      },
      health: () => healthOf(supervisor, nodes),
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
