/**
 * The IptablesDnatRule, IptablesSnatRule and IptablesFIPRule reconcilers: one shape, the kind as a parameter
 * (§4.8). Absent or deleting: drop the finalizer (the gateway agent rebuilds the gateway's rule set without it; the
 * EIP's `nat` follows through its watch). Otherwise: add the finalizer; the EIP must exist and have an address
 * (else not ready, waiting); a rule that conflicts with an older one is not ready with the reason; label it
 * (`eip_v4_ip`, `vpc-nat-gw-name`, DNAT also `vpc_dnat_eport`) and annotate the bound EIP (`vpc_eip`); write the
 * status: what is programmed (`v4ip`, `natGwDp`, spec copies) and `ready` from the agent's report. A spec change
 * (another EIP, port, address) moves the rule: the statuses, labels and both EIPs follow, and the agent's next rule
 * set has it in its new place.
 */
import { FINALIZER, LABEL_EIP_V4_IP, LABEL_NAT_GW_NAME } from '../../../api/constants.ts';
import type { IptablesEip } from '../../../api/kinds/iptables-eip.ts';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../../../kube/reconciler.ts';
import { ensureFinalizer, refOf } from '../../../kube/writer.ts';
import { appliedVerdict } from './applied.ts';
import {
  ANNOTATION_VPC_EIP,
  LABEL_DNAT_EPORT,
  SHORT_KIND,
  eipNameOf,
  gatewayPod,
  workloadName,
  type RuleKind,
} from './names.ts';
import { labelChanges, ruleConflict, ruleStatusFields, verdictCondition } from './rule-status.ts';
import { readyCondition, writeStatus } from './status.ts';
import { ruleWatches } from './watches.ts';
import type { NetworkDeps } from '../deps.ts';

export function ruleReconciler(deps: NetworkDeps, kind: RuleKind): Reconciler {
  const short = SHORT_KIND[kind];
  return {
    kind,
    watches: ruleWatches(kind),
    async reconcile(_key: string, ctx: ReconcileContext): Promise<ReconcileResult> {
      const view = ctx.view;
      const rule = view.get(kind, ctx.ref.name);
      if (!rule || rule.metadata.deletionTimestamp) {
        if (rule) await ensureFinalizer(deps.writer, rule, FINALIZER, false);
        return;
      }
      await ensureFinalizer(deps.writer, rule, FINALIZER, true);
      const eipName = eipNameOf(rule);
      const eip = view.get('IptablesEIP', eipName) as IptablesEip | undefined;
      if (!eip || eip.metadata.deletionTimestamp) {
        const message = eip ? `eip ${eipName} is being deleted` : `eip ${eipName} does not exist`;
        await writeStatus(
          deps.writer,
          ctx,
          rule,
          { ready: false },
          readyCondition(false, 'EipNotFound', message),
        );
        return;
      }
      const v4ip = eip.status?.ip;
      if (!v4ip) {
        const message = `eip ${eipName} is not ready, has no v4ip`;
        await writeStatus(
          deps.writer,
          ctx,
          rule,
          { ready: false },
          readyCondition(false, 'Pending', message),
        );
        return;
      }
      const gateway = eip.spec?.natGwDp ?? '';
      const labels = labelChanges(rule, {
        [LABEL_EIP_V4_IP]: v4ip,
        [LABEL_NAT_GW_NAME]: gateway,
        ...(kind === 'IptablesDnatRule'
          ? { [LABEL_DNAT_EPORT]: (rule.spec as { externalPort?: string } | undefined)?.externalPort ?? '' }
          : {}),
      });
      if (Object.keys(labels).length) await deps.writer.patchLabels(refOf(rule), labels);
      if (rule.metadata.annotations?.[ANNOTATION_VPC_EIP] !== eipName)
        await deps.writer.patchAnnotations(refOf(rule), { [ANNOTATION_VPC_EIP]: eipName });
      const fields = ruleStatusFields(kind, rule, v4ip, gateway);
      const conflict = ruleConflict(kind, rule, view);
      if (conflict) {
        await writeStatus(
          deps.writer,
          ctx,
          rule,
          { ...fields, ready: false },
          readyCondition(false, 'Conflict', conflict),
        );
        return;
      }
      const podName = `${workloadName(view, gateway)}-0`;
      const verdict = appliedVerdict(gatewayPod(view, gateway), `${short}/${ctx.ref.name}`, podName);
      const condition = verdictCondition(
        verdict,
        `${short} ${ctx.ref.name} is applied on gateway pod ${podName}`,
      );
      await writeStatus(deps.writer, ctx, rule, { ...fields, ready: verdict.state === 'applied' }, condition);
      return;
    },
  };
}
