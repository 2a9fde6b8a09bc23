/**
 * The `kubectl.kubernetes.io/last-applied-configuration` annotation, computed as kubectl's
 * GetModifiedConfiguration does: the manifest with that annotation removed (an `annotations: {}` left in its
 * place), encoded as Go JSON plus a newline; the annotated object is what create sends and the patch aims at. Pure.
 */
import type { KubeObject } from '../../api/types.ts';
import { goJson } from './go-json.ts';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export interface ModifiedConfiguration {
  /** The annotation's value. */
  annotation: string;
  /** The manifest carrying that annotation. */
  object: KubeObject;
}

export function modifiedConfiguration(manifest: KubeObject): ModifiedConfiguration {
  const plain = structuredClone(manifest);
  const annotations = { ...(plain.metadata.annotations ?? {}) };
  delete annotations[LAST_APPLIED];
  plain.metadata.annotations = annotations;
  const annotation = `${goJson(plain)}\n`;
  const object = structuredClone(plain);
  object.metadata.annotations = { ...annotations, [LAST_APPLIED]: annotation };
  return { annotation, object };
}

/** The last-applied configuration stored on a live object, if it has a readable one. */
export function lastApplied(live: KubeObject): KubeObject | undefined {
  const text = live.metadata.annotations?.[LAST_APPLIED];
  if (!text) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as KubeObject)
      : undefined;
  } catch {
    return undefined;
  }
}
