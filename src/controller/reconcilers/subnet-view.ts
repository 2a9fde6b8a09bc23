/**
 * The view a subnet is validated against at reconcile time. The API server rejects the later of two overlapping
 * subnets; here both already exist, so the cross-subnet rules must not let a newcomer invalidate an accepted subnet.
 * Another subnet counts only if it was accepted (`Validated=True`), or, while it has no verdict yet, if it is older
 * (creationTimestamp, then name). A subnet already refused never counts.
 */
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { ClusterView, KubeObject } from '../../api/types.ts';

type Verdict = 'True' | 'False' | undefined;

function verdict(subnet: KubeObject): Verdict {
  const conditions = (subnet['status'] as { conditions?: { type: string; status: string }[] } | undefined)
    ?.conditions;
  const status = conditions?.find((c) => c.type === 'Validated')?.status;
  return status === 'True' || status === 'False' ? status : undefined;
}

function older(a: KubeObject, b: KubeObject): boolean {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta && tb && ta !== tb) return ta < tb;
  return (a.metadata.name ?? '') < (b.metadata.name ?? '');
}

/** Whether another subnet counts when `subnet` is validated (the subnet itself always does). */
export function countsFor(subnet: Subnet): (other: KubeObject) => boolean {
  return (other) => {
    if (other.metadata.name === subnet.metadata.name) return true;
    const v = verdict(other);
    return v === 'True' || (v === undefined && older(other, subnet));
  };
}

export function validationView(view: ClusterView, subnet: Subnet): ClusterView {
  const counts = countsFor(subnet);
  return {
    get: (kind, name, namespace) => view.get(kind, name, namespace),
    list: (kind, namespace) => {
      const all = view.list(kind, namespace);
      return kind === 'Subnet' ? all.filter(counts) : all;
    },
    ...(view.partial === undefined ? {} : { partial: view.partial }),
  };
}
