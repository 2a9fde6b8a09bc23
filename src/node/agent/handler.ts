/**
 * The node agent's CNI server logic (Kube-OVN's `cniServerHandler`), transport-free. ADD waits, bounded, until the
 * pod's annotations for the provider are complete (pod-network.ts), then either plumbs the NIC (`type: kube-ovn`
 * on an OVN provider) or, as another plugin's IPAM, only answers the address (after removing the pod's default
 * route of a family for which the provider's routes bring a new one, so e.g. macvlan can add it). DEL unplugs the
 * NIC named by pod and interface and succeeds for pods and NICs it never saw. CHECK compares the NIC with the
 * annotations. Requests for one pod are handled one at a time.
 */
import type { Logger } from 'pino';
import type { KubeObject } from '../../api/types.ts';
import type { Clock } from '../../util/clock.ts';
import type { ProcessRunner } from '../../util/exec.ts';
import type { CniInstruments, CniOp } from '../../util/metrics/registry.ts';
import { CNI_TYPE, isOvnProvider } from '../../api/constants.ts';
import { CniCode } from '../cni/spec.ts';
import type { CniRequest, CniResponse } from '../cni/protocol.ts';
import { parseCidrBlock } from '../../net/cidr-block.ts';
import type { NicSpec } from '../nic-types.ts';
import { hostIfName, podNicSpec } from '../pod-nic.ts';
import { isDefaultDestination, isV6, podNetwork, type PodNetwork } from '../pod-network.ts';
import { netnsNameOf, type Netns } from './netns-path.ts';

/** The plumbing the handler drives (nic.ts, or a fake in tests). */
export interface NicPlumber {
  plug(spec: NicSpec): Promise<unknown>;
  /** After a change: wait for the gateway, announce the addresses (gratuitous ARP); true if the gateway answered. */
  announce?(spec: NicSpec): Promise<boolean>;
  unplug(ref: Pick<NicSpec, 'nodeNetns' | 'ovsRundir' | 'hostIf'>): Promise<void>;
  /** Problems found; empty when the NIC is as specified. */
  check(spec: NicSpec): Promise<string[]>;
}

/** A failure with the HTTP status and CNI code the server answers with. */
export class AgentError extends Error {
  readonly status: number;
  readonly code: number;
  constructor(status: number, code: number, message: string) {
    super(message);
    this.name = 'AgentError';
    this.status = status;
    this.code = code;
  }
}

export interface HandlerOptions {
  nodeNetns: Netns;
  ovsRundir: string;
  /** The cached pod, if any (the agent's informer). */
  getPod(namespace: string, name: string): KubeObject | undefined;
  plumber: NicPlumber;
  runner: ProcessRunner;
  clock: Clock;
  log: Logger;
  /** How long ADD waits for the controller's annotations (default 60 s). */
  waitTimeoutMs?: number;
  pollMs?: number;
  mtu?: number;
  /** Each request's duration and its stages' (`wait_annotations`, `plug`, `announce`, `ipam_answer`, `unplug`). */
  metrics?: CniInstruments;
}

export class CniHandler {
  readonly #o: HandlerOptions;
  readonly #locks = new Map<string, Promise<unknown>>();

  constructor(options: HandlerOptions) {
    this.#o = options;
  }

  add(req: CniRequest): Promise<CniResponse> {
    return this.#serial(req, () => this.#measured('add', () => this.#add(req)));
  }
  del(req: CniRequest): Promise<void> {
    return this.#serial(req, () => this.#measured('del', () => this.#del(req)));
  }
  check(req: CniRequest): Promise<void> {
    return this.#serial(req, () => this.#measured('check', () => this.#check(req)));
  }

  /** Times a request (from when it holds the pod's turn) and counts its outcome. */
  async #measured<T>(op: CniOp, work: () => Promise<T>): Promise<T> {
    const { clock, metrics } = this.#o;
    const started = clock.now();
    try {
      const result = await work();
      metrics?.finished(op, 'success', clock.now() - started);
      return result;
    } catch (err) {
      metrics?.finished(op, 'error', clock.now() - started);
      throw err;
    }
  }

  /** Runs one stage of a request, timed. */
  async #stage<T>(op: CniOp, stage: string, work: () => Promise<T>): Promise<T> {
    const started = this.#o.clock.now();
    try {
      return await work();
    } finally {
      this.#o.metrics?.stage(op, stage, this.#o.clock.now() - started);
    }
  }

  async #add(req: CniRequest): Promise<CniResponse> {
    const ifname = req.if_name || 'eth0';
    const log = this.#o.log.child({
      pod: `${req.pod_namespace}/${req.pod_name}`,
      ifname,
      provider: req.provider,
    });
    log.info('CNI ADD started');
    const network = await this.#stage('add', 'wait_annotations', () => this.#waitForNetwork(req, ifname));
    const plumb = req.cni_type === CNI_TYPE && isOvnProvider(req.provider);
    if (plumb) {
      const spec = podNicSpec(network, this.#place(req, ifname));
      const outcome = await this.#stage('add', 'plug', () => this.#o.plumber.plug(spec));
      log.info({ ip: network.ipAddress, mac: network.mac, outcome }, 'NIC plugged');
      const announce = this.#o.plumber.announce?.bind(this.#o.plumber);
      if (
        outcome !== 'unchanged' &&
        announce &&
        !(await this.#stage('add', 'announce', () => announce(spec)))
      ) {
        log.warn({ gateways: spec.gateways }, 'the gateway did not answer yet; addresses announced anyway');
      }
    } else {
      await this.#stage('add', 'ipam_answer', () => this.#makeRoomForDefaults(req, network));
      log.info({ ip: network.ipAddress }, 'address answered (IPAM)');
    }
    log.info('CNI ADD finished');
    return {
      protocol: parseCidrBlock(network.cidr).protocol,
      address: network.ipAddress,
      mac_address: network.mac,
      cidr: network.cidr,
      gateway: network.defaultRoute ? network.gateway : '',
      ...(this.#o.mtu === undefined ? {} : { mtu: this.#o.mtu }),
      nicname: plumb ? ifname : '',
      routes: network.routes,
    };
  }

  async #del(req: CniRequest): Promise<void> {
    if (req.cni_type !== CNI_TYPE || !isOvnProvider(req.provider)) return;
    const ifname = req.if_name || 'eth0';
    await this.#stage('del', 'unplug', () =>
      this.#o.plumber.unplug({
        nodeNetns: this.#o.nodeNetns,
        ovsRundir: this.#o.ovsRundir,
        hostIf: hostIfName(req.pod_namespace, req.pod_name, ifname),
      }),
    );
    this.#o.log.info({ pod: `${req.pod_namespace}/${req.pod_name}`, ifname }, 'NIC unplugged');
  }

  async #check(req: CniRequest): Promise<void> {
    const ifname = req.if_name || 'eth0';
    const pod = this.#o.getPod(req.pod_namespace, req.pod_name);
    if (!pod)
      throw new AgentError(
        404,
        CniCode.UnknownContainer,
        `pod ${req.pod_namespace}/${req.pod_name} not found`,
      );
    const state = podNetwork(pod.metadata.annotations ?? {}, req.provider, ifname, req.routes);
    if (state.kind !== 'ready')
      throw new AgentError(
        409,
        CniCode.TryAgainLater,
        `pod ${req.pod_namespace}/${req.pod_name}: ${state.reason}`,
      );
    if (req.cni_type !== CNI_TYPE || !isOvnProvider(req.provider)) return;
    const problems = await this.#o.plumber.check(podNicSpec(state.network, this.#place(req, ifname)));
    if (problems.length) throw new AgentError(409, CniCode.IoFailure, problems.join('; '));
  }

  #place(req: CniRequest, ifname: string): Parameters<typeof podNicSpec>[1] {
    const podNetns = netnsNameOf(req.net_ns);
    if (!podNetns)
      throw new AgentError(
        400,
        CniCode.InvalidEnvironment,
        `CNI_NETNS ${JSON.stringify(req.net_ns)}: only namespaces made by ip netns (/var/run/netns/NAME) can be plumbed`,
      );
    return {
      nodeNetns: this.#o.nodeNetns,
      ovsRundir: this.#o.ovsRundir,
      podNetns,
      podName: req.pod_name,
      podNamespace: req.pod_namespace,
      ifname,
      ...(this.#o.mtu === undefined ? {} : { mtu: this.#o.mtu }),
    };
  }

  async #waitForNetwork(req: CniRequest, ifname: string): Promise<PodNetwork> {
    const { clock } = this.#o;
    const timeout = this.#o.waitTimeoutMs ?? 60_000;
    const deadline = clock.now() + timeout;
    const who = `pod ${req.pod_namespace}/${req.pod_name}`;
    for (;;) {
      const pod = this.#o.getPod(req.pod_namespace, req.pod_name);
      let reason = `${who} is not known to this node's agent`;
      if (pod) {
        const state = podNetwork(pod.metadata.annotations ?? {}, req.provider, ifname, req.routes);
        if (state.kind === 'ready') return state.network;
        if (state.kind === 'invalid')
          throw new AgentError(500, CniCode.InvalidNetworkConfig, `${who}: ${state.reason}`);
        reason = state.reason;
      }
      if (clock.now() >= deadline)
        throw new AgentError(
          504,
          CniCode.TryAgainLater,
          `${who}: gave up after ${Math.round(timeout / 1000)} s waiting for the controller: ${reason}`,
        );
      await clock.sleep(this.#o.pollMs ?? 100);
    }
  }

  /** Kube-OVN's `removeDefaultRoute`: the provider's routes bring a default route that the next plugin adds. */
  async #makeRoomForDefaults(req: CniRequest, network: PodNetwork): Promise<void> {
    const families = new Set(
      network.routes.filter((r) => isDefaultDestination(r.dst)).map((r) => (isV6(r.dst) ? '-6' : '-4')),
    );
    const podNetns = netnsNameOf(req.net_ns);
    if (!families.size || !podNetns) return;
    for (const family of families) {
      const r = await this.#o.runner.run('ip', ['-n', podNetns, family, 'route', 'del', 'default']);
      if (r.code === 0)
        this.#o.log.info({ pod: `${req.pod_namespace}/${req.pod_name}`, family }, 'default route removed');
    }
  }

  async #serial<T>(req: CniRequest, work: () => Promise<T>): Promise<T> {
    const key = `${req.pod_namespace}/${req.pod_name}`;
    const before = this.#locks.get(key) ?? Promise.resolve();
    const run = before.catch(() => undefined).then(work);
    const tail = run.catch(() => undefined);
    this.#locks.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.#locks.get(key) === tail) this.#locks.delete(key);
    }
  }
}
