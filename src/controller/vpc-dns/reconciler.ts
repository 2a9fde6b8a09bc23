/**
 * VpcDns reconciler (§5): with the feature on (ConfigMap `kube-system/vpc-dns-config`, `enable-vpc-dns` not
 * "false"), the one active VpcDns of each VPC (election.ts) gets its CoreDNS Deployment and SwitchLBRule
 * `vpc-dns-<name>` (render.ts) and `status.active: true`; the others get `active: false`, a condition naming the
 * active one, and none of those objects. A VpcDns that cannot be deployed (check.ts) is inactive with the reason.
 * Feature off or ConfigMap gone: every VpcDns is deleted, as the reference does. Keyed by VpcDns; a VpcDns change
 * enqueues its VPC's others (failover), a kube-system ConfigMap, a NAD, Vpc or Subnet change every VpcDns, and a labelled
 * Deployment or SwitchLBRule its VpcDns.
 */
import { parseVpcDnsConfig } from '../../api/kinds/configmaps.ts';
import { CONTROLLER_NAMESPACE, VPC_DNS_CONFIG } from '../../api/constants.ts';
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { VpcDns } from '../../api/kinds/vpc-dns.ts';
import type { ClusterView, KubeObject } from '../../api/types.ts';
import { keyForObject, keyOf } from '../../kube/queue/keys.ts';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../../kube/reconciler.ts';
import { setConditions, type Condition, type ConditionInput } from '../reconcilers/conditions.ts';
import type { NetworkDeps } from '../reconcilers/deps.ts';
import { specOrDeletionChanged } from '../reconcilers/watch-predicates.ts';
import { refOf, statusChanges } from '../../kube/writer.ts';
import type { ObjectApplier } from '../../kube/applier.ts';
import { configProblem, objectProblem, type Problem } from './check.ts';
import { electActive, peersOf } from './election.ts';
import {
  FALLBACK_COREDNS_IMAGE,
  VPC_DNS_LABEL,
  vpcDnsDeployment,
  vpcDnsSwitchLbRule,
  vpcDnsWorkloadName,
} from './render.ts';

/** How often an inactive-because-broken VpcDns is looked at again (its causes are mostly watched too). */
export const VPC_DNS_RETRY_MS = 10_000;

export interface VpcDnsOptions {
  /** The controller's own API server address (`KUBERNETES_SERVICE_HOST` in a pod), used without `k8s-service-host`. */
  apiServerHost?: string;
}

const allKeys = (_o: KubeObject, view: ClusterView): string[] =>
  view.list('VpcDns').map((d) => keyForObject(d, 'VpcDns'));

function clusterImage(view: ClusterView): string | undefined {
  const coredns = view.get('Deployment', 'coredns', CONTROLLER_NAMESPACE) as
    { spec?: { template?: { spec?: { containers?: { name?: string; image?: string }[] } } } } | undefined;
  return coredns?.spec?.template?.spec?.containers?.find((c) => c.name === 'coredns')?.image;
}

export function vpcDnsReconciler(
  deps: NetworkDeps,
  applier: ObjectApplier,
  options: VpcDnsOptions = {},
): Reconciler {
  const clusterRouter = deps.network.clusterRouter;
  const removeWorkload = async (name: string, view: ClusterView): Promise<void> => {
    const workload = vpcDnsWorkloadName(name);
    if (view.get('Deployment', workload, CONTROLLER_NAMESPACE))
      await applier.remove({ kind: 'Deployment', name: workload, namespace: CONTROLLER_NAMESPACE });
    if (view.get('SwitchLBRule', workload)) await applier.remove({ kind: 'SwitchLBRule', name: workload });
  };
  return {
    kind: 'VpcDns',
    watches: [
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
        map: (o: KubeObject) =>
          o.metadata.labels?.[VPC_DNS_LABEL] === 'true' && o.metadata.name?.startsWith('vpc-dns-')
            ? [keyOf('VpcDns', o.metadata.name.slice('vpc-dns-'.length))]
            : [],
      })),
    ],
    async reconcile(_key: string, ctx: ReconcileContext): Promise<ReconcileResult> {
      const name = ctx.ref.name;
      const dns = ctx.view.get('VpcDns', name) as VpcDns | undefined;
      const cm = ctx.view.get('ConfigMap', VPC_DNS_CONFIG, CONTROLLER_NAMESPACE);
      const config = cm ? parseVpcDnsConfig(cm) : undefined;
      if (!dns || dns.metadata.deletionTimestamp) {
        await removeWorkload(name, ctx.view);
        return;
      }
      if (!config?.enabled) {
        ctx.log.info(
          { configMap: cm ? 'enable-vpc-dns=false' : 'absent' },
          'vpc-dns disabled: deleting the VpcDns',
        );
        await removeWorkload(name, ctx.view);
        await applier.remove(refOf({ ...dns, kind: 'VpcDns' }));
        return;
      }
      const status = async (active: boolean, condition: ConditionInput): Promise<void> => {
        const conditions = setConditions(
          dns.status?.conditions as Condition[] | undefined,
          [condition],
          ctx.clock.now(),
        );
        const changes = statusChanges(dns, { active, conditions });
        if (Object.keys(changes).length)
          await deps.writer.patchStatus(refOf({ ...dns, kind: 'VpcDns' }), changes);
      };
      const inactive = async (problem: Problem, warn: boolean): Promise<ReconcileResult> => {
        await removeWorkload(name, ctx.view);
        const before = (dns.status?.conditions ?? []).find((c) => c.type === 'Ready')?.message;
        await status(false, { type: 'Ready', status: 'False', ...problem });
        if (warn && before !== problem.message) {
          await deps.writer.event(
            { kind: 'VpcDns', name },
            { type: 'Warning', reason: problem.reason, message: problem.message },
          );
        }
        return warn ? { requeueAfterMs: VPC_DNS_RETRY_MS } : undefined;
      };
      const problem = configProblem(config, ctx.view) ?? objectProblem(dns, ctx.view, clusterRouter);
      if (problem) return inactive(problem, true);
      const vpc = dns.spec?.vpc ?? '';
      const eligible = peersOf(ctx.view.list('VpcDns') as VpcDns[], vpc).filter(
        (d) => !objectProblem(d, ctx.view, clusterRouter),
      );
      const winner = electActive(eligible);
      if (winner !== name) {
        return inactive(
          {
            reason: 'AnotherActive',
            message: `vpc-dns ${winner ?? ''} is active in vpc ${vpc}: only one vpc-dns can be deployed in a vpc`,
          },
          false,
        );
      }
      const defaultSubnet = ctx.view.get('Subnet', deps.network.defaultLs) as Subnet | undefined;
      const input = {
        dns,
        config,
        namespace: CONTROLLER_NAMESPACE,
        image: config.corednsImage || clusterImage(ctx.view) || FALLBACK_COREDNS_IMAGE,
        defaultSubnet: deps.network.defaultLs,
        ...(config.k8sServiceHost || options.apiServerHost
          ? { apiServerHost: config.k8sServiceHost || options.apiServerHost }
          : {}),
        ...(defaultSubnet?.spec?.gateway
          ? { defaultGateway: defaultSubnet.spec.gateway.split(',')[0]! }
          : {}),
      };
      for (const obj of [vpcDnsDeployment(input), vpcDnsSwitchLbRule(input)]) {
        const current = ctx.view.get(obj.kind, obj.metadata.name ?? '', obj.metadata.namespace);
        const outcome = await applier.apply(obj, current);
        if (outcome !== 'unchanged') ctx.log.info({ object: `${obj.kind}/${obj.metadata.name}` }, outcome);
      }
      await status(true, {
        type: 'Ready',
        status: 'True',
        reason: 'Active',
        message: `serving vpc ${vpc} at ${config.corednsVip} from subnet ${dns.spec?.subnet ?? ''}`,
      });
      return;
    },
  };
}
