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
import type { KubeObject } from '../../../api/types.ts';
import { keyOf } from '../../queue/keys.ts';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../../reconciler.ts';
import { ensureFinalizer, refOf } from '../writer.ts';
import { appliedVerdict } from './applied.ts';
import {
  ANNOTATION_NAT_APPLIED,
  ANNOTATION_VPC_EIP,
  LABEL_DNAT_EPORT,
  SHORT_KIND,
  eipNameOf,
  gatewayOfPod,
  gatewayPod,
  workloadName,
  type RuleKind,
} from './names.ts';
import {
  labelChanges,
  ruleConflict,
  ruleStatusFields,
  sameIdentity,
  verdictCondition,
} from './rule-status.ts';
import { readyCondition, writeStatus } from './status.ts';
import type { NetworkDeps } from '../deps.ts';

const keysOf = (kind: RuleKind, rules: readonly KubeObject[]): string[] =>
  rules.map((r) => keyOf(kind, r.metadata.name ?? ''));

export function ruleReconciler(deps: NetworkDeps, kind: RuleKind): Reconciler {
  const short = SHORT_KIND[kind];
  return {
    kind,
    watches: [
      {
        kind: 'IptablesEIP',
        map: (eip, view) =>
          keysOf(
            kind,
            view.list(kind).filter((r) => eipNameOf(r) === eip.metadata.name),
          ),
      },
      {
        kind: 'Pod',
        map: (pod, view) => {
          const gw = gatewayOfPod(pod);
          if (!gw) return [];
          const eips = new Set(
            view
              .list('IptablesEIP')
              .filter((e) => (e as IptablesEip).spec?.natGwDp === gw)
              .map((e) => e.metadata.name ?? ''),
          );
          return keysOf(
            kind,
            view.list(kind).filter((r) => eips.has(eipNameOf(r))),
          );
        },
        changed: (pod, old) =>
          pod.metadata.annotations?.[ANNOTATION_NAT_APPLIED] !==
          old.metadata.annotations?.[ANNOTATION_NAT_APPLIED],
      },
      // A rule's rivals (same identity) decide its conflict: they are looked at again when it changes or goes.
      {
        kind,
        map: (rule, view) =>
          keysOf(
            kind,
            view
              .list(kind)
              .filter((r) => r.metadata.name !== rule.metadata.name && sameIdentity(kind, r, rule)),
          ),
      },
    ],
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
