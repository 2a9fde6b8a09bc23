/**
 * What the lab's StatefulSet controller wants, as pure functions: the revision of a pod template (a short hash, the
 * `controller-revision-hash` label, so a template change is seen on every pod), the pod `<sts>-<ordinal>` built from
 * the template (labels, annotations, spec, owner reference to the StatefulSet, hostname), and the plan for one
 * StatefulSet given its pods: create the missing ordinals in order, delete pods of an old revision (re-created on the
 * next pass, as `RollingUpdate` with one replica does) and those beyond `replicas`. And the status to write.
 */
import { createHash } from 'node:crypto';
import { controllerReference, type KubeObject } from '../../api/types.ts';

export const REVISION_LABEL = 'controller-revision-hash';
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';

export interface StatefulSet extends KubeObject {
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
    template?: {
      metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
      spec?: Record<string, unknown>;
    };
    serviceName?: string;
  };
  status?: Record<string, unknown>;
}

/** Stable JSON (sorted keys), so equal templates hash equally. */
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** `<sts>-<10 hex of sha256(template)>`, as the revision name of a ControllerRevision. */
export function templateRevision(sts: StatefulSet): string {
  const hash = createHash('sha256')
    .update(stable(sts.spec?.template ?? {}))
    .digest('hex')
    .slice(0, 10);
  return `${sts.metadata.name ?? ''}-${hash}`;
}

export function podFor(sts: StatefulSet, ordinal: number): KubeObject {
  const name = `${sts.metadata.name ?? ''}-${ordinal}`;
  const template = sts.spec?.template ?? {};
  const spec: Record<string, unknown> = { ...structuredClone(template.spec ?? {}), hostname: name };
  if (sts.spec?.serviceName) spec['subdomain'] = sts.spec.serviceName;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: sts.metadata.namespace ?? 'default',
      labels: {
        ...template.metadata?.labels,
        [REVISION_LABEL]: templateRevision(sts),
        [POD_NAME_LABEL]: name,
      },
      annotations: { ...template.metadata?.annotations },
      ownerReferences: [controllerReference('apps/v1', 'StatefulSet', sts)],
    },
    spec,
  };
}

export interface StatefulSetPlan {
  create: KubeObject[];
  /** Pod names to delete (old revision, or ordinal beyond replicas). */
  delete: string[];
  status: Record<string, unknown>;
}

const ordinalOf = (sts: string, pod: string): number | undefined => {
  const suffix = pod.startsWith(`${sts}-`) ? pod.slice(sts.length + 1) : '';
  return /^\d+$/.test(suffix) ? Number(suffix) : undefined;
};

const podReady = (pod: KubeObject): boolean =>
  !pod.metadata.deletionTimestamp &&
  ((pod['status'] as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some(
    (c) => c.type === 'Ready' && c.status === 'True',
  );

/** `pods`: the pods of the StatefulSet's namespace that it controls (owner reference with its uid). */
export function planStatefulSet(sts: StatefulSet, pods: readonly KubeObject[]): StatefulSetPlan {
  const name = sts.metadata.name ?? '';
  const replicas = sts.spec?.replicas ?? 1;
  const revision = templateRevision(sts);
  const byOrdinal = new Map<number, KubeObject>();
  for (const pod of pods) {
    const ordinal = ordinalOf(name, pod.metadata.name ?? '');
    if (ordinal !== undefined) byOrdinal.set(ordinal, pod);
  }
  const plan: StatefulSetPlan = { create: [], delete: [], status: {} };
  for (const [ordinal, pod] of byOrdinal) {
    if (pod.metadata.deletionTimestamp) continue;
    const stale = pod.metadata.labels?.[REVISION_LABEL] !== revision;
    if (ordinal >= replicas || stale) plan.delete.push(pod.metadata.name ?? '');
  }
  for (let ordinal = 0; ordinal < replicas; ordinal++) {
    if (!byOrdinal.has(ordinal)) plan.create.push(podFor(sts, ordinal));
  }
  const live = [...byOrdinal.values()].filter((p) => !p.metadata.deletionTimestamp);
  const current = live.filter((p) => p.metadata.labels?.[REVISION_LABEL] === revision);
  plan.status = {
    observedGeneration: sts.metadata.generation ?? 1,
    replicas: live.length,
    readyReplicas: live.filter(podReady).length,
    availableReplicas: live.filter(podReady).length,
    currentReplicas: current.length,
    updatedReplicas: current.length,
    currentRevision: revision,
    updateRevision: revision,
  };
  return plan;
}
