/**
 * The lab kubelet's prober manager (kubelet's prober.Manager): one worker per probe of every running pod on the
 * node, timed as kubelet times them — the first run after initialDelaySeconds from the container's start, then
 * every periodSeconds, each with timeoutSeconds — each network probe (tcpSocket, httpGet, grpc) made by the node
 * prober in the node's namespace (prober-process.ts), through TProxy for custom-VPC pods, and each exec probe run in
 * the pod itself (probe-exec.ts). Results go through probe-state.ts thresholds and decide each container's
 * `started` and `ready` (status.ts); a startup probe gates the others. A failed
 * probe records a Warning `Unhealthy` Event ("Readiness probe failed: ..."); a liveness probe that fails, or a
 * startup probe that keeps failing, gets `Killing` ("Container web failed liveness probe, will be restarted"),
 * the container stand-in is restarted (restart()) and its restartCount goes up. Any change calls onChange(pod).
 */
import type { Logger } from 'pino';
import type { KubeObject } from '../../api/types.ts';
import { podProbes, type ProbeKind, type ProbeSpec } from '../../node/probe-spec.ts';
import type { Clock } from '../../util/clock.ts';
import { metaTime } from '../../util/time.ts';
import type { KubeletApi } from './api.ts';
import type { ContainerProbeStatus } from './status.ts';
import type { ProbeRequest } from './probe-run.ts';
import type { ProbeResult } from './probe-result.ts';
import type { ExecProbeRun } from './probe-exec.ts';
import {
  containerState,
  initialState,
  killingMessage,
  kills,
  observe,
  unhealthyMessage,
  type ProbeState,
} from './probe-state.ts';

export interface ProbeManagerDeps {
  clock: Clock;
  log: Logger;
  api: Pick<KubeletApi, 'event'>;
  /** Runs one network probe in the node's namespace. */
  probe(req: ProbeRequest): Promise<ProbeResult>;
  /** Runs one exec probe's command in the pod. */
  exec(run: ExecProbeRun): Promise<ProbeResult>;
  /** The TProxy control socket to announce custom-VPC probes to, when the node has one. */
  announceVia(pod: KubeObject): string | undefined;
  /** Restarts the pod's container stand-in (its responder). */
  restart(namespace: string, name: string): Promise<void>;
  onChange(namespace: string, name: string): void;
  /** The pod as the kubelet's cache has it now (annotations may arrive after probing began). */
  latest?(namespace: string, name: string): KubeObject | undefined;
}

interface ContainerRun {
  restartCount: number;
  startedAt: number;
  states: Map<ProbeKind, ProbeState>;
  lastEvent: Map<ProbeKind, { message: string; at: number }>;
}

interface PodRun {
  uid: string;
  pod: KubeObject;
  ip: string;
  probes: ProbeSpec[];
  containers: Map<string, ContainerRun>;
  abort: AbortController;
}

const EVENT_REPEAT_MS = 30_000;
const keyOf = (pod: KubeObject): string =>
  `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name ?? ''}`;

export class ProbeManager {
  readonly #d: ProbeManagerDeps;
  readonly #pods = new Map<string, PodRun>();

  constructor(deps: ProbeManagerDeps) {
    this.#d = deps;
  }

  /** Starts probing a running pod at `ip` (once per pod uid; a new uid starts over). */
  ensure(pod: KubeObject, ip: string): void {
    const key = keyOf(pod);
    const uid = pod.metadata.uid ?? '';
    const run = this.#pods.get(key);
    if (run?.uid === uid && run.ip === ip) {
      run.pod = pod;
      return;
    }
    if (run) this.forget(key);
    const probes = podProbes(pod);
    const restarts = new Map(
      (
        (pod['status'] as { containerStatuses?: { name?: string; restartCount?: number }[] } | undefined)
          ?.containerStatuses ?? []
      ).map((c) => [c.name ?? '', c.restartCount ?? 0]),
    );
    const containers = new Map<string, ContainerRun>();
    for (const p of probes)
      if (!containers.has(p.container))
        containers.set(p.container, this.#fresh(restarts.get(p.container) ?? 0, probes, p.container));
    const next: PodRun = { uid, pod, ip, probes, containers, abort: new AbortController() };
    this.#pods.set(key, next);
    for (const p of probes) void this.#work(key, next, p);
  }

  forget(key: string): void {
    this.#pods.get(key)?.abort.abort();
    this.#pods.delete(key);
  }

  stopAll(): void {
    for (const key of [...this.#pods.keys()]) this.forget(key);
  }

  /** What the probes say about each probed container of the pod (undefined: not probed here). */
  status(key: string): Map<string, ContainerProbeStatus> | undefined {
    const run = this.#pods.get(key);
    if (!run) return undefined;
    const out = new Map<string, ContainerProbeStatus>();
    for (const [name, c] of run.containers) {
      out.set(name, {
        ...containerState(c.states),
        restartCount: c.restartCount,
        ...(c.restartCount > 0 ? { startedAt: metaTime(c.startedAt) } : {}),
      });
    }
    return out;
  }

  #fresh(restartCount: number, probes: ProbeSpec[], container: string): ContainerRun {
    const states = new Map<ProbeKind, ProbeState>();
    for (const p of probes) if (p.container === container) states.set(p.kind, initialState(p.kind));
    return { restartCount, startedAt: this.#d.clock.now(), states, lastEvent: new Map() };
  }

  async #work(key: string, run: PodRun, spec: ProbeSpec): Promise<void> {
    const { clock } = this.#d;
    const signal = run.abort.signal;
    const [namespace = '', name = ''] = key.split('/');
    try {
      let generation = -1;
      let due = 0;
      for (;;) {
        const c = run.containers.get(spec.container)!;
        if (generation !== c.restartCount) {
          // (Re)started: the initial delay counts from the start; after a restart, not before the next tick.
          const first = c.startedAt + spec.initialDelaySeconds * 1000;
          due = generation === -1 ? first : Math.max(due, first);
          generation = c.restartCount;
        }
        await clock.sleep(Math.max(0, due - clock.now()), signal);
        due = clock.now() + spec.periodSeconds * 1000;
        const started = c.states.get('startup')?.result ?? true;
        if (spec.kind === 'startup' ? started : !started) continue; // startup gates the others, then stops
        const result = await this.#run(run, spec, key);
        if (signal.aborted) return;
        if (c !== run.containers.get(spec.container) || generation !== c.restartCount) continue;
        await this.#record(run, spec, c, result, namespace, name);
      }
    } catch (err) {
      if (!signal.aborted)
        this.#d.log.warn({ pod: key, err: (err as Error).message }, 'probe worker stopped');
    }
  }

  #run(run: PodRun, spec: ProbeSpec, key: string): Promise<ProbeResult> {
    const timeoutMs = spec.timeoutSeconds * 1000;
    if (spec.action.type === 'exec')
      return this.#d.exec({
        pod: run.pod,
        container: spec.container,
        command: spec.action.command,
        timeoutMs,
      });
    return this.#d.probe({ action: spec.action, ip: run.ip, timeoutMs, ...this.#announce(run.pod, key) });
  }

  #announce(pod: KubeObject, key: string): Pick<ProbeRequest, 'announce'> {
    const [namespace = '', name = ''] = key.split('/');
    const control = this.#d.announceVia(this.#d.latest?.(namespace, name) ?? pod);
    return control ? { announce: { control, pod: key } } : {};
  }

  async #record(run: PodRun, spec: ProbeSpec, c: ContainerRun, r: ProbeResult, ns: string, name: string) {
    const { state, flipped } = observe(c.states.get(spec.kind)!, spec, r.ok, r.message);
    c.states.set(spec.kind, state);
    if (!r.ok) {
      const last = c.lastEvent.get(spec.kind);
      const now = this.#d.clock.now();
      if (!last || last.message !== r.message || now - last.at >= EVENT_REPEAT_MS) {
        c.lastEvent.set(spec.kind, { message: r.message, at: now });
        await this.#d.api.event(run.pod, 'Warning', 'Unhealthy', unhealthyMessage(spec.kind, r.message));
      }
    }
    const killed = kills(spec.kind, state, flipped, spec.failureThreshold);
    if (killed) {
      await this.#d.api.event(run.pod, 'Normal', 'Killing', killingMessage(spec.container, spec.kind));
      await this.#d.restart(ns, name);
      run.containers.set(spec.container, this.#fresh(c.restartCount + 1, run.probes, spec.container));
      this.#d.log.info(
        { pod: `${ns}/${name}`, container: spec.container, probe: spec.kind },
        'container restarted',
      );
    }
    if (flipped || killed) this.#d.onChange(ns, name);
  }
}
