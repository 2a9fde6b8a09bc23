/**
 * Which writes the API takes of the served CustomResourceDefinitions (crds.ts says what they are): those that leave
 * the spec as served, so that `kubectl apply -f deploy/crds/` (which adds its last-applied annotation), `kubectl
 * label` and `kubectl annotate` work and are stored, dry runs included. Refused, with 403 Forbidden: a spec that is
 * not the served one (the first differing field named), owner references (the CRDs cannot be deleted, so an owner's
 * deletion could not collect them), creating a CRD of a kind the server does not serve, deleting one of a kind it
 * serves (the start-time sync deletes those of kinds no longer served), and deletecollection. Before the comparison
 * the spec gets kube-apiserver's CRD defaults (`conversion.strategy: None`, `names.singular`, `names.listKind`), and
 * an update keeps the stored status, as kube-apiserver's CRD strategy does (the status has its own subresource there).
 */
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../api/types.ts';
import { crdBackedTypes, servedCrd } from './crds.ts';
import type { OwnedWrite, ServedResources, ServerOwned } from './served.ts';
import { crdName } from '../../api/crd.ts';

export const crdsReadOnly =
  "this server's CustomResourceDefinitions are read-only: they describe the kinds it serves and are generated from kovn's schemas (as deploy/crds is)";

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** kube-apiserver's defaults for a CRD spec (apiextensions v1 SetDefaults_CustomResourceDefinitionSpec). */
export function defaultCrdSpec(object: KubeObject): void {
  const spec = object['spec'];
  if (!isRecord(spec)) return;
  spec['conversion'] ??= { strategy: 'None' };
  const names = spec['names'];
  if (!isRecord(names) || typeof names['kind'] !== 'string' || !names['kind']) return;
  if (!names['singular']) names['singular'] = names['kind'].toLowerCase();
  if (!names['listKind']) names['listKind'] = `${names['kind']}List`;
}

/** An update of a CRD keeps its status (the server's, written by the start-time sync through the status path). */
export function prepareCrdUpdate(object: KubeObject, old: KubeObject): void {
  defaultCrdSpec(object);
  if (old['status'] === undefined) delete object['status'];
  else object['status'] = structuredClone(old['status']);
}

/** The first place where `a` and `b` differ, as a field path (`spec.names.shortNames[1]`); undefined when equal. */
export function firstDifference(a: unknown, b: unknown, path: string): string | undefined {
  if (isDeepStrictEqual(a, b)) return undefined;
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (let i = 0; i < a.length; i++) {
      const found = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (found) return found;
    }
  }
  if (isRecord(a) && isRecord(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const found = firstDifference(a[key], b[key], `${path}.${key}`);
      if (found) return found;
    }
  }
  return path;
}

/** The served spec of the CRD named `name`; undefined when the server serves no kind of that name. */
function servedSpec(catalog: ServedResources, name: string): unknown {
  const type = crdBackedTypes(catalog).find((t) => crdName(t) === name);
  return type ? servedCrd(type, '')['spec'] : undefined;
}

function refusal(write: OwnedWrite, catalog: ServedResources): string | undefined {
  const served = servedSpec(catalog, write.name);
  if (write.verb === 'deletecollection') return crdsReadOnly;
  if (write.verb === 'delete') return served === undefined ? undefined : crdsReadOnly;
  if (served === undefined) return crdsReadOnly;
  const object = write.object;
  const changed = firstDifference(object?.['spec'], served, 'spec');
  if (changed) return `${crdsReadOnly}; only their metadata may change, and this request changes ${changed}`;
  if (object?.metadata.ownerReferences?.length)
    return `${crdsReadOnly}; they cannot be deleted, so they take no metadata.ownerReferences`;
  return undefined;
}

export const crdOwnership: ServerOwned = {
  verbs: ['get', 'list', 'patch', 'update', 'watch'],
  refusal,
};
