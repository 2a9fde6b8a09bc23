/**
 * One pod on one node, converged (the body of kubelet-lite's reconcile). A live pod gets: a sandbox record, its
 * network namespace, the primary network from the node's CNI config list (`eth0`), then each network of
 * `k8s.v1.cni.cncf.io/networks` from its NetworkAttachmentDefinition (`net1`, ...), the record completed, a working
 * directory per container, a responder for its declared ports (and gRPC health ports), and its status. A completed
 * record whose namespace still exists is adopted as is (no CNI call), so a restarted kubelet changes nothing. A pod
 * that is gone, terminating, or replaced by a new one of the same name (other uid) is torn down: responder stopped,
 * CNI DEL of every attachment (secondary networks first, with the configuration used for ADD), namespace deleted,
 * container directories and record removed; a terminating pod is then deleted with grace period 0. A failed setup
 * is undone and reported (status, and a Warning Event when the message changes), and the error is rethrown for the
 * queue to retry.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { KubeObject } from '../../api/types.ts';
import { CNI_TYPE } from '../../api/constants.ts';
import { ANNOTATION_NETWORKS } from '../../api/annotations.ts';
import type { CniResult } from '../../node/cni/spec.ts';
import type { Clock } from '../../util/clock.ts';
import type { ProcessRunner } from '../../util/exec.ts';
import { metaTime } from '../../util/time.ts';
import type { LabLayout } from '../layout.ts';
import type { KubeletApi } from './api.ts';
import { addNetwork, delNetwork, type Attachment, type CniRuntime } from './cni.ts';
import { deleteNetns, ensureNetns, netnsExists, netnsPathOf, type NetnsOps } from './netns.ts';
import { parseNetworks } from '../../api/networks-annotation.ts';
import { confListOf, type ConfList } from './networks.ts';
import type { ProbeManager } from './probes.ts';
import { isResponder, responderPorts, startResponder, stopResponder } from './responders.ts';
import type { SandboxRecord, SandboxStore } from './sandbox.ts';
import { containersOf, desiredStatus, ipsOfResult, nodeInternalIP, statusDiffers } from './status.ts';

export interface PodSyncDeps {
  nodeName: string;
  nodeNetns: string;
  layout: LabLayout;
  runner: ProcessRunner;
  /** Makes and removes the sandboxes' namespaces (the kubelets' link helper). */
  links: NetnsOps;
  clock: Clock;
  log: Logger;
  api: KubeletApi;
  store: SandboxStore;
  cni: CniRuntime;
  /** The node's primary network (the first config list of the CNI config dir). */
  primary(): ConfList;
  node(): KubeObject | undefined;
  /** The Node binary that runs responders. */
  nodeBinary: string;
  /** Runs the pods' probes (probes.ts); without it every container is ready once running. */
  probes?: ProbeManager;
}

type Phase = { phase?: string; podIP?: string };

const isHostNetwork = (pod: KubeObject): boolean =>
  (pod['spec'] as { hostNetwork?: boolean } | undefined)?.hostNetwork === true;
const finished = (pod: KubeObject): boolean => {
  const phase = (pod['status'] as Phase | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
};

/** A CNI container id for a pod uid (64 hex, as runtimes use). */
export function containerIdOf(uid: string): string {
  return (uid.replace(/[^0-9a-f]/gi, '').toLowerCase() + '0'.repeat(64)).slice(0, 64);
}

export class PodSync {
  readonly #d: PodSyncDeps;
  /** Last failure message reported per pod key (Events only when it changes). */
  readonly #reported = new Map<string, string>();
  /** Terminating pods (by uid) we already asked the API server to delete. */
  readonly #deleted = new Set<string>();

  constructor(deps: PodSyncDeps) {
    this.#d = deps;
  }

  async sync(namespace: string, name: string, pod: KubeObject | undefined): Promise<void> {
    const key = `${namespace}/${name}`;
    let record = this.#d.store.read(namespace, name);
    if (!pod || pod.metadata.deletionTimestamp || finished(pod)) {
      if (record) await this.#teardown(record);
      this.#reported.delete(key);
      if (pod?.metadata.deletionTimestamp && pod.metadata.uid && !this.#deleted.has(pod.metadata.uid)) {
        this.#deleted.add(pod.metadata.uid);
        await this.#d.api.deletePod(pod);
        this.#d.log.info({ pod: key }, 'terminating pod deleted');
      }
      return;
    }
    const uid = pod.metadata.uid ?? '';
    if (record && (record.uid !== uid || record.hostNetwork !== isHostNetwork(pod))) {
      await this.#teardown(record);
      record = undefined;
    }
    if (record?.ready && !record.hostNetwork && !netnsExists(record.netns)) {
      this.#d.log.warn({ pod: key, netns: record.netns }, 'sandbox namespace vanished; recreating');
      await this.#teardown(record);
      record = undefined;
    }
    try {
      if (!record?.ready) record = await this.#setup(pod, record);
      this.#d.store.ensureContainerDirs(
        namespace,
        name,
        containersOf(pod).map((c) => c.name ?? ''),
      );
      record = await this.#ensureResponder(pod, record);
      const ip = this.#podIPs(record)[0];
      if (ip) this.#d.probes?.ensure(pod, ip);
      await this.#writeStatus(pod, record);
      if (this.#reported.delete(key)) this.#d.log.info({ pod: key }, 'pod sandbox ready');
    } catch (err) {
      await this.#reportFailure(pod, (err as Error).message);
      throw err;
    }
  }

  /** A liveness or startup probe failed: stop the pod's container stand-in; the next sync starts it again. */
  async restartContainer(namespace: string, name: string): Promise<void> {
    const record = this.#d.store.read(namespace, name);
    if (!record?.responder) return;
    await stopResponder(this.#d.clock, record.responder.pid, `${namespace}/${name}`);
    const next: SandboxRecord = { ...record };
    delete next.responder;
    this.#d.store.write(next);
  }

  /** Every sandbox of this node: stop responders, CNI DEL, delete namespaces (lab shutdown). */
  async teardownAll(): Promise<void> {
    for (const record of this.#d.store.list()) await this.#teardown(record);
  }

  async #setup(pod: KubeObject, stale: SandboxRecord | undefined): Promise<SandboxRecord> {
    const namespace = pod.metadata.namespace ?? 'default';
    const name = pod.metadata.name ?? '';
    const uid = pod.metadata.uid ?? '';
    if (stale) await this.#teardown(stale);
    const hostNetwork = isHostNetwork(pod);
    const netns = hostNetwork ? '' : this.#d.layout.podNetns(namespace, name);
    const record: SandboxRecord = {
      namespace,
      name,
      uid,
      containerId: containerIdOf(uid || `${namespace}/${name}`),
      netns,
      hostNetwork,
      ready: false,
      attachments: [],
    };
    this.#d.store.write(record);
    if (hostNetwork) {
      record.ready = true;
      this.#d.store.write(record);
      return record;
    }
    // Networks are resolved before anything is plumbed: a missing NAD fails the setup without side effects.
    const secondary = await this.#secondaryNetworks(pod);
    await ensureNetns(this.#d.links, netns);
    const attachment = (ifname: string): Attachment => ({
      containerId: record.containerId,
      netnsPath: netnsPathOf(netns),
      ifname,
      podNamespace: namespace,
      podName: name,
      podUid: uid,
    });
    // Each attachment is recorded as soon as it is made, so a setup cut short DELs it with the configuration used;
    // eth0 alone is recorded with `ready` (cut short before that, #teardown DELs eth0 with today's configuration).
    try {
      const primary = this.#d.primary();
      const result = await addNetwork(this.#d.cni, primary, attachment('eth0'));
      record.attachments.push({ network: primary.name || CNI_TYPE, ifname: 'eth0', conf: primary, result });
      if (secondary.length) this.#d.store.write(record);
      for (const net of secondary) {
        const r = await addNetwork(this.#d.cni, net.conf, attachment(net.ifname));
        record.attachments.push({ network: net.network, ifname: net.ifname, conf: net.conf, result: r });
        this.#d.store.write(record);
      }
    } catch (err) {
      await this.#teardown(record).catch((undo: unknown) =>
        this.#d.log.warn(
          { pod: `${namespace}/${name}`, err: (undo as Error).message },
          'undoing a failed setup failed',
        ),
      );
      throw err;
    }
    record.ready = true;
    this.#d.store.write(record);
    this.#d.log.info(
      {
        pod: `${namespace}/${name}`,
        ips: ipsOfResult(record.attachments[0]?.result),
        networks: record.attachments.length,
      },
      'sandbox created',
    );
    return record;
  }

  async #secondaryNetworks(pod: KubeObject): Promise<{ network: string; ifname: string; conf: ConfList }[]> {
    const namespace = pod.metadata.namespace ?? 'default';
    const selections = parseNetworks(pod.metadata.annotations?.[ANNOTATION_NETWORKS], namespace);
    const out: { network: string; ifname: string; conf: ConfList }[] = [];
    for (const s of selections) {
      const nad = await this.#d.api.networkAttachment(s.namespace, s.name);
      if (!nad) throw new Error(`network-attachment-definition ${s.namespace}/${s.name} not found`);
      const config = (nad['spec'] as { config?: unknown } | undefined)?.config;
      if (typeof config !== 'string' || config.trim() === '')
        throw new Error(`network-attachment-definition ${s.namespace}/${s.name} has no spec.config`);
      let conf: ConfList;
      try {
        conf = confListOf(config, s.name);
      } catch (err) {
        throw new Error(`network-attachment-definition ${s.namespace}/${s.name}: ${(err as Error).message}`, {
          cause: err,
        });
      }
      out.push({ network: `${s.namespace}/${s.name}`, ifname: s.ifname, conf });
    }
    return out;
  }

  async #teardown(record: SandboxRecord): Promise<void> {
    const key = `${record.namespace}/${record.name}`;
    this.#d.probes?.forget(key);
    if (record.responder) await stopResponder(this.#d.clock, record.responder.pid, key);
    if (!record.hostNetwork) {
      const a = (ifname: string): Attachment => ({
        containerId: record.containerId,
        netnsPath: netnsExists(record.netns) ? netnsPathOf(record.netns) : '',
        ifname,
        podNamespace: record.namespace,
        podName: record.name,
        podUid: record.uid,
      });
      const attached: { conf: ConfList; ifname: string; result?: CniResult }[] = [
        ...record.attachments,
      ].reverse();
      // Nothing recorded for eth0 (a setup cut short): DEL it anyway with today's config; DEL is idempotent.
      if (!attached.some((x) => x.ifname === 'eth0'))
        attached.push({ conf: this.#d.primary(), ifname: 'eth0' });
      for (const att of attached) await delNetwork(this.#d.cni, att.conf, a(att.ifname), att.result);
      await deleteNetns(this.#d.links, record.netns);
    }
    this.#d.store.removeContainerDirs(record.namespace, record.name);
    this.#d.store.remove(record.namespace, record.name);
    this.#d.log.info({ pod: key }, 'sandbox removed');
  }

  async #ensureResponder(pod: KubeObject, record: SandboxRecord): Promise<SandboxRecord> {
    const key = `${record.namespace}/${record.name}`;
    const ports = responderPorts(pod);
    const current = record.responder;
    if (current && current.ports.join(',') === ports.join(',') && isResponder(current.pid, key))
      return record;
    if (!current && !ports.length) return record;
    if (current) await stopResponder(this.#d.clock, current.pid, key);
    const next: SandboxRecord = { ...record };
    delete next.responder;
    if (ports.length) {
      const pid = await startResponder(
        this.#d.runner,
        this.#d.nodeBinary,
        {
          pod: key,
          netns: record.hostNetwork ? this.#d.nodeNetns : record.netns,
          ports,
          logFile: join(this.#d.store.dir, `${record.namespace}.${record.name}.responder.log`),
        },
        this.#d.clock,
      );
      next.responder = { pid, ports };
    }
    this.#d.store.write(next);
    return next;
  }

  #podIPs(record: SandboxRecord): string[] {
    const hostIP = nodeInternalIP(this.#d.node());
    return record.hostNetwork ? (hostIP ? [hostIP] : []) : ipsOfResult(record.attachments[0]?.result);
  }

  async #writeStatus(pod: KubeObject, record: SandboxRecord, failure?: string): Promise<void> {
    const hostIP = nodeInternalIP(this.#d.node());
    const podIPs = this.#podIPs(record);
    const probes =
      failure === undefined ? this.#d.probes?.status(`${record.namespace}/${record.name}`) : undefined;
    const want = desiredStatus({
      pod,
      now: metaTime(this.#d.clock.now()),
      podIPs,
      containerId: record.containerId,
      ...(hostIP ? { hostIP } : {}),
      ...(failure === undefined ? {} : { failure }),
      ...(probes ? { probes } : {}),
    });
    if (statusDiffers(pod, want))
      await this.#d.api.patchStatus(pod, { podIP: null, podIPs: null, message: null, reason: null, ...want });
  }

  async #reportFailure(pod: KubeObject, message: string): Promise<void> {
    const key = `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name ?? ''}`;
    try {
      await this.#writeStatus(
        pod,
        this.#d.store.read(pod.metadata.namespace ?? 'default', pod.metadata.name ?? '') ?? {
          namespace: '',
          name: '',
          uid: '',
          containerId: containerIdOf(pod.metadata.uid ?? key),
          netns: '',
          hostNetwork: false,
          ready: false,
          attachments: [],
        },
        message,
      );
      if (this.#reported.get(key) !== message) {
        this.#reported.set(key, message);
        await this.#d.api.event(
          pod,
          'Warning',
          'FailedCreatePodSandBox',
          `Failed to create pod sandbox: ${message}`,
        );
      }
    } catch (err) {
      this.#d.log.warn({ pod: key, err: (err as Error).message }, 'could not report a failure on the pod');
    }
  }
}
