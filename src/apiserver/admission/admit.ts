/**
 * The admission chain for one write, in kube-apiserver's order: structural pruning of unknown fields
 * (reported per fieldValidation: Strict rejects, Warn warns, Ignore drops silently), the kind's defaulting, schema
 * and ObjectMeta validation, then the kind's own validation with a read-only ClusterView. Rejections become
 * Invalid/Conflict/Forbidden Status errors naming the field.
 */
import type { ClusterView, FieldIssue, KubeObject, Operation } from '../../api/types.ts';
import type { ServedResource } from '../resources/served.ts';
import { ApiError, badRequest, internal, rejection } from '../status.ts';
import { nameRuleFor, validateMeta } from './meta.ts';
import { applySchema } from '../../api/schema/structural.ts';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface AdmitRequest {
  resource: ServedResource;
  operation: Operation;
  object?: KubeObject;
  oldObject?: KubeObject;
  view: ClusterView;
  fieldValidation: FieldValidation;
  /** Status writes and finalizer removal run schema checks only (no defaulting or kind rules). */
  schemaOnly?: boolean;
}

export interface Admitted {
  object: KubeObject | undefined;
  warnings: string[];
}

function qualified(resource: ServedResource): { group: string; resource: string; kind: string } {
  return { group: resource.type.group, resource: resource.type.plural, kind: resource.type.kind };
}

function runValidate(request: AdmitRequest, object: KubeObject | undefined): FieldIssue[] {
  const admission = request.resource.admission;
  if (!admission) return [];
  try {
    const req: Parameters<typeof admission.validate>[0] = {
      operation: request.operation,
      view: request.view,
    };
    if (object) req.object = object;
    if (request.oldObject) req.oldObject = request.oldObject;
    return admission.validate(req);
  } catch (error) {
    throw internal(
      `validating ${request.resource.type.kind}: ${error instanceof Error ? error.message : String(error)}`,
      error,
    );
  }
}

export function admit(request: AdmitRequest): Admitted {
  const { resource } = request;
  const name = request.object?.metadata.name ?? request.oldObject?.metadata.name ?? '';
  if (request.operation === 'DELETE') {
    const issues = request.schemaOnly ? [] : runValidate(request, undefined);
    if (issues.length) throw rejection(qualified(resource), name, issues);
    return { object: undefined, warnings: [] };
  }
  const input = request.object;
  if (!input) throw badRequest('no object to admit');
  const warnings: string[] = [];
  const first = applySchema(resource.type.schema, input);
  if (first.unknown.length) {
    const unknown = first.unknown.map((f) => `unknown field "${f}"`);
    if (request.fieldValidation === 'Strict') {
      throw new ApiError(
        400,
        'BadRequest',
        `${resource.type.kind} in version "${resource.type.version}" cannot be handled as a ${resource.type.kind}: strict decoding error: ${unknown.join(', ')}`,
        {
          causes: first.unknown.map((f) => ({
            reason: 'FieldValueInvalid',
            message: `unknown field "${f}"`,
            field: f,
          })),
        },
      );
    }
    if (request.fieldValidation === 'Warn') warnings.push(...unknown);
  }
  // Type errors first (as admit() in src/api does): defaulting must never see a value of the wrong type.
  if (first.issues.length) throw rejection(qualified(resource), name, first.issues);
  let object = first.value as KubeObject;
  if (!request.schemaOnly && resource.admission?.default) {
    try {
      object = resource.admission.default(object, request.view);
    } catch (error) {
      throw internal(
        `defaulting ${resource.type.kind}: ${error instanceof Error ? error.message : String(error)}`,
        error,
      );
    }
  }
  const second = applySchema(resource.type.schema, object);
  object = second.value as KubeObject;
  const structural = [
    ...second.issues,
    ...validateMeta(object, nameRuleFor(resource.type.kind, resource.type.group)),
  ];
  if (structural.length) throw rejection(qualified(resource), name, structural);
  if (!request.schemaOnly) {
    const issues = runValidate(request, object);
    if (issues.length) throw rejection(qualified(resource), name, issues);
  }
  return { object, warnings };
}
