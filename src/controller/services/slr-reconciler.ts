/**
 * SwitchLBRule reconciler (Kube-OVN's pkg/controller/switch_lb_rule.go): the rule -> its headless Service
 * `slr-<name>` (and, for explicit endpoints, its Endpoints) through the applier, then status `ports`/`service`. The
 * Service reconciler turns that Service into load balancers once it has endpoints. Objects labelled for this rule
 * elsewhere (the rule moved to another namespace, or was deleted) and owned by it are removed; owner references let
 * the API server's garbage collector do the same. Keyed by rule; a change to a Service or Endpoints labelled for a
 * rule enqueues the rule (someone deleted or edited it). A write that fails (its namespace does not exist...) is a
 * Warning Event on the rule and is retried.
 */
import type { SwitchLbRule } from '../../api/kinds/switch-lb-rule.ts';
import type { KubeObject } from '../../api/types.ts';
import { keyOf } from '../../kube/queue/keys.ts';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../../kube/reconciler.ts';
import type { NetworkDeps } from '../reconcilers/deps.ts';
import { refOf, statusChanges } from '../../kube/writer.ts';
import type { ObjectApplier } from '../../kube/applier.ts';
import { LABEL_SWITCH_LB_RULE } from '../../api/annotations.ts';
import { slrEndpoints, slrService, slrStatus } from './slr-render.ts';

const ruleOf = (obj: KubeObject): string[] => {
  const rule = obj.metadata.labels?.[LABEL_SWITCH_LB_RULE];
  return rule ? [keyOf('SwitchLBRule', rule)] : [];
};

export function switchLbRuleReconciler(deps: NetworkDeps, applier: ObjectApplier): Reconciler {
  const reported = new Map<string, string>();
  return {
    kind: 'SwitchLBRule',
    watches: [
      { kind: 'Service', map: ruleOf },
      { kind: 'Endpoints', map: ruleOf },
    ],
    async reconcile(_key: string, ctx: ReconcileContext): Promise<ReconcileResult> {
      const name = ctx.ref.name;
      const slr = ctx.view.get('SwitchLBRule', name) as SwitchLbRule | undefined;
      const live = slr && !slr.metadata.deletionTimestamp ? slr : undefined;
      const want = live ? [slrService(live), slrEndpoints(live)].filter((o) => o !== undefined) : [];
      for (const obj of want) {
        const current = ctx.view.get(obj.kind, obj.metadata.name ?? '', obj.metadata.namespace);
        const outcome = await applier.apply(obj, current).catch(async (err: unknown) => {
          // e.g. spec.namespace names a namespace that does not exist: say so on the rule, once per message
          const message = `${obj.kind} ${obj.metadata.namespace}/${obj.metadata.name} not written: ${(err as Error).message}`;
          if (reported.get(name) !== message) {
            reported.set(name, message);
            await deps.writer.event(
              { kind: 'SwitchLBRule', name },
              { type: 'Warning', reason: 'ApplyFailed', message },
            );
          }
          throw err;
        });
        if (outcome !== 'unchanged')
          ctx.log.info(
            { object: `${obj.kind}/${obj.metadata.namespace}/${obj.metadata.name}` },
            `${outcome}`,
          );
      }
      for (const kind of ['Service', 'Endpoints']) {
        for (const obj of ctx.view.list(kind)) {
          if (obj.metadata.labels?.[LABEL_SWITCH_LB_RULE] !== name) continue;
          // Endpoints of a selector-based rule are the endpoints controller's (they copy the Service's labels).
          if (!obj.metadata.ownerReferences?.some((o) => o.kind === 'SwitchLBRule')) continue;
          if (want.some((w) => w.kind === kind && w.metadata.namespace === obj.metadata.namespace)) continue;
          await applier.remove(refOf({ ...obj, kind }));
        }
      }
      reported.delete(name);
      if (!live) return;
      const changes = statusChanges(live, slrStatus(live));
      if (Object.keys(changes).length) await deps.writer.patchStatus(refOf(live), changes);
      return;
    },
  };
}
