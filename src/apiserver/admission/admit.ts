/**
 * Admission for one write, as the API server runs it: the shared pipeline (src/api/admission.ts: schema, defaults,
 * ObjectMeta, the kind's rules against a read-only ClusterView), plus only what is HTTP's: unknown fields per
 * fieldValidation (Strict refuses with 400 as strict decoding does, Warn answers a warning header, Ignore drops
 * them silently), the rules' warnings as Warning headers (on an accepted write and on a refused one, as
 * kube-apiserver sends them), a rejection as an Invalid (422) or Forbidden (403) Status with causes, and an exception
 * inside a kind's code as a 500.
 */
import { admit as admitShared, type AdmissionOutcome } from '../../api/admission.ts';
import { formatWarning, unknownField } from '../../api/issues.ts';
import type { ClusterView, KubeObject, Operation } from '../../api/types.ts';
import type { ServedResource } from '../resources/served.ts';
import { ApiError, badRequest, internal, rejection } from '../status.ts';

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

function run(request: AdmitRequest): AdmissionOutcome {
  const { resource, operation, object, oldObject, view } = request;
  try {
    return admitShared(
      { operation, view, ...(object ? { object } : {}), ...(oldObject ? { oldObject } : {}) },
      { resource, ...(request.schemaOnly ? { schemaOnly: true } : {}) },
    );
  } catch (error) {
    throw internal(error instanceof Error ? error.message : String(error), error);
  }
}

/** Unknown fields per fieldValidation: the warnings to send, or a 400 for Strict. */
function unknownFieldWarnings(request: AdmitRequest, fields: readonly string[]): string[] {
  if (!fields.length || request.fieldValidation === 'Ignore') return [];
  const issues = fields.map(unknownField);
  if (request.fieldValidation === 'Warn') return issues.map((i) => i.message);
  const { kind, version } = request.resource.type;
  throw new ApiError(
    400,
    'BadRequest',
    `${kind} in version "${version}" cannot be handled as a ${kind}: strict decoding error: ${issues.map((i) => i.message).join(', ')}`,
    { causes: issues.map((i) => ({ reason: 'FieldValueInvalid', message: i.message, field: i.field })) },
  );
}

export function admit(request: AdmitRequest): Admitted {
  if (request.operation !== 'DELETE' && !request.object) throw badRequest('no object to admit');
  const outcome = run(request);
  const warnings = [
    ...unknownFieldWarnings(request, outcome.unknownFields),
    ...outcome.warnings.map(formatWarning),
  ];
  if (!outcome.allowed) {
    const { group, plural, kind } = request.resource.type;
    const subject = request.object ?? request.oldObject;
    const name = subject?.metadata.name ?? subject?.metadata.generateName ?? '';
    const refused = rejection({ group, resource: plural, kind }, name, outcome.issues);
    refused.warnings = warnings;
    throw refused;
  }
  return { object: outcome.object, warnings };
}
