/**
 * The stages of a pod's start-up, for bench:lab: which stages there are, when each pod was first seen at each
 * (the earliest sighting wins), what a Pod object or a node agent log line says about them, and the per-stage
 * p50/p99 table (ms from the pod's creation) that shows where a burst's time goes. Pure: the observing is in
 * lab-observe.ts.
 */
import type { KubeObject } from '../src/api/types.ts';
import { ANNOTATION_ROUTED } from '../src/api/annotations.ts';

export const STAGES = [
  'scheduled',
  'annotated',
  'cniAddStarted',
  'cniAddFinished',
  'sandboxCreated',
  'portUp',
  'routed',
  'ready',
] as const;
export type Stage = (typeof STAGES)[number];

export const STAGE_LABELS: Record<Stage, string> = {
  scheduled: 'scheduled (spec.nodeName set)',
  annotated: 'annotated by the controller (routed: "true")',
  cniAddStarted: 'CNI ADD started on the node agent',
  cniAddFinished: 'CNI ADD finished on the node agent',
  sandboxCreated: 'sandbox created (CNI result at the kubelet)',
  portUp: 'OVS port up (NB Logical_Switch_Port up)',
  routed: 'routed (answers a ping from its node)',
  ready: 'Ready (PodReady condition True)',
};

/** The node agent's log messages at the start and end of a CNI ADD (src/node/agent/handler.ts), and the lab
 * daemon's once a kubelet has every CNI result of a pod (src/lab/kubelet/pod.ts). */
const AGENT_MESSAGES: Record<string, Stage> = {
  'CNI ADD started': 'cniAddStarted',
  'CNI ADD finished': 'cniAddFinished',
  'sandbox created': 'sandboxCreated',
};

/** When each pod was first seen at each stage (epoch ms). */
export class StageTimes {
  readonly #at = new Map<Stage, Map<string, number>>(STAGES.map((s) => [s, new Map()]));

  /** Records `at` for `pod` at `stage` unless an earlier time is already recorded. */
  mark(stage: Stage, pod: string, at: number): void {
    const byPod = this.#at.get(stage)!;
    const before = byPod.get(pod);
    if (before === undefined || at < before) byPod.set(pod, at);
  }

  get(stage: Stage, pod: string): number | undefined {
    return this.#at.get(stage)!.get(pod);
  }
}

/** The stages a Pod object shows it has reached (a later version shows the earlier ones too). */
export function podStages(pod: KubeObject): Stage[] {
  const spec = pod['spec'] as { nodeName?: string } | undefined;
  const status = pod['status'] as { conditions?: { type?: string; status?: string }[] } | undefined;
  const stages: Stage[] = [];
  if (spec?.nodeName) stages.push('scheduled');
  if (pod.metadata.annotations?.[ANNOTATION_ROUTED] === 'true') stages.push('annotated');
  if ((status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')) stages.push('ready');
  return stages;
}

/** A node agent's (or the kubelet's) pino line that marks a stage of a pod in `namespace`: the stage, the pod's name
 * and `time`. */
export function agentLogMark(
  line: string,
  namespace: string,
): { stage: Stage; pod: string; at: number } | undefined {
  let entry: { msg?: unknown; pod?: unknown; time?: unknown };
  try {
    entry = JSON.parse(line) as typeof entry;
  } catch {
    return undefined;
  }
  const stage = typeof entry.msg === 'string' ? AGENT_MESSAGES[entry.msg] : undefined;
  const prefix = `${namespace}/`;
  if (!stage || typeof entry.pod !== 'string' || !entry.pod.startsWith(prefix)) return undefined;
  if (typeof entry.time !== 'number') return undefined;
  return { stage, pod: entry.pod.slice(prefix.length), at: entry.time };
}

/** The `p`th percentile (nearest rank) of ascending `sorted`. */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) throw new Error('percentile of no values');
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface StageRow {
  stage: Stage;
  /** How many of the pods were seen at this stage. */
  pods: number;
  p50: number;
  p99: number;
  /** p50 minus the previous row's p50 (the first row: its p50). */
  gapP50: number;
}

/**
 * Per stage, p50/p99 of (first sighting - creation) over the pods of `created` seen at it, ordered by p50 so that
 * the gaps add up to the last stage's p50; stages no pod reached are left out.
 */
export function stageRows(times: StageTimes, created: ReadonlyMap<string, number>): StageRow[] {
  const rows: Omit<StageRow, 'gapP50'>[] = [];
  for (const stage of STAGES) {
    const ms: number[] = [];
    for (const [pod, at] of created) {
      const seen = times.get(stage, pod);
      if (seen !== undefined) ms.push(seen - at);
    }
    if (!ms.length) continue;
    ms.sort((a, b) => a - b);
    rows.push({ stage, pods: ms.length, p50: percentile(ms, 50), p99: percentile(ms, 99) });
  }
  rows.sort((a, b) => a.p50 - b.p50 || STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage));
  return rows.map((r, i) => ({ ...r, gapP50: r.p50 - (i ? rows[i - 1]!.p50 : 0) }));
}
