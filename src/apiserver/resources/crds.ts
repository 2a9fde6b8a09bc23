/**
 * The CustomResourceDefinitions the server serves: one for each custom kind in its catalog (the kubeovn.io kinds,
 * NetworkAttachmentDefinition, any extra kind), its spec rendered by `crdFor` from the same schema as deploy/crds
 * (one source), with kube-apiserver's defaults (`conversion.strategy: None`) and the status kube-apiserver's
 * naming and establishing controllers write once the names are free: `acceptedNames` = the spec's names,
 * `NamesAccepted` and `Established` True with their reasons and messages, `storedVersions`.
 */
import { crdFor, crdName } from '../../api/crd.ts';
import type { KubeObject, ResourceType } from '../../api/types.ts';
import type { ServedResources } from './served.ts';

/** The kinds that are CRD-backed: every custom (not built-in) resource the catalog serves, in catalog order. */
export function crdBackedTypes(catalog: ServedResources): ResourceType[] {
  return catalog.resources.filter((r) => !r.builtin).map((r) => r.type);
}

/** The conditions of an established CRD whose names were accepted, both last changed at `since`. */
export function establishedConditions(since: string): Record<string, unknown>[] {
  return [
    {
      type: 'NamesAccepted',
      status: 'True',
      lastTransitionTime: since,
      reason: 'NoConflicts',
      message: 'no conflicts found',
    },
    {
      type: 'Established',
      status: 'True',
      lastTransitionTime: since,
      reason: 'InitialNamesAccepted',
      message: 'the initial names have been accepted',
    },
  ];
}

/** The CRD object of `type` as served (without server-set metadata), established since `since` (metav1.Time). */
export function servedCrd(type: ResourceType, since: string): KubeObject {
  const crd = crdFor(type) as KubeObject & { spec: Record<string, unknown> };
  return {
    ...crd,
    metadata: { name: crdName(type) },
    spec: { ...crd.spec, conversion: { strategy: 'None' } },
    status: {
      acceptedNames: structuredClone(crd.spec['names']),
      conditions: establishedConditions(since),
      storedVersions: [type.version],
    },
  };
}

/** When a stored CRD became established (to keep it across restarts); undefined when it has no such condition. */
export function establishedSince(crd: KubeObject): string | undefined {
  const conditions = (crd['status'] as { conditions?: unknown } | undefined)?.conditions;
  if (!Array.isArray(conditions)) return undefined;
  const established = (conditions as Array<{ type?: unknown; lastTransitionTime?: unknown }>).find(
    (c) => c.type === 'Established',
  );
  return typeof established?.lastTransitionTime === 'string' ? established.lastTransitionTime : undefined;
}
