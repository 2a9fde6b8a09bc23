/**
 * The gateway agent: for every NAT gateway pod on its node (annotation `ovn.kubernetes.io/vpc_nat_gw`, phase Running),
 * it reads the VpcNatGateway, its IptablesEIPs (`spec.natGwDp`), the DNAT/SNAT/FIP rules on them and the Subnets from
 * informers, computes the desired state (desired.ts), applies it inside the pod's network namespace (apply.ts: one
 * atomic rule set, through the backend `natBackend` of ovn-vpc-nat-config names: iptables by default, nftables, or
 * `auto`, detected once per namespace by backend-select.ts; an invalid value fails every rule with the reason) and
 * reports per rule in the pod's `kovn.io/nat-applied` annotation, the only thing it writes to the API.
 * Level-triggered: a controller manager's workers on the keys of those pods, fed by every change of those kinds and
 * of the ConfigMap, and a cheap periodic look at each gateway namespace's identity (inode), so a namespace destroyed
 * and re-created gets everything back without anyone touching the CRs; every `verifyMs` the kernel state is compared again (apply.ts writes
 * only on a difference), so rules flushed by hand come back too. In the lab one agent runs per node in the lab daemon
 * (natgw-side.ts); in a cluster the same loop is the gateway image's entrypoint (main.ts), scoped to its own pod
 * (`ownPod`) and applying in its own namespace (`podNetns` answers undefined; identity from /proc/self/ns/net; ADR 14).
 */
import { statSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import { pino, type Logger } from 'pino';
import type { KubeObject } from '../api/types.ts';
import { isNotFound } from '../kube/errors.ts';
import { kubeRequest } from '../kube/request.ts';
import { objectPath } from '../kube/resources.ts';
import { ControllerManager } from '../kube/manager.ts';
import { keyForObject } from '../kube/queue/keys.ts';
import type { ReconcileContext, ReconcileResult, Reconciler, WatchMapping } from '../kube/reconciler.ts';
import {
  ANNOTATION_NAT_APPLIED,
  ANNOTATION_NAT_GW_ROLE,
  ANNOTATION_VPC_NAT_GW,
  annotationKey,
} from '../api/annotations.ts';
import { systemClock, type Clock } from '../util/clock.ts';
import type { ProcessRunner } from '../util/exec.ts';
import type { Metrics, NatGatewayInstruments } from '../util/metrics/registry.ts';
import { CONTROLLER_NAMESPACE, NAT_GW_CONFIG } from '../api/constants.ts';
import { readNatBackend, type NatBackendSetting } from '../api/kinds/configmaps.ts';
import type { VpcNatGateway } from '../api/kinds/vpc-nat-gateway.ts';
import { isHaGateway } from '../api/kinds/vpc-nat-gateway-ha.ts';
import { applyGateway, type ApplyOutcome } from './apply.ts';
import { resolveBackend } from './backend-select.ts';
import type { BackendName, Run } from './backends.ts';
import { desiredGateway, type GatewayDesired } from './desired.ts';
import { ruleId } from './rules.ts';
import { gatewaySources, type GatewaySources } from './sources.ts';
import { readNatReport } from '../api/nat-report.ts';
import { nextReport, outcomeRules } from './report.ts';

export interface GatewayAgentOptions {
  kubeConfig: KubeConfig;
  /** Per-node mode (the lab): the node whose gateway pods it handles. Required unless `ownPod`. */
  nodeName?: string;
  /** In-pod mode (the gateway image's entrypoint): the one pod it handles, its own; `nodeName` is then not looked at. */
  ownPod?: { namespace: string; name: string };
  /** The network namespace of a gateway pod, as `ip netns` names it; undefined: this process's own. */
  podNetns(namespace: string, name: string): string | undefined;
  runner: ProcessRunner;
  clock?: Clock;
  logger?: Logger;
  /** How often each gateway namespace's identity is looked at (default 2 s). */
  resyncMs?: number;
  /** How often the kernel state is compared with the desired state even when nothing changed (default 30 s). */
  verifyMs?: number;
  /** The program's metrics: each gateway's apply duration, failures and refused rules; the loop's reconciles. */
  metrics?: Metrics;
}

/** A namespace's identity (device and inode of its nsfs file); this process's own is /proc/self/ns/net. */
const netnsIdentity = (netns: string | undefined): string | undefined => {
  try {
    const s = statSync(netns === undefined ? '/proc/self/ns/net' : `/var/run/netns/${netns}`);
    return `${s.dev}:${s.ino}`;
  } catch {
    return undefined;
  }
};

export interface GatewayAgent {
  stop(): Promise<void>;
}

/** The reconciler of this node's gateway pods: each one's kernel state, and the per-rule report on the pod. */
class GatewayPods implements Reconciler {
  readonly kind = 'Pod';
  readonly watches: readonly WatchMapping[];
  readonly #d: { o: GatewayAgentOptions; inf: GatewaySources; clock: Clock; log: Logger };
  /** What was last applied per pod: the namespace identity and the desired state, to skip unchanged resyncs. */
  readonly #applied = new Map<string, { fingerprint: string; at: number }>();
  /** Per pod: the backend chosen for a namespace identity and setting, and whether the other one was looked at. */
  readonly #backends = new Map<
    string,
    { identity: string; setting: NatBackendSetting; name: BackendName; otherChecked: boolean }
  >();
  readonly #instruments: NatGatewayInstruments | undefined;

  constructor(o: GatewayAgentOptions, inf: GatewaySources, clock: Clock, log: Logger) {
    this.#d = { o, inf, clock, log };
    this.#instruments = o.metrics?.natGateway();
    // Any NAT object or Subnet may change what a gateway holds.
    const everyGateway = (kind: string): WatchMapping => ({
      kind,
      map: () =>
        inf.pods
          .list()
          .filter((p) => this.selects(p))
          .map((p) => keyForObject(p, 'Pod')),
    });
    this.watches = [inf.gateways, inf.eips, inf.dnats, inf.snats, inf.fips, inf.subnets, inf.natConfig].map(
      (i) => everyGateway(i.kind),
    );
  }

  /** A NAT gateway pod on this node (in-pod mode: this process's own pod). */
  selects(p: KubeObject): boolean {
    const { nodeName, ownPod } = this.#d.o;
    if (!p.metadata.annotations?.[ANNOTATION_VPC_NAT_GW]) return false;
    if (ownPod) return p.metadata.name === ownPod.name && p.metadata.namespace === ownPod.namespace;
    return (p['spec'] as { nodeName?: string } | undefined)?.nodeName === nodeName;
  }

  async reconcile(key: string, { ref }: ReconcileContext): Promise<ReconcileResult> {
    const { o, inf, clock } = this.#d;
    const applied = this.#applied;
    const { name } = ref;
    const namespace = ref.namespace ?? '';
    const pod = inf.pods.get(name, namespace);
    if (!pod || !this.selects(pod) || pod.metadata.deletionTimestamp) {
      applied.delete(key);
      this.#backends.delete(key);
      return;
    }
    if ((pod['status'] as { phase?: string } | undefined)?.phase !== 'Running') return;
    const gwName = pod.metadata.annotations?.[ANNOTATION_VPC_NAT_GW] ?? '';
    const gateway = inf.gateways.get(gwName);
    if (!gateway) return;
    const netns = o.podNetns(namespace, name);
    const identity = netnsIdentity(netns);
    if (!identity) return; // the kubelet has not made it yet; the pod update will bring us back
    const desired = heldByThisInstance(
      desiredGateway({
        gateway,
        subnets: inf.subnets.list(),
        eips: inf.eips.list(),
        dnats: inf.dnats.list(),
        snats: inf.snats.list(),
        fips: inf.fips.list(),
      }),
      gateway,
      pod,
    );
    const backend = await this.#backendFor(key, identity, netns, desired);
    const fingerprint = `${identity} ${pod.metadata.uid ?? ''} ${backend.ok ? backend.name : backend.reason} ${JSON.stringify({ ...desired, refused: [...desired.refused] })}`;
    const last = applied.get(key);
    if (last?.fingerprint === fingerprint && clock.now() - last.at < (o.verifyMs ?? 30_000)) return;
    const results = backend.ok
      ? await this.#apply(key, pod, gateway, desired, { netns, identity, backend: backend.name })
      : this.#refuseAll(key, gwName, desired, backend.reason);
    const value = nextReport(readNatReport(pod.metadata.annotations), outcomeRules(results));
    if (value !== undefined) {
      await kubeRequest(o.kubeConfig, {
        method: 'PATCH',
        path: objectPath('Pod', name, namespace),
        body: { metadata: { annotations: { [ANNOTATION_NAT_APPLIED]: value } } },
        patch: 'merge',
      }).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    }
    applied.set(key, { fingerprint, at: clock.now() });
  }

  /**
   * The backend for this pod's rules, from ovn-vpc-nat-config's `natBackend`; `auto` is detected once per
   * namespace identity. An invalid setting is the reason every rule fails.
   */
  async #backendFor(
    key: string,
    identity: string,
    netns: string | undefined,
    d: GatewayDesired,
  ): Promise<{ ok: true; name: BackendName } | { ok: false; reason: string }> {
    const setting = readNatBackend(this.#d.inf.natConfig.get(NAT_GW_CONFIG, CONTROLLER_NAMESPACE));
    if (!setting.ok) return setting;
    const known = this.#backends.get(key);
    if (known?.identity === identity && known.setting === setting.value)
      return { ok: true, name: known.name };
    const run: Run = (cmd, args, input) =>
      this.#d.o.runner.run(cmd, args, {
        netns,
        timeoutMs: 30_000,
        ...(input === undefined ? {} : { input }),
      });
    const name = await resolveBackend(setting.value, run, d);
    // A new namespace or backend: the first apply also looks for kovn's rules in the other backend.
    this.#backends.set(key, { identity, setting: setting.value, name, otherChecked: false });
    if (setting.value === 'auto') this.#d.log.info({ pod: key, backend: name }, 'NAT rule backend detected');
    return { ok: true, name };
  }

  async #apply(
    key: string,
    pod: KubeObject,
    gateway: VpcNatGateway,
    desired: GatewayDesired,
    at: { netns: string | undefined; identity: string; backend: BackendName },
  ): Promise<ApplyOutcome['results']> {
    const { o, clock, log } = this.#d;
    const gwName = gateway.metadata.name ?? '';
    // Each external NIC's own address (from IPAM, keyed by its subnet's provider) is never taken away.
    const own = desired.nics.flatMap(
      (n) => pod.metadata.annotations?.[annotationKey(n.provider, 'ip_address')]?.split(',') ?? [],
    );
    const chosen = this.#backends.get(key);
    const started = clock.now();
    const outcome = await applyGateway(desired, {
      runner: o.runner,
      netns: at.netns,
      backend: at.backend,
      removeOther: chosen?.otherChecked !== true,
      keepAddresses: own,
    }).catch((err: unknown) => {
      this.#instruments?.failed(gwName, clock.now() - started);
      throw err;
    });
    if (chosen) chosen.otherChecked = true;
    for (const route of outcome.routesRefused)
      log.error({ pod: key, gateway: gwName }, `gateway route not applied: ${route}`);
    const refused = [...outcome.results.values()].filter((r) => !r.ok).length;
    this.#instruments?.applied(gwName, clock.now() - started, refused);
    const changed = outcome.rulesWritten || outcome.addressesAdded.length || outcome.addressesRemoved.length;
    log[changed ? 'info' : 'debug'](
      {
        pod: key,
        gateway: gwName,
        backend: outcome.backend,
        rules: desired.rules.length,
        written: outcome.rulesWritten,
        ...(outcome.otherRemoved ? { otherBackendRemoved: true } : {}),
        added: outcome.addressesAdded,
        removed: outcome.addressesRemoved,
      },
      changed ? 'gateway state applied' : 'gateway state verified: nothing to change',
    );
    return outcome.results;
  }

  /** Nothing is applied; every rule reports the reason (the kernel keeps what it had). */
  #refuseAll(key: string, gwName: string, d: GatewayDesired, reason: string): ApplyOutcome['results'] {
    this.#d.log.error({ pod: key, gateway: gwName }, `NAT rules not applied: ${reason}`);
    const results: ApplyOutcome['results'] = new Map();
    for (const r of d.rules) results.set(ruleId(r), { ok: false, reason });
    for (const [id, why] of d.refused) results.set(id, { ok: false, reason: why });
    return results;
  }
}

/**
 * What this instance holds: everything, except that an instance of an HA gateway (ADR 37) that the controller has
 * not marked active holds no EIP address (its NICs' EIPs are taken away, so the upstream's ARP can only find the
 * active one); it keeps the rules, so it can take over the moment it is made active.
 */
export function heldByThisInstance(
  d: GatewayDesired,
  gateway: VpcNatGateway,
  pod: KubeObject,
): GatewayDesired {
  if (!isHaGateway(gateway) || pod.metadata.annotations?.[ANNOTATION_NAT_GW_ROLE] === 'active') return d;
  return { ...d, nics: d.nics.map((n) => ({ ...n, addresses: [] })) };
}

export async function startGatewayAgent(o: GatewayAgentOptions): Promise<GatewayAgent> {
  const clock = o.clock ?? systemClock;
  const log = o.logger ?? pino({ level: 'silent' });
  if (!o.ownPod && !o.nodeName) throw new Error('gateway agent: neither a node nor its own pod to handle');
  // In-pod mode the Pod informer holds the agent's own pod only (a gateway need not cache the cluster's pods).
  const ownPodSelector = o.ownPod
    ? `metadata.namespace=${o.ownPod.namespace},metadata.name=${o.ownPod.name}`
    : undefined;
  const inf = gatewaySources({ kubeConfig: o.kubeConfig, clock, log }, ownPodSelector);
  const manager = new ControllerManager({
    informers: Object.values(inf),
    clock,
    logger: log,
    name: 'gateway apply',
    concurrency: 2,
    backoff: { baseMs: 500, maxMs: 10_000 },
    ...(o.metrics ? { metrics: o.metrics } : {}),
  });
  manager.register(new GatewayPods(o, inf, clock, log));
  await manager.start();
  let stopped = false;
  const resync = async (): Promise<void> => {
    while (!stopped) {
      manager.resyncAll();
      await clock.sleep(o.resyncMs ?? 2_000);
    }
  };
  const resyncing = resync();
  log.info(
    o.ownPod ? { pod: `${o.ownPod.namespace}/${o.ownPod.name}` } : { node: o.nodeName },
    'gateway agent started',
  );
  return {
    async stop() {
      stopped = true;
      await manager.stop({ drain: false });
      await resyncing;
    },
  };
}
