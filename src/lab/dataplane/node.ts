/**
 * One lab node: a network namespace (`layout.nodeNetns(name)`) that is the node's host network, running its own
 * conf.db `ovsdb-server`, a userspace `ovs-vswitchd` and `ovn-controller`, all supervised, with a private run
 * directory (`<nodeDir>/ovs`). Bridges: `br-int` (netdev, fail-mode secure, in-band off) for pods, and `br-phy`
 * (netdev) holding the underlay veth `ul0`, with the node's encap address on the `br-phy` interface, which is how
 * the userspace datapath sends geneve (lab-notes.md). The node is ready when ovn-controller is connected to SB and
 * the node's Chassis row (name = node name) is there.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ovsEnv, socketAccepts, waitFor } from '../../ovn/daemons.ts';
import { ovsDbSocket, vsctl } from '../../ovn/vsctl.ts';
import { systemClock, type Clock } from '../../util/clock.ts';
import { check, type ProcessRunner, type SpawnedProcess } from '../../util/exec.ts';
import type { LabLayout } from '../layout.ts';
import type { Ledger } from '../process/ledger.ts';
import { createNetns, deleteNetns } from './netns.ts';
import {
  readyDeadlineMs,
  type ComponentHealth,
  type StartKind,
  type Supervisor,
} from '../process/supervisor.ts';
import { UNDERLAY_NODE_IF, UNDERLAY_PREFIX_LEN, type Underlay } from './underlay.ts';

export const VSWITCH_SCHEMA = '/usr/share/openvswitch/vswitch.ovsschema';
export const PHYSICAL_BRIDGE = 'br-phy';
/** How long a (re)started ovn-controller keeps the installed flows before replacing them with its own. */
const OFCTRL_WAIT_BEFORE_CLEAR_MS = 1_000;
/**
 * Written in the node's namespace before any link is made in it: new links get no IPv6 link-local address (IPv6
 * stays on; addresses set explicitly still work). Each pod's host-side veth would otherwise add an address and
 * three IPv6 routes, and ovs-vswitchd's routing and tunnel-address tables (which it rebuilds on every link or
 * route change in its namespace) match each route and address-holding interface against the whole address list:
 * a cost per pod that grows with the pods on the node (docs/benchmarks.md, "ovs-vswitchd per pod").
 */
export const NODE_NETNS_SYSCTLS = ['net.ipv6.conf.default.addr_gen_mode=1'] as const;
/**
 * How long an idle datapath flow stays (OVS default 10 s). ovs-vswitchd re-translates every datapath flow after
 * each flow-table or bridge change, which a pod burst makes several times per pod, so flows left over from
 * one-off packets (a new pod's probes, ARP, announcements) cost CPU long after they are used; a flow that carries
 * traffic is not idle and stays. Lab value, not for real nodes (docs/benchmarks.md, "ovs-vswitchd per pod").
 */
const DATAPATH_MAX_IDLE_MS = 1_000;
/** How long a first start of ovsdb-server or ovs-vswitchd may take to accept on its socket. */
const SOCKET_READY_MS = 15_000;

export interface NodeOptions {
  layout: LabLayout;
  name: string;
  encapIp: string;
  /** SB remote for ovn-controller (and the readiness probe), e.g. `unix:<central>/sb.sock`. */
  sbRemote: string;
  underlay: Underlay;
  supervisor: Supervisor;
  runner: ProcessRunner;
  ledger: Ledger;
  clock?: Clock;
  /** How long to wait for the Chassis row (default 30 s). */
  readyTimeoutMs?: number;
}

export interface NodeHealth {
  name: string;
  ok: boolean;
  components: ComponentHealth[];
}

const DAEMONS = ['ovsdb-server', 'ovs-vswitchd', 'ovn-controller'] as const;

export class LabNode {
  readonly name: string;
  readonly netns: string;
  readonly dir: string;
  /** The node's OVS run directory: `db.sock` (for ovs-vsctl, `NicSpec.ovsRundir`), control sockets, logs. */
  readonly ovsRundir: string;
  readonly encapIp: string;
  readonly #o: NodeOptions;
  readonly #clock: Clock;

  private constructor(o: NodeOptions) {
    this.#o = o;
    this.#clock = o.clock ?? systemClock;
    this.name = o.name;
    this.netns = o.layout.nodeNetns(o.name);
    this.dir = o.layout.nodeDir(o.name);
    this.ovsRundir = join(this.dir, 'ovs');
    this.encapIp = o.encapIp;
  }

  /** Brings the node up; on failure everything it started is removed again. */
  static async start(options: NodeOptions): Promise<LabNode> {
    const node = new LabNode(options);
    try {
      await node.#start();
    } catch (error) {
      await node.stop().catch(() => undefined);
      throw new Error(`node ${node.name} did not come up: ${(error as Error).message}`, { cause: error });
    }
    return node;
  }

  #component(daemon: (typeof DAEMONS)[number]): string {
    return `${this.name}/${daemon}`;
  }

  /** A daemon's control socket; ovn-controller has no --unixctl and names its own after its pid. */
  #ctl(daemon: string, pid?: number): string {
    return join(this.ovsRundir, pid === undefined ? `${daemon}.ctl` : `${daemon}.${pid}.ctl`);
  }

  async #start(): Promise<void> {
    const { runner, ledger, supervisor } = this.#o;
    const env = ovsEnv(this.ovsRundir);
    ledger.addDir(this.dir);
    rmSync(this.ovsRundir, { recursive: true, force: true }); // a node always starts from an empty conf.db
    mkdirSync(this.ovsRundir, { recursive: true });
    await createNetns(runner, ledger, this.netns);
    await check(runner, 'sysctl', ['-qw', ...NODE_NETNS_SYSCTLS], { netns: this.netns });
    await this.#o.underlay.attach(this.name, this.netns);

    const db = join(this.ovsRundir, 'conf.db');
    await check(runner, 'ovsdb-tool', ['create', db, VSWITCH_SCHEMA]);
    const sock = ovsDbSocket(this.ovsRundir);
    const common = (daemon: string): string[] => [
      ...(daemon === 'ovn-controller' ? [] : [`--unixctl=${this.#ctl(daemon)}`]),
      `--log-file=${join(this.ovsRundir, `${daemon}.log`)}`,
      `--pidfile=${join(this.ovsRundir, `${daemon}.pid`)}`,
    ];
    const spec = (daemon: (typeof DAEMONS)[number], args: string[]) => ({
      name: this.#component(daemon),
      command: daemon,
      args: [...args, ...common(daemon)],
      netns: this.netns,
      env,
      logFile: join(this.ovsRundir, `${daemon}.stderr`),
      runner,
    });
    const accepts =
      (path: string) =>
      async (_proc: SpawnedProcess, start: StartKind): Promise<void> => {
        await waitFor(
          this.#clock,
          path,
          async () => (await socketAccepts(path)) || undefined,
          readyDeadlineMs(start, SOCKET_READY_MS),
        );
      };

    await supervisor.start({ ...spec('ovsdb-server', [`--remote=punix:${sock}`, db]), ready: accepts(sock) });
    await vsctl(runner, this.ovsRundir, '--no-wait', 'init');
    await supervisor.start({
      ...spec('ovs-vswitchd', [`unix:${sock}`]),
      ready: accepts(this.#ctl('ovs-vswitchd')),
    });
    await this.#bridges();
    await supervisor.start({
      ...spec('ovn-controller', [`unix:${sock}`]),
      ready: (p, start) => this.#controllerReady(p.pid, start),
    });
  }

  async #bridges(): Promise<void> {
    const { runner } = this.#o;
    const netdev = (br: string): string[] => ['--', 'set', 'Bridge', br, 'datapath_type=netdev'];
    await vsctl(
      runner,
      this.ovsRundir,
      ...['--may-exist', 'add-br', 'br-int', ...netdev('br-int')],
      ...['fail-mode=secure', 'other-config:disable-in-band=true'],
      ...['--', '--may-exist', 'add-br', PHYSICAL_BRIDGE, ...netdev(PHYSICAL_BRIDGE)],
      ...['other-config:disable-in-band=true'],
      ...['--', '--may-exist', 'add-port', PHYSICAL_BRIDGE, UNDERLAY_NODE_IF],
    );
    const ip = (...args: string[]) => check(runner, 'ip', ['-n', this.netns, ...args]);
    await ip('addr', 'replace', `${this.encapIp}/${UNDERLAY_PREFIX_LEN}`, 'dev', PHYSICAL_BRIDGE);
    await ip('link', 'set', PHYSICAL_BRIDGE, 'up');
    const ids = {
      'system-id': this.name,
      hostname: this.name,
      'ovn-remote': this.#o.sbRemote,
      'ovn-encap-type': 'geneve',
      'ovn-encap-ip': this.encapIp,
      'ovn-bridge-datapath-type': 'netdev',
      // A restarted ovn-controller keeps the old flows this long while it computes the new ones, so a restart (or a
      // SIGKILL) does not drop packets of running flows (ovn-controller(8); the chaos benchmark measures it).
      'ovn-ofctrl-wait-before-clear': String(OFCTRL_WAIT_BEFORE_CLEAR_MS),
    };
    await vsctl(
      runner,
      this.ovsRundir,
      ...[
        'set',
        'Open_vSwitch',
        '.',
        ...Object.entries(ids).map(([k, v]) => `external_ids:${k}=${JSON.stringify(v)}`),
        `other_config:max-idle=${DATAPATH_MAX_IDLE_MS}`,
      ],
    );
  }

  /** ovn-controller says it is connected to SB and the node's Chassis row exists. */
  async #controllerReady(pid: number, start: StartKind): Promise<void> {
    const { runner } = this.#o;
    const env = ovsEnv(this.ovsRundir);
    await waitFor(
      this.#clock,
      `ovn-controller of ${this.name} connected with a Chassis row in SB`,
      async () => {
        const status = await runner.run(
          'ovn-appctl',
          ['-t', this.#ctl('ovn-controller', pid), 'connection-status'],
          { env },
        );
        if (status.stdout.trim() !== 'connected') return undefined;
        const found = await runner.run(
          'ovn-sbctl',
          [`--db=${this.#o.sbRemote}`, '--bare', '--columns=name', 'find', 'Chassis', `name=${this.name}`],
          { env },
        );
        return found.stdout.trim() === this.name || undefined;
      },
      readyDeadlineMs(start, this.#o.readyTimeoutMs ?? 30_000),
    );
  }

  /** Pids of the node's running daemons. */
  pids(): number[] {
    return DAEMONS.map((d) => this.#o.supervisor.get(this.#component(d))?.pid).filter(
      (p): p is number => p !== undefined,
    );
  }

  health(): NodeHealth {
    const components = DAEMONS.map((d) => this.#o.supervisor.get(this.#component(d))?.health()).filter(
      (h): h is ComponentHealth => h !== undefined,
    );
    return {
      name: this.name,
      ok: components.length === DAEMONS.length && components.every((c) => c.state === 'running'),
      components,
    };
  }

  /**
   * Stops the daemons (ovn-controller first), removes the node's Chassis from SB (best effort: central may be gone)
   * and deletes the namespace with everything in it. Files stay until teardown.
   */
  async stop(): Promise<void> {
    const { runner, supervisor } = this.#o;
    for (const d of [...DAEMONS].reverse()) await supervisor.stop(this.#component(d));
    await runner.run(
      'ovn-sbctl',
      [`--db=${this.#o.sbRemote}`, '--timeout=5', '--if-exists', 'chassis-del', this.name],
      {
        env: ovsEnv(this.ovsRundir),
      },
    );
    await this.#o.underlay.detach(this.name);
    await deleteNetns(runner, this.#o.ledger, this.netns);
  }
}
