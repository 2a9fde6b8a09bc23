/**
 * The node agent (Kube-OVN's kube-ovn-cni daemon, for one node): informers over the kubeconfig for the Pods bound to
 * this node, this Node object and the Subnets; the CNI socket (server.ts) answering kovn-cni; the node's own
 * `ovn0` port (node-port.ts); TProxy probes (../tproxy); the node's forwarding and Subnet natOutgoing's SNAT rules
 * (../nat-outgoing). Works the same against the lab's API server and a real cluster.
 */
import { dirname, join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { pino, type Logger } from 'pino';
import { KubeInformer } from '../../kube/informer-kube.ts';
import { kindInformer } from '../../kube/informer-kind.ts';
import { systemClock, type Clock } from '../../util/clock.ts';
import { processRunner, type ProcessRunner } from '../../util/exec.ts';
import type { Metrics } from '../../util/metrics/registry.ts';
import { announceNic, checkNic, plugNic, unplugNic } from '../nic.ts';
import { NodeOvsDb } from '../ovs-db.ts';
import { LinkHelper, type LinkOps } from '../netlink/link-helper.ts';
import { CniHandler, type NicPlumber } from './handler.ts';
import { NodePortReconciler } from './node-port.ts';
import { startCniServer, type CniServer } from './server.ts';
import { TproxyReconciler } from '../tproxy/reconciler.ts';
import { NatOutgoingReconciler } from '../nat-outgoing/reconciler.ts';
import type { Netns } from './netns-path.ts';

export interface NodeAgentOptions {
  nodeName: string;
  /** The node's network namespace (holds br-int); undefined: the agent's own (a real node's host namespace). */
  nodeNetns: Netns;
  /** The node's OVS run directory (its db.sock). */
  ovsRundir: string;
  /** Where to serve the CNI socket. */
  socket: string;
  kubeConfig: KubeConfig;
  runner?: ProcessRunner;
  clock?: Clock;
  logger?: Logger;
  /** The NIC plumbing; default nic.ts over the agent's link helper and its own connection to the node's OVS database. */
  plumber?: NicPlumber;
  /** How long ADD waits for the controller's annotations (default 60 s). */
  waitTimeoutMs?: number;
  mtu?: number;
  /** Kubelet probes into custom VPCs (TProxy); off removes our rules. Default false. */
  enableTproxy?: boolean;
  /** The TProxy listener's control socket; default `<socket dir>/tproxy.sock`. */
  tproxySocket?: string;
  /** The TProxy listener's log file. */
  tproxyLogFile?: string;
  /** The agent's metrics (CNI requests and stages, its loops, TProxy probes); main.ts serves them. */
  metrics?: Metrics;
}

/** nic.ts behind the handler's interface. */
export function nicPlumber(links: LinkOps, ovs: NodeOvsDb): NicPlumber {
  return {
    plug: (spec) => plugNic(links, ovs, spec),
    announce: (spec) => announceNic(links, spec),
    unplug: (ref) => unplugNic(links, ovs, ref),
    check: (spec) => checkNic(links, ovs, spec),
  };
}

export class NodeAgent {
  readonly socket: string;
  readonly pods: KubeInformer;
  readonly node: KubeInformer;
  readonly subnets: KubeInformer;
  readonly nodePort: NodePortReconciler;
  readonly tproxy: TproxyReconciler;
  readonly natOutgoing: NatOutgoingReconciler;
  readonly #server: CniServer;
  readonly #ovs: NodeOvsDb | undefined;
  readonly #links: LinkHelper | undefined;

  private constructor(parts: {
    pods: KubeInformer;
    node: KubeInformer;
    subnets: KubeInformer;
    nodePort: NodePortReconciler;
    tproxy: TproxyReconciler;
    natOutgoing: NatOutgoingReconciler;
    server: CniServer;
    ovs: NodeOvsDb | undefined;
    links: LinkHelper | undefined;
  }) {
    this.pods = parts.pods;
    this.node = parts.node;
    this.subnets = parts.subnets;
    this.nodePort = parts.nodePort;
    this.tproxy = parts.tproxy;
    this.natOutgoing = parts.natOutgoing;
    this.#server = parts.server;
    this.#ovs = parts.ovs;
    this.#links = parts.links;
    this.socket = parts.server.socket;
  }

  static async start(o: NodeAgentOptions): Promise<NodeAgent> {
    const runner = o.runner ?? processRunner;
    const clock = o.clock ?? systemClock;
    const log = (o.logger ?? pino({ level: 'silent' })).child({ node: o.nodeName });
    // The agent's own OVSDB connection (it connects in the background), for the default plumbing only.
    const ovs = o.plumber ? undefined : NodeOvsDb.start(o.ovsRundir, { logger: log, clock });
    // Its netlink helper process (started at the first plug), likewise.
    const links = o.plumber ? undefined : new LinkHelper({ logger: log.child({ part: 'links' }), clock });
    const plumber = o.plumber ?? nicPlumber(links as LinkHelper, ovs as NodeOvsDb);
    const watch = { kubeConfig: o.kubeConfig, clock, log };
    const metrics = o.metrics ? { metrics: o.metrics } : {};
    const pods = kindInformer('Pod', { ...watch, fieldSelector: `spec.nodeName=${o.nodeName}` });
    const node = kindInformer('Node', { ...watch, fieldSelector: `metadata.name=${o.nodeName}` });
    const subnets = kindInformer('Subnet', watch);
    const nodePort = new NodePortReconciler({
      place: {
        nodeNetns: o.nodeNetns,
        ovsRundir: o.ovsRundir,
        ...(o.mtu === undefined ? {} : { mtu: o.mtu }),
      },
      node: () => node.get(o.nodeName),
      subnets: () => subnets.list(),
      plumber,
      watch: [node, subnets],
      clock,
      log,
      ...metrics,
    });
    const handler = new CniHandler({
      nodeNetns: o.nodeNetns,
      ovsRundir: o.ovsRundir,
      getPod: (namespace, name) => pods.get(name, namespace),
      plumber,
      runner,
      clock,
      log,
      ...(o.waitTimeoutMs === undefined ? {} : { waitTimeoutMs: o.waitTimeoutMs }),
      ...(o.mtu === undefined ? {} : { mtu: o.mtu }),
      ...(o.metrics ? { metrics: o.metrics.cni() } : {}),
    });
    const tproxy = new TproxyReconciler({
      enabled: o.enableTproxy ?? false,
      place: {
        nodeNetns: o.nodeNetns,
        control: o.tproxySocket ?? join(dirname(o.socket), 'tproxy.sock'),
        logFile: o.tproxyLogFile ?? join(dirname(o.socket), 'tproxy.log'),
      },
      ovsRundir: o.ovsRundir,
      pods: () => pods.list(),
      subnets: () => subnets.list(),
      watch: [pods, subnets],
      runner,
      clock,
      log: log.child({ part: 'tproxy' }),
      ...metrics,
    });
    const natOutgoing = new NatOutgoingReconciler({
      nodeNetns: o.nodeNetns,
      subnets: () => subnets.list(),
      synced: () => subnets.start(),
      watch: [subnets],
      runner,
      clock,
      log: log.child({ part: 'nat-outgoing' }),
      ...metrics,
    });
    for (const inf of [pods, node, subnets]) void inf.start().catch(() => {});
    nodePort.start();
    await tproxy.start();
    natOutgoing.start();
    const server = await startCniServer(o.socket, handler, log);
    log.info({ socket: o.socket, tproxy: o.enableTproxy ?? false }, 'node agent serving CNI');
    return new NodeAgent({ pods, node, subnets, nodePort, tproxy, natOutgoing, server, ovs, links });
  }

  /** Resolves once the pod and node caches hold a full list. */
  async synced(): Promise<void> {
    await Promise.all([this.pods.start(), this.node.start()]);
  }

  async stop(): Promise<void> {
    await this.#server.close();
    await this.nodePort.stop();
    await this.tproxy.stop();
    await this.natOutgoing.stop();
    await Promise.all([this.pods.stop(), this.node.stop(), this.subnets.stop()]);
    this.#ovs?.close();
    await this.#links?.close();
  }
}
