/**
 * The IptablesDnatRule, IptablesSnatRule and IptablesFIPRule reconcilers: one shape, the kind as a parameter
 * (Kube-OVN's pkg/controller/vpc_nat_gw_nat.go). Absent or deleting: drop the finalizer (the gateway agent rebuilds
 * the gateway's rule set without it; the EIP's `nat` follows through its watch). Otherwise: add the finalizer; the
 * EIP must exist and have an address (else not ready, waiting); a rule that conflicts with an older one is not ready
 * with the reason, unlabelled, its status copies emptied; else label it (`eip_v4_ip`, `vpc-nat-gw-name`, DNAT also
 * `vpc_dnat_eport`) and annotate the bound EIP (`vpc_eip`); write the status: what is programmed (`v4ip`, `v6ip`,
 * `natGwDp`, spec copies) and `ready` from the agent's report. A spec change (another EIP, port, address) moves the
 * rule: the statuses, labels and both EIPs follow, and the agent's next rule set has it in its new place.
 */
import {
  ANNOTATION_VPC_EIP,
  LABEL_DNAT_EPORT,
  LABEL_EIP_V4_IP,
  LABEL_NAT_GW_NAME,
} from '../../../api/annotations.ts';
import type { IptablesEip } from '../../../api/kinds/iptables-eip.ts';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../../../kube/reconciler.ts';
import type { KubeObject } from '../../../api/types.ts';
import { refOf } from '../../../kube/writer.ts';
import { appliedVerdict } from './applied.ts';
import { finalizedReconciler } from './finalized.ts';
import { SHORT_KIND, eipNameOf, gatewayPod, workloadName, type RuleKind } from './names.ts';
import { labelChanges, lostCopies, ruleConflict, ruleStatusFields, verdictCondition } from './rule-status.ts';
import { readyCondition, writeNotReady, writeStatus } from './status.ts';
import { ruleWatches } from './watches.ts';
import type { NetworkDeps } from '../deps.ts';

export function ruleReconciler(deps: NetworkDeps, kind: RuleKind): Reconciler {
  const short = SHORT_KIND[kind];
  return finalizedReconciler<KubeObject>(deps.writer, {
    kind,
    watches: ruleWatches(kind),
    async converge(rule: KubeObject, ctx: ReconcileContext): Promise<ReconcileResult> {
      const view = ctx.view;
      const notReady = (reason: string, message: string, fields: Record<string, unknown> = {}) =>
        writeNotReady(deps.writer, ctx, rule, {
          fields: { ...fields, ready: false },
          condition: readyCondition(false, reason, message),
        });
      const eipName = eipNameOf(rule);
      const eip = view.get('IptablesEIP', eipName) as IptablesEip | undefined;
      if (!eip || eip.metadata.deletionTimestamp)
        return notReady(
          'EipNotFound',
          eip ? `eip ${eipName} is being deleted` : `eip ${eipName} does not exist`,
        );
      // An IPv6-only EIP has no v4ip: its address is `status.v6ip`.
      const v4ip = eip.status?.ip ?? '';
      const v6ip = eip.status?.v6ip || eip.spec?.v6ip || '';
      if (!v4ip && !eip.status?.v6ip)
        return notReady(
          'Pending',
          `eip ${eipName} is not ready, has no v4ip${eip.spec?.v6ip ? ' or v6ip' : ''}`,
        );
      const gateway = eip.spec?.natGwDp ?? '';
      const fields = ruleStatusFields(kind, rule, v4ip, gateway, v6ip);
      const conflict = ruleConflict(kind, rule, view);
      // The loser is not on the gateway: no labels or EIP annotation (as Kube-OVN, which labels a rule only once
      // it holds its EIP), and no copies of a binding it lost.
      if (conflict) return notReady('Conflict', conflict, lostCopies(rule, fields));
      await bindToEip(deps, kind, rule, eipName, { [LABEL_EIP_V4_IP]: v4ip, [LABEL_NAT_GW_NAME]: gateway });
      const podName = `${workloadName(view, gateway)}-0`;
      const verdict = appliedVerdict(gatewayPod(view, gateway), `${short}/${ctx.ref.name}`, podName);
      const condition = verdictCondition(
        verdict,
        `${short} ${ctx.ref.name} is applied on gateway pod ${podName}`,
      );
      await writeStatus(deps.writer, ctx, rule, { ...fields, ready: verdict.state === 'applied' }, condition);
      return;
    },
  });
}

/** The labels (`eip_v4_ip`, `vpc-nat-gw-name`, a DNAT's `vpc_dnat_eport`) and `vpc_eip` annotation that differ. */
async function bindToEip(
  deps: NetworkDeps,
  kind: RuleKind,
  rule: KubeObject,
  eipName: string,
  eipLabels: Record<string, string>,
): Promise<void> {
  const labels = labelChanges(rule, {
    ...eipLabels,
    ...(kind === 'IptablesDnatRule'
      ? { [LABEL_DNAT_EPORT]: (rule.spec as { externalPort?: string } | undefined)?.externalPort ?? '' }
      : {}),
  });
  if (Object.keys(labels).length) await deps.writer.patchLabels(refOf(rule), labels);
  if (rule.metadata.annotations?.[ANNOTATION_VPC_EIP] !== eipName)
    await deps.writer.patchAnnotations(refOf(rule), { [ANNOTATION_VPC_EIP]: eipName });
}
