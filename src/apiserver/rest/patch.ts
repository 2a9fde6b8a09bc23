/**
 * PATCH: JSON patch, merge patch, strategic merge patch (built-in kinds; a merge patch for custom resources,
 * which declare no patch strategies) and a simplified server-side apply (create if absent, otherwise merge the
 * applied configuration into the live object; no field ownership: see ADR 0004). The patched object then goes
 * through the same update path as PUT.
 */
import type { KubeObject } from '../../api/types.ts';
import { maxNestingDepth, valueNesting } from '../nesting.ts';
import { applyJsonPatch, isObject, mergePatch, patchTypes, strategicMerge } from '../patch.ts';
import type { ServedResource } from '../resources/served.ts';
import { badRequest, unsupportedMediaType } from '../status.ts';
import type { Core } from './core.ts';
import { getObject } from './read.ts';
import { applyUpdate, checkTypeMeta, create, type UpdateOptions, type WriteResult } from './write.ts';

export interface PatchOptions extends UpdateOptions {
  fieldManager?: string | undefined;
  force?: boolean;
}

export const acceptedPatchTypes = [
  patchTypes.json,
  patchTypes.merge,
  patchTypes.strategic,
  patchTypes.apply,
] as const;

function patched(r: ServedResource, current: KubeObject, contentType: string, patch: unknown): unknown {
  switch (contentType) {
    case patchTypes.json:
      return applyJsonPatch(current, patch);
    case patchTypes.merge:
      if (!isObject(patch)) throw badRequest('a merge patch must be a JSON object');
      return mergePatch(current, patch);
    case patchTypes.strategic:
      if (!isObject(patch)) throw badRequest('a strategic merge patch must be a JSON object');
      return r.builtin ? strategicMerge(current, patch, '', r.mergeKeys) : mergePatch(current, patch);
    case patchTypes.apply:
      if (!isObject(patch)) throw badRequest('an apply patch must be an object');
      return strategicMerge(current, patch, '', r.mergeKeys);
    default:
      throw unsupportedMediaType(contentType, acceptedPatchTypes);
  }
}

export function patchObject(
  core: Core,
  r: ServedResource,
  namespace: string,
  name: string,
  contentType: string,
  patch: unknown,
  options: PatchOptions,
): WriteResult {
  if (contentType === patchTypes.apply) {
    if (!options.fieldManager) throw badRequest('PATCH requests of type apply must specify fieldManager');
    if (!core.get(r, namespace, name)) {
      if (options.subresource === 'status') getObject(core, r, namespace, name);
      const object = checkTypeMeta(r, patch);
      if (object.metadata.name !== undefined && object.metadata.name !== name) {
        throw badRequest(
          `the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`,
        );
      }
      object.metadata.name = name;
      return create(core, r, namespace, object, options);
    }
  }
  const old = getObject(core, r, namespace, name);
  const result = patched(r, structuredClone(old), contentType, patch);
  // A JSON patch can add a deep value at a deep path: the result may nest deeper than any body may.
  if (valueNesting(result, maxNestingDepth))
    throw badRequest(
      `the patched object would be nested deeper than ${maxNestingDepth} levels of objects and arrays`,
    );
  const candidate = checkTypeMeta(r, result);
  if (candidate.metadata.name !== name)
    throw badRequest(
      `the name of the object (${String(candidate.metadata.name)}) does not match the name on the URL (${name})`,
    );
  if (r.type.namespaced && candidate.metadata.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  return applyUpdate(core, r, old, candidate, options);
}
