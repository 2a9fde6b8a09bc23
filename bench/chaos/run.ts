/**
 * One chaos run, start to end: a lab up; the NAT gateway's prerequisites; the flow pods and their running ping and
 * TCP flows; then the storm (storm.ts: creates, deletes, re-creates and patches timed over the kill span) written through the recording client (writes.ts) while the seeded kill
 * schedule (schedule.ts) is carried out (lab.ts); then the convergence checks (checks.ts) until they pass or the
 * deadline passes; the flows stopped and their figures taken; the lab removed, always. Used by bench/chaos.ts and by
 * the short seeded version in test/integration/lab/chaos.test.ts.
 */
import { cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeObject } from '../../src/api/types.ts';
import { kubeRequest } from '../../src/kube/request.ts';
import { objectPath } from '../../src/kube/resources.ts';
import { converge, flowPortUuids, portsKept, type CheckResult } from './checks.ts';
import { startFlows, type FlowFigures, type Flows } from './flows.ts';
import { VICTIMS, labDown, labUp, runKills, unexpectedRestarts, type ExecutedKill, type Lab } from './lab.ts';
import { killSchedule, type Kill } from './schedule.ts';
import {
  FLOW_NS,
  FLOW_PODS,
  flowObjects,
  stepSize,
  stormNamespaces,
  stormSteps,
  type StormStep,
} from './storm.ts';
import { RecordingWriter, type WriteStats } from './writes.ts';

const NAT_DIR = fileURLToPath(new URL('../../examples/config-vpc/nat-gateway/', import.meta.url));

export interface ChaosOptions {
  seed: number;
  pods: number;
  kills: number;
  vpcs: number;
  /** The kills are spread over about this long (default 3 s per kill). */
  killSpanMs?: number;
  convergeDeadlineMs?: number;
  idPrefix?: string;
  log?: (line: string) => void;
}

export interface ChaosOutcome {
  options: Omit<ChaosOptions, 'log'>;
  schedule: Kill[];
  executed: ExecutedKill[];
  results: CheckResult[];
  flows?: FlowFigures;
  writes: WriteStats;
  /** flowsLeadMs: how long the flows ran before the storm started. */
  timings: { upMs: number; stormMs: number; convergeMs: number; flowsLeadMs: number };
  teardown: { ok: boolean; leftovers: string[] };
  /** Where the lab's logs were copied to, when the run failed (the lab's home goes with `kovn down`). */
  logsKept?: string;
  error?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A copy of the lab's logs outside its home, so that a failed run can be read after `kovn down`. */
function keepLogs(lab: Lab, log: (line: string) => void): string | undefined {
  const to = join(tmpdir(), `kovn-chaos-logs-${lab.layout.id}`);
  try {
    cpSync(lab.layout.logDir, to, { recursive: true });
    log(`lab logs kept in ${to}`);
    return to;
  } catch (err) {
    log(`lab logs not kept: ${(err as Error).message}`);
    return undefined;
  }
}

/** `work` for every item, `limit` in flight. */
async function inParallel<T>(
  items: readonly T[],
  work: (item: T) => Promise<unknown>,
  limit = 8,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/** Each group's objects concurrently, the groups one after another. */
async function createAll(writer: RecordingWriter, groups: readonly KubeObject[][]): Promise<void> {
  for (const objects of groups) await inParallel(objects, (obj) => writer.create(obj));
}

async function podIp(lab: Lab, ns: string, name: string, deadlineMs: number): Promise<string> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const p = await kubeRequest<KubeObject>(lab.kc, {
      method: 'GET',
      path: objectPath('Pod', name, ns),
    }).catch(() => undefined);
    const s = p?.['status'] as { phase?: string; podIP?: string } | undefined;
    if (s?.phase === 'Running' && s.podIP) return s.podIP;
    if (Date.now() > deadline) throw new Error(`pod ${ns}/${name} not Running after ${deadlineMs} ms`);
    await sleep(500);
  }
}

async function startFlowPods(lab: Lab, writer: RecordingWriter, log: (l: string) => void): Promise<Flows> {
  await createAll(writer, flowObjects());
  const [a, b] = FLOW_PODS;
  await podIp(lab, FLOW_NS, a.name, 120_000);
  const toIp = await podIp(lab, FLOW_NS, b.name, 120_000);
  const flows = await startFlows({
    fromNetns: lab.layout.podNetns(FLOW_NS, a.name),
    toNetns: lab.layout.podNetns(FLOW_NS, b.name),
    toIp,
  });
  const deadline = Date.now() + 60_000;
  while (flows.answered() < 5) {
    if (Date.now() > deadline) throw new Error(`the flow pods do not answer pings (${a.name} -> ${toIp})`);
    await sleep(200);
  }
  log(`flows: ${a.name} (${a.node}) -> ${b.name} (${b.node}) ${toIp}: ping every 100 ms, one TCP connection`);
  return flows;
}

/** How long the kills (and the storm's steps) are spread over: default 3 s per kill, at least 20 s. */
const killSpanOf = (o: Pick<ChaosOptions, 'kills' | 'killSpanMs'>): number =>
  o.killSpanMs ?? Math.max(20_000, o.kills * 3_000);

/** The run's kill schedule: its seed's, over every victim, the first kill 3 s into the storm. */
export const scheduleOf = (o: Pick<ChaosOptions, 'seed' | 'kills' | 'killSpanMs'>): Kill[] =>
  killSchedule({
    seed: o.seed,
    kills: o.kills,
    victims: VICTIMS,
    durationMs: killSpanOf(o),
    startMs: 3_000,
  });

/** The storm's steps, each at its offset (or as soon as the one before has finished), logged as they finish. */
async function runSteps(
  writer: RecordingWriter,
  steps: readonly StormStep[],
  start: number,
  spanMs: number,
  log: (line: string) => void,
): Promise<void> {
  for (const step of steps) {
    const wait = start + step.at * spanMs - Date.now();
    if (wait > 0) await sleep(wait);
    if ('create' in step) await createAll(writer, step.create);
    else if ('delete' in step)
      await inParallel(step.delete, (r) => writer.delete(r.kind, r.name, r.namespace));
    else if ('recreate' in step)
      await inParallel(step.recreate, async (obj) => {
        await writer.waitGone(obj.kind, obj.metadata.name ?? '', obj.metadata.namespace);
        await writer.create(obj);
      });
    else for (const p of step.patch) await writer.patch(p.kind, p.name, p.body);
    log(`  storm: ${step.name} (${stepSize(step)}) done at +${((Date.now() - start) / 1000).toFixed(1)} s`);
  }
}

export async function runChaos(o: ChaosOptions): Promise<ChaosOutcome> {
  const log = o.log ?? (() => undefined);
  const { log: _unused, ...options } = o;
  void _unused;
  const schedule = scheduleOf(o);
  const outcome: ChaosOutcome = {
    options,
    schedule,
    executed: [],
    results: [],
    writes: { acked: 0, retries: 0, maybeOurs: 0, failed: 0 },
    timings: { upMs: 0, stormMs: 0, convergeMs: 0, flowsLeadMs: 0 },
    teardown: { ok: false, leftovers: [] },
  };
  const t0 = Date.now();
  const lab = labUp(o.idPrefix ?? 'c');
  outcome.timings.upMs = Date.now() - t0;
  log(`lab ${lab.layout.id} up in ${(outcome.timings.upMs / 1000).toFixed(1)} s (home ${lab.home})`);
  const writer = new RecordingWriter(lab.kc);
  let flows: Flows | undefined;
  try {
    for (const f of ['00-nat-configmaps', '01-external-network']) {
      const r = lab.kovn('apply', '-f', join(NAT_DIR, `${f}.yaml`));
      if (r.code !== 0) throw new Error(`kovn apply ${f}: ${r.out}`);
    }
    flows = await startFlowPods(lab, writer, log);
    const flowPorts = FLOW_PODS.map((p) => `${p.name}.${FLOW_NS}`);
    const portsBefore = await flowPortUuids(lab.layout, flowPorts);
    const steps = stormSteps({ vpcs: o.vpcs, pods: o.pods });
    const spanMs = killSpanOf(o);
    const start = Date.now();
    outcome.timings.flowsLeadMs = start - flows.startedAt;
    log(`storm: ${steps.map((s) => `${s.name} (${stepSize(s)})`).join(', ')}; ${schedule.length} kills`);
    const [executed] = await Promise.all([
      runKills(lab, writer, schedule, start, log),
      runSteps(writer, steps, start, spanMs, log),
    ]);
    outcome.executed = executed;
    outcome.timings.stormMs = Date.now() - start;
    const converged = await converge({
      kc: lab.kc,
      layout: lab.layout,
      writer,
      namespaces: stormNamespaces(o.vpcs),
      deadlineMs: o.convergeDeadlineMs ?? 600_000,
      log,
    });
    const restarts = unexpectedRestarts(lab.layout, executed);
    const kept = portsKept(flowPorts, portsBefore, await flowPortUuids(lab.layout, flowPorts));
    outcome.results = [
      ...converged.results,
      {
        name: 'restarts == kills',
        figure: `${restarts.restarts} restarts of ${restarts.components} components`,
        failures: restarts.failures,
      },
      kept,
    ];
    outcome.timings.convergeMs = converged.ms;
  } catch (err) {
    outcome.error = (err as Error).stack ?? String(err);
  } finally {
    const figures = await flows?.stop().catch(() => undefined);
    if (figures) outcome.flows = figures;
    outcome.writes = { ...writer.stats };
    const kept = passedBeforeTeardown(outcome) ? undefined : keepLogs(lab, log);
    if (kept) outcome.logsKept = kept;
    const down = labDown(lab);
    outcome.teardown = { ok: down.ok, leftovers: down.leftovers };
    if (!down.ok) log(`kovn down failed: ${down.out}`);
  }
  return outcome;
}

/** Whether the TCP flow across nodes survived the run: nothing missing, no reset. */
export const tcpFlowSurvived = (r: ChaosOutcome): boolean =>
  !!r.flows && r.flows.tcp.missing === 0 && r.flows.tcp.resets === 0;

/**
 * Whether every check passed, the TCP flow survived and the run itself did not fail. Lost pings are reported, not
 * judged: an echo is lost in a moment of CPU starvation on a small machine as much as by the dataplane.
 */
export const passed = (r: ChaosOutcome): boolean => passedBeforeTeardown(r) && r.teardown.ok;

/** `passed` short of the teardown (known before `kovn down`: whether to keep the lab's logs). */
const passedBeforeTeardown = (r: ChaosOutcome): boolean =>
  !r.error && r.results.length > 0 && r.results.every((c) => c.failures.length === 0) && tcpFlowSurvived(r);
