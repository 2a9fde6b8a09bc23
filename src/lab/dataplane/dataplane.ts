/**
 * The lab's OVN/OVS dataplane in one call: OVN central (NB, SB, northd; src/ovn/central.ts under
 * `layout.centralDir`), the emulated underlay, and the nodes (default `DEFAULT_NODES`), every daemon supervised
 * (restarted on an unexpected exit, see supervisor.ts) and every process, namespace and directory recorded in the
 * ledger as it is created, so `teardown(layout)` can remove the lot even if this object is gone. `stop()` stops
 * things in order and then runs that same teardown.
 *
 * The lab daemon (`kovn up`) is expected to run `teardown(layout)` first (a crashed earlier run), then this.
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

export async function startDataplane(options: DataplaneOptions): Promise<Dataplane> {
  const { layout } = options;
  const clock = options.clock ?? systemClock;
  const ledger = new Ledger(layout.ledger);
  const base = new LedgerRunner(options.runner ?? processRunner, ledger);
  mkdirSync(layout.logDir, { recursive: true });
  const supervisor =
    options.supervisor ??
    new Supervisor({
      runner: base,
      clock,
      logger: options.logger ?? fileLogger(join(layout.logDir, 'dataplane.log')),
      detached: options.detached ?? false,
    });
  const nodes = new Map<string, LabNode>();
  let central: Central | undefined;
  let underlay: Underlay | undefined;
  let nextIndex = 0;

  ledger.addDir(layout.centralDir);
  ledger.addDir(layout.logDir);
  const stop = async (stopOptions: StopOptions = {}): Promise<TeardownReport | undefined> => {
    for (const node of [...nodes.values()].reverse()) await node.stop().catch(() => undefined);
    nodes.clear();
    for (const name of [...CENTRAL].reverse()) await supervisor.stop(`central/${name}`);
    await central?.stop();
    await underlay?.remove().catch(() => undefined);
    if (stopOptions.teardown === false) return undefined;
    return teardown(layout, {
      runner: options.runner ?? processRunner,
      ...(stopOptions.keepLogs === undefined ? {} : { keepLogs: stopOptions.keepLogs }),
    });
  };

  try {
    mkdirSync(layout.centralDir, { recursive: true });
    central = await startCentral({
      dir: layout.centralDir,
      runner: base.withComponent('central'),
      clock,
      detached: options.detached ?? false,
    });
    await superviseCentral(supervisor, central);
    underlay = await Underlay.create({ runner: base, ledger, netns: layout.underlayNetns });
    const sbRemote = central.sbRemotes[0]!;
    const u = underlay;
    const addNode = async (name: string): Promise<LabNode> => {
      if (nodes.has(name)) throw new Error(`node ${name} already exists`);
      const node = await LabNode.start({
        layout,
        name,
        encapIp: encapIp(nextIndex++),
        sbRemote,
        underlay: u,
        supervisor,
        runner: base.withComponent(name),
        ledger,
        clock,
      });
      nodes.set(name, node);
      return node;
    };
    for (const name of options.nodes ?? DEFAULT_NODES) await addNode(name);
    const c = central;
    return {
      layout,
      ledger,
      supervisor,
      central: c,
      nbRemotes: c.nbRemotes,
      sbRemotes: c.sbRemotes,
      underlay: u,
      nodes,
      addNode,
      removeNode: async (name) => {
        await nodes.get(name)?.stop();
        nodes.delete(name);
      },
      health: () => {
        const centralHealth = CENTRAL.map((n) => supervisor.get(`central/${n}`)?.health()).filter(
          (h): h is ComponentHealth => h !== undefined,
        );
        const nodeHealth = [...nodes.values()].map((n) => n.health());
        return {
          ok: centralHealth.every((h) => h.state === 'running') && nodeHealth.every((n) => n.ok),
          central: centralHealth,
          nodes: nodeHealth,
        };
      },
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
