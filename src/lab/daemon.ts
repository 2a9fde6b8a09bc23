/**
 * The lab daemon: one long-running process per lab that brings up and supervises everything `kovn up` promises, in
 * order — OVN central (NB, SB, northd), the underlay and the nodes (ovsdb-server, ovs-vswitchd, ovn-controller in
 * each node's namespace), the embedded API server, the Node objects, the controller (the process `kovn install`'s
 * Deployment renders, rendered-launch.ts: `kovn controller` under its own ServiceAccount, on the Lease), the
 * topology page (`kovn ui`), a node agent per node, then the lab's scheduler and kubelets — and keeps
 * `.kovn/status.json` current as components change state, with the metrics URL of each process that serves one
 * (metrics.ts) and the page's URL. Every process goes through the ledger runner, so `kovn down` can remove what a
 * crashed daemon left. `stop` undoes it all in reverse.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { pino, type Logger } from 'pino';
import { isNotFound } from '../kube/errors.ts';
import { kubeRequest } from '../kube/request.ts';
import { objectPath, kindCollectionPath } from '../kube/resources.ts';
import { waitFor } from '../ovn/daemons.ts';
import { systemClock, type Clock } from '../util/clock.ts';
import { processRunner } from '../util/exec.ts';
import { metaTime } from '../util/time.ts';
import { Ledger } from './process/ledger.ts';
import { LedgerRunner } from './process/ledger-runner.ts';
import type { LabConfig } from './config.ts';
import type { LabLayout } from './layout.ts';
import { startDataplane, type Dataplane } from './dataplane/dataplane.ts';
import type { LabNode } from './dataplane/node.ts';
import { nodeObject, nodeStatus } from './node-objects.ts';
import type { Component } from '../install/rbac.ts';
import { LabMetrics } from './metrics.ts';
import { labControllerWorkload, labLaunch, workloadComponent, type Launch } from './rendered-launch.ts';
import { applyComponentRbac, componentKubeconfig } from './service-accounts.ts';
import { writeStatus, type ComponentStatus, type LabPhase, type LabStatus } from './status.ts';
import { Supervisor, readyDeadlineMs, type ComponentHealth } from './process/supervisor.ts';

const PROJECT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(PROJECT, 'src/cli/main.ts');
const APISERVER = join(PROJECT, 'src/apiserver/main.ts');

export interface LabDaemonOptions {
  layout: LabLayout;
  config: LabConfig;
  logger?: Logger;
  clock?: Clock;
}

/** An in-process part of the lab (scheduler, kubelets) as it appears in the status file. */
export interface LabPart {
  name: string;
  stop(): Promise<void>;
}

export class LabDaemon {
  /** Records every process it spawns in the lab ledger (for in-process parts that start processes). */
  readonly runner: LedgerRunner;
  /** The metrics endpoints: each supervised process's, and the daemon's own (`metrics.metrics`). */
  readonly metrics: LabMetrics;
  readonly #layout: LabLayout;
  readonly #config: LabConfig;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #supervisor: Supervisor;
  readonly #extra = new Map<string, ComponentStatus>();
  readonly #parts: LabPart[] = [];
  #dataplane: Dataplane | undefined;
  #status: LabStatus;
  #kubeConfig: KubeConfig | undefined;
  #uiUrl: string | undefined;

  constructor(options: LabDaemonOptions) {
    this.#layout = options.layout;
    this.#config = options.config;
    this.#log = options.logger ?? pino({ level: 'silent' });
    this.#clock = options.clock ?? systemClock;
    this.runner = new LedgerRunner(processRunner, new Ledger(this.#layout.ledger));
    this.metrics = new LabMetrics(this.#layout.home, this.#clock);
    this.#supervisor = new Supervisor({ runner: this.runner, logger: this.#log, clock: this.#clock });
    this.#supervisor.on('change', (h: ComponentHealth) => {
      this.#log.info({ component: h.name, state: h.state, pid: h.pid, restarts: h.restarts }, 'component');
      this.#publish();
    });
    this.#status = {
      phase: 'starting',
      pid: process.pid,
      startedAt: this.#clock.now(),
      kubeconfig: this.#layout.kubeconfig,
      nodes: this.#config.nodes,
      components: [],
    };
  }

  get config(): LabConfig {
    return this.#config;
  }

  get logger(): Logger {
    return this.#log;
  }

  get kubeConfig(): KubeConfig {
    if (!this.#kubeConfig) throw new Error('the API server is not up yet');
    return this.#kubeConfig;
  }

  /** The nodes, in configuration order. */
  get nodes(): LabNode[] {
    const nodes = this.#dataplane?.nodes;
    return nodes ? this.#config.nodes.flatMap((n) => nodes.get(n) ?? []) : [];
  }

  /** Marks an in-process part's state in the status file. */
  mark(name: string, state: ComponentStatus['state'], message?: string): void {
    this.#extra.set(name, {
      name,
      state,
      pid: process.pid,
      restarts: 0,
      since: this.#clock.now(),
      ...(message ? { message } : {}),
    });
    this.#publish();
  }

  /** Registers an in-process part to stop (in reverse order) when the lab stops. */
  own(part: LabPart): void {
    this.#parts.push(part);
    this.mark(part.name, 'running');
  }

  #publish(phase?: LabPhase, error?: string): void {
    const supervised: ComponentStatus[] = this.#supervisor.health().map((h) => {
      const metrics = this.metrics.urlOf(h.name);
      return {
        name: h.name,
        state: h.state,
        ...(h.pid === undefined ? {} : { pid: h.pid }),
        restarts: h.restarts,
        since: h.since,
        ...(h.lastError ? { message: h.lastError } : {}),
        ...(metrics ? { metrics } : {}),
      };
    });
    this.#status = {
      ...this.#status,
      ...(phase ? { phase } : {}),
      ...(phase === 'ready' ? { readyAt: this.#clock.now() } : {}),
      ...(error ? { error } : {}),
      ...(this.metrics.url ? { metrics: this.metrics.url } : {}),
      ...(this.#uiUrl ? { ui: this.#uiUrl } : {}),
      components: [...supervised, ...this.#extra.values()],
    };
    try {
      writeStatus(this.#layout.statusFile, this.#status);
    } catch (err) {
      this.#log.warn({ err }, 'cannot write the status file');
    }
  }

  setPhase(phase: LabPhase, error?: string): void {
    this.#publish(phase, error);
  }

  /**
   * Brings up the dataplane and the API server side by side (neither needs the other), then the Node objects and
   * the components' RBAC. The controller and the topology page come next (`startController`, `startUi`), at the
   * same time as the node side (daemon-main.ts).
   */
  async startInfrastructure(): Promise<void> {
    const layout = this.#layout;
    mkdirSync(layout.logDir, { recursive: true });
    this.mark('dataplane', 'starting', 'OVN central, underlay and nodes');
    const dataplane = startDataplane({
      layout,
      nodes: this.#config.nodes,
      supervisor: this.#supervisor,
    }).then((d) => {
      this.#dataplane = d;
      this.#extra.delete('dataplane');
      this.#publish();
    });
    const [dataplaneUp, apiserverUp] = await Promise.allSettled([dataplane, this.#startApiserver()]);
    if (dataplaneUp.status === 'rejected') throw dataplaneUp.reason;
    if (apiserverUp.status === 'rejected') throw apiserverUp.reason;
    await this.#registerNodes();
    await applyComponentRbac(this.kubeConfig);
  }

  async #startApiserver(): Promise<void> {
    const layout = this.#layout;
    mkdirSync(layout.apiserverDir, { recursive: true });
    const port = this.#config.apiserverPort;
    await this.#supervisor.start({
      name: 'apiserver',
      command: process.execPath,
      args: [APISERVER, '--data-dir', layout.apiserverDir, '--port', String(port)],
      logFile: join(layout.logDir, 'apiserver.log'),
      ready: async (_proc, start) => {
        const kubeconfig = join(layout.apiserverDir, 'kubeconfig');
        await waitFor(
          this.#clock,
          'the API server',
          async () => {
            if (!existsSync(kubeconfig)) return undefined;
            const kc = new KubeConfig();
            kc.loadFromFile(kubeconfig);
            return kubeRequest(kc, { method: 'GET', path: '/readyz', timeoutMs: 2_000 }).then(
              () => true,
              () => undefined,
            );
          },
          readyDeadlineMs(start, 30_000),
        );
      },
    });
    copyFileSync(join(layout.apiserverDir, 'kubeconfig'), layout.kubeconfig);
    this.#kubeConfig = new KubeConfig();
    this.#kubeConfig.loadFromFile(layout.kubeconfig);
    this.#status.apiserver = `https://127.0.0.1:${port}`;
  }

  /** The NB address the controller and the topology page use. */
  get #nbRemote(): string {
    const nb = this.#dataplane?.nbRemotes[0];
    if (!nb) throw new Error('the dataplane is not up yet');
    return nb;
  }

  /** The controller (supervised), then the lab's metrics endpoint. */
  async startController(): Promise<void> {
    const layout = this.#layout;
    const nbRemote = this.#nbRemote;
    const controller = labControllerWorkload(this.#config.cniMode);
    const launch = labLaunch(controller, {
      kubeconfig: await this.componentKubeconfig(workloadComponent(controller)),
      metricsFlags: this.metrics.flags('controller'),
      nbRemote,
    });
    await this.#supervisor.start({
      name: 'controller',
      ...launch,
      logFile: join(layout.logDir, 'controller.log'),
      ready: (_proc, start) => this.metrics.ready('controller', start),
    });
    await this.metrics.serve();
  }

  /** The topology page (`kovn ui`) on an ephemeral loopback port, over the lab's kubeconfig, NB and SB. */
  async startUi(): Promise<void> {
    const layout = this.#layout;
    const nbRemote = this.#nbRemote;
    rmSync(layout.uiUrlFile, { force: true });
    await this.#supervisor.start({
      name: 'ui',
      command: process.execPath,
      args: [
        CLI,
        'ui',
        `--kubeconfig=${layout.kubeconfig}`,
        '--listen=127.0.0.1:0',
        `--ovn-nb-addr=${nbRemote}`,
        `--ovn-sb-addr=unix:${join(layout.centralDir, 'sb.sock')}`,
        `--url-file=${layout.uiUrlFile}`,
      ],
      logFile: join(layout.logDir, 'ui.log'),
      ready: async (_proc, start) => {
        this.#uiUrl = await waitFor(
          this.#clock,
          'the topology page',
          async () => {
            const url = existsSync(layout.uiUrlFile) ? readFileSync(layout.uiUrlFile, 'utf8').trim() : '';
            if (!url) return undefined;
            const answer = await fetch(url, { redirect: 'manual' }).catch(() => undefined);
            return answer?.status === 303 ? url : undefined;
          },
          readyDeadlineMs(start, 30_000),
        );
      },
    });
  }

  /** A kubeconfig for component `c`: its own ServiceAccount's token, under the rendered RBAC (service-accounts.ts). */
  componentKubeconfig(c: Component): Promise<string> {
    return componentKubeconfig(
      this.kubeConfig,
      c,
      this.#layout.kubeconfig,
      join(this.#layout.home, 'kubeconfigs'),
    );
  }

  /** Starts a supervised child process (node agents) from its launch given the metrics flags the lab assigns it. */
  async supervise(name: string, launch: (metricsFlags: string[]) => Launch, logName: string): Promise<void> {
    await this.#supervisor.start({
      name,
      ...launch(this.metrics.flags(name)),
      logFile: join(this.#layout.logDir, logName),
      ready: (_proc, start) => this.metrics.ready(name, start),
    });
  }

  /** Creates the Node objects, or refreshes their status (addresses, Ready). */
  async #registerNodes(): Promise<void> {
    const kc = this.kubeConfig;
    for (const [i, node] of this.nodes.entries()) {
      const info = { name: node.name, internalIp: node.encapIp, controlPlane: i === 0 };
      try {
        await kubeRequest(kc, { method: 'GET', path: objectPath('Node', node.name) });
        await kubeRequest(kc, {
          method: 'PATCH',
          path: objectPath('Node', node.name, undefined, 'status'),
          body: {
            status: nodeStatus(info, metaTime(this.#clock.now())),
          },
        });
      } catch (err) {
        if (!isNotFound(err)) throw err;
        const obj = nodeObject(info, this.#clock.now());
        await kubeRequest(kc, { method: 'POST', path: kindCollectionPath('Node'), body: obj });
      }
    }
  }

  async stop(): Promise<void> {
    const failed = this.#status.phase === 'failed';
    if (!failed) this.setPhase('stopping');
    for (const part of [...this.#parts].reverse()) {
      await part.stop().catch((err: unknown) => this.#log.warn({ err, part: part.name }, 'stop failed'));
      this.mark(part.name, 'stopped');
    }
    for (const name of ['ui', 'controller', 'apiserver']) await this.#supervisor.stop(name);
    const report = await this.#dataplane?.stop({ keepLogs: true });
    if (report) this.#log.info({ report }, 'dataplane stopped');
    await this.#supervisor.stopAll();
    await this.metrics.close();
    if (!failed) this.setPhase('stopped');
  }
}
