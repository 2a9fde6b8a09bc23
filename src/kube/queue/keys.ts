/**
 * Work-queue keys: `Kind/namespace/name` for namespaced objects, `Kind/name` for cluster-scoped ones. Names and
 * namespaces cannot contain `/`, so the number of segments tells the two apart.
 */
import type { KubeObject } from '../../api/types.ts';

export interface ObjectRef {
  kind: string;
  name: string;
  namespace?: string;
}

export function keyOf(kind: string, name: string, namespace?: string): string {
  return namespace === undefined || namespace === '' ? `${kind}/${name}` : `${kind}/${namespace}/${name}`;
}

export function keyForObject(obj: KubeObject, kind = obj.kind): string {
  return keyOf(kind, obj.metadata.name ?? '', obj.metadata.namespace);
}

export function parseKey(key: string): ObjectRef {
  const parts = key.split('/');
  if (parts.some((p) => p === '')) throw new Error(`malformed work-queue key ${JSON.stringify(key)}`);
  if (parts.length === 2) return { kind: parts[0]!, name: parts[1]! };
  if (parts.length === 3) return { kind: parts[0]!, namespace: parts[1]!, name: parts[2]! };
  throw new Error(`malformed work-queue key ${JSON.stringify(key)}: want Kind/name or Kind/namespace/name`);
}
