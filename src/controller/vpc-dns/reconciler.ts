/**
 * VpcDns reconciler (Kube-OVN's pkg/controller/vpc_dns.go): with vpc-dns enabled (ConfigMap
 * `kube-system/vpc-dns-config`, `enable-vpc-dns` not "false"), the one active VpcDns of each VPC (election.ts) gets
 * its CoreDNS Deployment and SwitchLBRule `vpc-dns-<name>` (render.ts) and `status.active: true`; the others get
 * `active: false`, a condition naming the active one, and none of those objects. A VpcDns that cannot be deployed
 * (check.ts) is inactive with the reason. While vpc-dns is not enabled, a VpcDns is kept, `active: false`, with a
 * NotEnabled condition and Warning Event, and its reconcile fails (retried with backoff, as Kube-OVN's does); only
 * the enabled -> disabled transition deletes VpcDns, and lifecycle.ts does that. Keyed by VpcDns; a VpcDns change
 * enqueues its VPC's others (failover), a kube-system ConfigMap, a NAD, Vpc or Subnet change every VpcDns, and a
 * labelled Deployment or SwitchLBRule its VpcDns. plan.ts decides (pure) from the cache; this module carries the
 * plan out (the applier's writes, the status, the Event).
 */
import { CONTROLLER_NAMESPACE } from '../../api/constants.ts';
import type { VpcDns } from '../../api/kinds/vpc-dns.ts';
import type { ClusterView, KubeObject } from '../../api/types.ts';
import { keyForObject, keyOf } from '../../kube/queue/keys.ts';
import type { ReconcileContext, ReconcileResult, Reconciler, WatchMapping } from '../../kube/reconciler.ts';
import { setConditions, type Condition, type ConditionInput } from '../reconcilers/conditions.ts';
import type { NetworkDeps } from '../reconcilers/deps.ts';
import { specOrDeletionChanged } from '../reconcilers/watch-predicates.ts';
import { refOf, statusChanges } from '../../kube/writer.ts';
import type { ObjectApplier } from '../../kube/applier.ts';
import { peersOf } from './election.ts';
import { LABEL_VPC_DNS } from '../../api/annotations.ts';
import type { Problem } from './check.ts';
import { VpcDnsLifecycle } from './lifecycle.ts';
import { planVpcDns, type VpcDnsPlan } from './plan.ts';
import { vpcDnsDeployment, vpcDnsOfWorkload, vpcDnsSwitchLbRule, vpcDnsWorkloadName } from './render.ts';

/** How often an inactive-because-broken VpcDns is looked at again (its causes are mostly watched too). */
export const VPC_DNS_RETRY_MS = 10_000;

export interface VpcDnsOptions {
  /** The controller's own API server address (`KUBERNETES_SERVICE_HOST` in a pod), used without `k8s-service-host`. */
  apiServerHost?: string;
}

const allKeys = (_o: KubeObject, view: ClusterView): string[] =>
  view.list('VpcDns').map((d) => keyForObject(d, 'VpcDns'));

const watches: readonly WatchMapping[] = [
  {
    kind: 'VpcDns',
    map: (d, view) =>
      peersOf(view.list('VpcDns') as VpcDns[], (d as VpcDns).spec?.vpc ?? '').map((p) =>
        keyForObject(p, 'VpcDns'),
      ),
  },
  {
    kind: 'ConfigMap',
    // vpc-dns-config or a Corefile, both in the controller namespace
    map: (cm, view) => (cm.metadata.namespace === CONTROLLER_NAMESPACE ? allKeys(cm, view) : []),
  },
  { kind: 'NetworkAttachmentDefinition', map: allKeys },
  { kind: 'Vpc', map: allKeys, changed: specOrDeletionChanged },
  { kind: 'Subnet', map: allKeys, changed: specOrDeletionChanged },
  ...['Deployment', 'SwitchLBRule'].map((kind) => ({
    kind,
    map: (o: KubeObject) => {
      const dns = vpcDnsOfWorkload(o.metadata.name);
      return o.metadata.labels?.[LABEL_VPC_DNS] === 'true' && dns ? [keyOf('VpcDns', dns)] : [];
    },
  })),
];

/** What the VpcDns reconcilers use of the network controller's dependencies. */
export type VpcDnsDeps = Pick<NetworkDeps, 'writer' | 'network'>;

/** What carrying out one plan needs. */
interface VpcDnsStep {
  deps: VpcDnsDeps;
  applier: ObjectApplier;
  ctx: ReconcileContext;
}

/** The Deployment and SwitchLBRule `vpc-dns-<name>` go, where they exist. */
async function removeWorkload({ applier, ctx }: VpcDnsStep): Promise<void> {
  const workload = vpcDnsWorkloadName(ctx.ref.name);
  if (ctx.view.get('Deployment', workload, CONTROLLER_NAMESPACE))
    await applier.remove({ kind: 'Deployment', name: workload, namespace: CONTROLLER_NAMESPACE });
  if (ctx.view.get('SwitchLBRule', workload)) await applier.remove({ kind: 'SwitchLBRule', name: workload });
}

async function writeStatus(
  { deps, ctx }: VpcDnsStep,
  dns: VpcDns,
  active: boolean,
  condition: ConditionInput,
): Promise<void> {
  const conditions = setConditions(
    dns.status?.conditions as Condition[] | undefined,
    [condition],
    ctx.clock.now(),
  );
  const changes = statusChanges(dns, { active, conditions });
  if (Object.keys(changes).length) await deps.writer.patchStatus(refOf({ ...dns, kind: 'VpcDns' }), changes);
}

/** No workload, `active: false` with the problem; a Warning Event when a new problem is one to warn about. */
async function deactivate(step: VpcDnsStep, dns: VpcDns, problem: Problem, warn: boolean): Promise<void> {
  await removeWorkload(step);
  const before = (dns.status?.conditions ?? []).find((c) => c.type === 'Ready')?.message;
  await writeStatus(step, dns, false, { type: 'Ready', status: 'False', ...problem });
  if (warn && before !== problem.message) {
    await step.deps.writer.event(
      { kind: 'VpcDns', name: step.ctx.ref.name },
      { type: 'Warning', reason: problem.reason, message: problem.message },
    );
  }
}

/** The Deployment and SwitchLBRule applied, then `active: true`. */
async function activate(step: VpcDnsStep, plan: Extract<VpcDnsPlan, { kind: 'active' }>): Promise<void> {
  const { applier, ctx } = step;
  for (const obj of [vpcDnsDeployment(plan.render), vpcDnsSwitchLbRule(plan.render)]) {
    const current = ctx.view.get(obj.kind, obj.metadata.name ?? '', obj.metadata.namespace);
    const outcome = await applier.apply(obj, current);
    if (outcome !== 'unchanged') ctx.log.info({ object: `${obj.kind}/${obj.metadata.name}` }, outcome);
  }
  await writeStatus(step, plan.dns, true, {
    type: 'Ready',
    status: 'True',
    reason: 'Active',
    message: plan.message,
  });
}

function vpcDnsReconciler(
  deps: VpcDnsDeps,
  applier: ObjectApplier,
  lifecycle: VpcDnsLifecycle,
  options: VpcDnsOptions,
): Reconciler {
  return {
    kind: 'VpcDns',
    watches,
    async reconcile(_key: string, ctx: ReconcileContext): Promise<ReconcileResult> {
      const step: VpcDnsStep = { deps, applier, ctx };
      const plan = planVpcDns({
        name: ctx.ref.name,
        view: ctx.view,
        network: deps.network,
        apiServerHost: options.apiServerHost,
      });
      switch (plan.kind) {
        case 'gone':
          await removeWorkload(step);
          return;
        case 'disabled':
          // going with the enabled -> disabled transition: lifecycle.ts deletes it
          if (lifecycle.deletes(ctx.view, ctx.ref.name)) return removeWorkload(step);
          await deactivate(step, plan.dns, plan.problem, true);
          throw new Error(plan.problem.message); // kept, and retried until vpc-dns is enabled
        case 'inactive':
          await deactivate(step, plan.dns, plan.problem, plan.warn);
          return plan.warn ? { requeueAfterMs: VPC_DNS_RETRY_MS } : undefined;
        case 'active':
          await activate(step, plan);
          return;
      }
    },
  };
}

/** The VpcDns reconciler and the reconciler of `vpc-dns-config` (lifecycle.ts), sharing what the latter saw. */
export function vpcDnsReconcilers(
  deps: VpcDnsDeps,
  applier: ObjectApplier,
  options: VpcDnsOptions = {},
): Reconciler[] {
  const lifecycle = new VpcDnsLifecycle();
  return [vpcDnsReconciler(deps, applier, lifecycle, options), lifecycle.reconciler(applier)];
}
