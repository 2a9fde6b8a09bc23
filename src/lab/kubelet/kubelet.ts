/**
 * Kubelet-lite: one per lab node. It watches the Pods bound to its node (and its Node object, for the hostIP) and turns
 * each into a sandbox as a kubelet with a CNI-driven runtime would (pod.ts): a network namespace plumbed by calling the
 * real CNI plugins with the config list it writes under the node directory (`cni/net.d/00-kube-ovn.conflist`,
 * `type: kube-ovn`, the node agent's `server_socket`) and the pod's NetworkAttachmentDefinitions, a responder for the
 * declared ports, and the pod's status. The namespaces are made, and the plugins started in the node's namespace, by
 * a link helper (src/node/netlink/link-helper.ts; the lab daemon shares one between its kubelets), so a pod costs the
 * daemon no process start of its own: only the plugin binaries run (ADR 35). Level-triggered: a controller
 * manager's workers (16 by default) on the keys of Pods, fed by the informers, by the sandbox records on disk at
 * start (so pods deleted while it was down are torn down), by probe results, and by a periodic resync; failures are
 * retried with backoff.
 *
 * Usage (the lab daemon, once the node's OVS and agent run):
 *   const kubelet = new Kubelet({ nodeName, nodeNetns: layout.nodeNetns(nodeName), layout, kubeConfig,
 *                                 cniBinary: '<project>/bin/kovn-cni' });
 *   await kubelet.start();  ...  await kubelet.stop();            // sandboxes stay, adopted on the next start
 *                                await kubelet.stop({ teardown: true });  // `kovn down`: remove them all
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  readlinkSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../api/types.ts';
import { pino, type Logger } from 'pino';
import { kindInformer } from '../../kube/informer-kind.ts';
import type { KubeInformer } from '../../kube/informer-kube.ts';
import { ControllerManager } from '../../kube/manager.ts';
import { keyForObject, keyOf, type ObjectRef } from '../../kube/queue/keys.ts';
import { CNI_TYPE, CNI_TYPE_ALIAS, DEFAULT_VPC, OVN_PROVIDER } from '../../api/constants.ts';
import { annotationKey } from '../../api/annotations.ts';
import { CNI_VERSION } from '../../node/cni/spec.ts';
import { systemClock, type Clock } from '../../util/clock.ts';
import { processRunner, type ProcessRunner } from '../../util/exec.ts';
import { LinkHelper } from '../../node/netlink/link-helper.ts';
import type { LabLayout } from '../layout.ts';
import { KubeletApi } from './api.ts';
import { ProbeManager } from './probes.ts';
import { ExecProber } from './probe-exec.ts';
import { NodeProber } from './prober-process.ts';
import type { CniRuntime } from './cni.ts';
import { confListOf, type ConfList } from './networks.ts';
import { PodSync } from './pod.ts';
import { SandboxStore } from './sandbox.ts';

export const PRIMARY_CONFLIST = '00-kube-ovn.conflist';
export const DEFAULT_PLUGIN_DIRS = ['/usr/lib/cni'];

export interface KubeletOptions {
  nodeName: string;
  nodeNetns: string;
  layout: LabLayout;
  kubeConfig: KubeConfig;
  /** The kovn-cni binary; linked as `kube-ovn` into the CNI bin directory. */
  cniBinary: string;
  /** Default `<node dir>/cni/net.d`. */
  cniConfDir?: string;
  /** Default `<node dir>/cni/bin` (first on CNI_PATH). */
  cniBinDir?: string;
  /** The other plugins (macvlan, ...); default /usr/lib/cni. */
  pluginDirs?: string[];
  /** The node agent's socket; default `layout.cniSocket(nodeName)`. */
  agentSocket?: string;
  runner?: ProcessRunner;
  /** Makes the sandboxes' namespaces and runs the CNI plugins; default a helper of its own, closed on stop. */
  links?: LinkHelper;
  clock?: Clock;
  logger?: Logger;
  /** Runs the responders; default this process's Node. */
  nodeBinary?: string;
  concurrency?: number;
  /** Every pod is looked at again after this long (default 60 s). */
  resyncMs?: number;
  /** The node agent's TProxy control socket (custom-VPC probes are announced there when it exists); default
   * `tproxy.sock` next to the agent's CNI socket. */
  tproxySocket?: string;
  /**
   * kovn as a secondary network (`kovn up --cni-mode secondary`): the node's primary network is the cluster's own
   * CNI, played by the reference `ptp` plugin with `host-local` addresses from this node's pod CIDR; kovn serves only
   * the attachments. Absent: kovn is the primary network.
   */
  clusterNetwork?: { podCidr: string };
}

/** Is the pod's primary network in a custom VPC (so the node reaches it only through TProxy)? */
export function inCustomVpc(pod: KubeObject): boolean {
  const router = pod.metadata.annotations?.[annotationKey(OVN_PROVIDER, 'logical_router')];
  return router !== undefined && router !== '' && router !== DEFAULT_VPC;
}

/** The node's primary network: our plugin, asking this node's agent. */
export function primaryConfList(agentSocket: string): ConfList {
  return {
    cniVersion: CNI_VERSION,
    name: CNI_TYPE,
    plugins: [{ type: CNI_TYPE, server_socket: agentSocket }],
  };
}

/**
 * The cluster's own CNI when kovn is a secondary network: a point-to-point veth per pod (the reference `ptp` plugin),
 * addresses from the node's pod CIDR by `host-local` (its state under the node directory), a default route via the
 * node end.
 */
export function clusterConfList(podCidr: string, ipamDataDir: string): ConfList {
  return {
    cniVersion: CNI_VERSION,
    name: 'cluster-ptp',
    plugins: [
      {
        type: 'ptp',
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: podCidr }]],
          routes: [{ dst: '0.0.0.0/0' }],
          dataDir: ipamDataDir,
        },
      },
    ],
  };
}

/** The first config (list) in a CNI config directory, in file-name order, as runtimes pick it. */
export function readPrimaryConfList(confDir: string): ConfList {
  const files = readdirSync(confDir)
    .filter((f) => /\.(conflist|conf|json)$/.test(f))
    .sort();
  const first = files[0];
  if (!first) throw new Error(`no CNI configuration in ${confDir}`);
  return confListOf(readFileSync(join(confDir, first), 'utf8'), first);
}

/** Links our plugin under both its names (`kube-ovn`, Kube-OVN's; `kovn`, ours), as install-cni.sh installs it. */
function linkPlugin(binDir: string, target: string): void {
  mkdirSync(binDir, { recursive: true });
  for (const name of [CNI_TYPE, CNI_TYPE_ALIAS]) {
    const link = join(binDir, name);
    try {
      if (readlinkSync(link) === target) continue;
    } catch {
      // absent or not a link
    }
    rmSync(link, { force: true });
    symlinkSync(target, link);
  }
}

/** CNI plugins started by the link helper, born in the node's namespace (no `ip netns exec`, no fork of this
 * process); anything long-running the runtime starts goes through `runner`. */
function pluginRuntime(
  links: LinkHelper,
  runner: ProcessRunner,
  where: Omit<CniRuntime, 'runner'>,
): CniRuntime {
  return {
    ...where,
    runner: { run: (cmd, args, options) => links.run(cmd, args, options), spawn: runner.spawn.bind(runner) },
  };
}

export class Kubelet {
  readonly nodeName: string;
  readonly confDir: string;
  readonly binDir: string;
  readonly store: SandboxStore;
  readonly #o: KubeletOptions;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #pods: KubeInformer;
  readonly #node: KubeInformer;
  readonly #manager: ControllerManager;
  readonly #sync: PodSync;
  readonly #prober: NodeProber;
  readonly #probes: ProbeManager;
  readonly #links: LinkHelper;
  readonly #ownLinks: boolean;

  constructor(o: KubeletOptions) {
    this.#o = o;
    this.nodeName = o.nodeName;
    this.#clock = o.clock ?? systemClock;
    this.#log = (o.logger ?? pino({ level: 'silent' })).child({ component: 'kubelet', node: o.nodeName });
    const nodeDir = o.layout.nodeDir(o.nodeName);
    this.confDir = o.cniConfDir ?? join(nodeDir, 'cni', 'net.d');
    this.binDir = o.cniBinDir ?? join(nodeDir, 'cni', 'bin');
    this.store = new SandboxStore(join(nodeDir, 'pods'));
    const runner = o.runner ?? processRunner;
    this.#ownLinks = o.links === undefined;
    this.#links = o.links ?? new LinkHelper({ logger: this.#log, clock: this.#clock });
    const links = this.#links;
    const agentSocket = o.agentSocket ?? o.layout.cniSocket(o.nodeName);
    const cni = pluginRuntime(links, runner, {
      binDirs: [this.binDir, dirname(o.cniBinary), ...(o.pluginDirs ?? DEFAULT_PLUGIN_DIRS)],
      runNetns: o.nodeNetns,
      agentSocket,
    });
    const informer = (kind: string, fieldSelector: string): KubeInformer =>
      kindInformer(kind, { kubeConfig: o.kubeConfig, clock: this.#clock, log: this.#log, fieldSelector });
    this.#pods = informer('Pod', `spec.nodeName=${o.nodeName}`);
    this.#node = informer('Node', `metadata.name=${o.nodeName}`);
    this.#manager = new ControllerManager({
      informers: [this.#pods, this.#node],
      clock: this.#clock,
      logger: this.#log,
      name: 'pod sync',
      concurrency: o.concurrency ?? 16,
      backoff: { baseMs: 1_000, maxMs: 30_000 },
      // Pods whose sandbox is on disk, so one deleted while the kubelet was down is torn down.
      onSynced: () => {
        for (const r of this.store.list()) this.#manager.enqueue(keyOf('Pod', r.name, r.namespace));
      },
    });
    const api = new KubeletApi(o.kubeConfig, o.nodeName, this.#clock);
    this.#prober = new NodeProber({
      runner,
      clock: this.#clock,
      nodeBinary: o.nodeBinary ?? process.execPath,
      nodeNetns: o.nodeNetns,
      socket: join(nodeDir, 'prober.sock'),
      logFile: join(nodeDir, 'prober.log'),
    });
    const tproxySocket = o.tproxySocket ?? join(dirname(agentSocket), 'tproxy.sock');
    const execProber = new ExecProber({ runner, store: this.store, nodeNetns: o.nodeNetns });
    this.#probes = new ProbeManager({
      clock: this.#clock,
      log: this.#log,
      api,
      probe: (req) =>
        this.#prober.probe(req).catch((err: unknown) => ({ ok: false, message: (err as Error).message })),
      exec: (run) => execProber.run(run),
      announceVia: (pod) => (inCustomVpc(pod) && existsSync(tproxySocket) ? tproxySocket : undefined),
      restart: (namespace, name) => this.#sync.restartContainer(namespace, name),
      onChange: (namespace, name) => this.#manager.enqueue(keyOf('Pod', name, namespace)),
      latest: (namespace, name) => this.#pods.get(name, namespace),
    });
    this.#sync = new PodSync({
      nodeName: o.nodeName,
      nodeNetns: o.nodeNetns,
      layout: o.layout,
      runner,
      links,
      clock: this.#clock,
      log: this.#log,
      api,
      store: this.store,
      cni,
      primary: () => readPrimaryConfList(this.confDir),
      node: () => this.#node.get(o.nodeName),
      nodeBinary: o.nodeBinary ?? process.execPath,
      probes: this.#probes,
    });
    this.#manager.register({
      kind: 'Pod',
      // The node's addresses go into every pod's status.
      watches: [{ kind: 'Node', map: () => this.#pods.list().map((p) => keyForObject(p, 'Pod')) }],
      reconcile: (_key, ctx) => this.#reconcile(ctx.ref),
    });
  }

  /** Writes the CNI config and plugin link, syncs the caches, then starts working (records on disk included). */
  async start(): Promise<void> {
    mkdirSync(this.confDir, { recursive: true });
    const socket = this.#o.agentSocket ?? this.#o.layout.cniSocket(this.#o.nodeName);
    const cluster = this.#o.clusterNetwork;
    const primary = cluster
      ? clusterConfList(cluster.podCidr, join(dirname(this.confDir), 'host-local'))
      : primaryConfList(socket);
    writeFileSync(join(this.confDir, PRIMARY_CONFLIST), `${JSON.stringify(primary, null, 2)}\n`);
    linkPlugin(this.binDir, this.#o.cniBinary);
    await this.#prober.start();
    await this.#manager.start();
    this.#log.info({ confDir: this.confDir }, 'kubelet started');
  }

  /** Stops watching; with `teardown`, also removes every sandbox of this node (responders, CNI DEL, namespaces). */
  async stop(options: { teardown?: boolean } = {}): Promise<void> {
    await this.#manager.stop({ drain: false });
    this.#probes.stopAll();
    await this.#prober.stop();
    if (options.teardown) await this.#sync.teardownAll();
    if (this.#ownLinks) await this.#links.close();
  }

  async #reconcile({ name, namespace = 'default' }: ObjectRef): Promise<{ requeueAfterMs?: number }> {
    const pod = this.#pods.get(name, namespace);
    await this.#sync.sync(namespace, name, pod);
    return pod && !pod.metadata.deletionTimestamp ? { requeueAfterMs: this.#o.resyncMs ?? 60_000 } : {};
  }
}
