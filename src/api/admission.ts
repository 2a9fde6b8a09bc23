/**
 * The admission pipeline shared by the API server (on every write), the controller (at reconcile time) and
 * `kovn validate` (offline): defaults, then the structural schema of our kinds, then the kind's rules.
 * It never changes its input, and answers either the object to store or the issues and the ready-made message.
 */
import { admissionFor, kubeovnTypeOf } from './registry.ts';
import { applySchema } from './schema/structural.ts';
import { formatRejection, rejectionReason } from './issues.ts';
import type { AdmissionRequest, FieldIssue, KubeObject, RejectionReason } from './types.ts';

export type AdmissionOutcome =
  | { allowed: true; object?: KubeObject; unknownFields: string[] }
  | { allowed: false; reason: RejectionReason; issues: FieldIssue[]; message: string };

export interface AdmitOptions {
  /** Reject fields the schema does not declare (kubectl's default `--validate=strict`) instead of pruning them. */
  strictFields?: boolean;
}

export function admit(request: AdmissionRequest, options: AdmitOptions = {}): AdmissionOutcome {
  const subject = request.object ?? request.oldObject;
  if (!subject) throw new Error('admission request without an object');
  const admission = admissionFor(subject.kind);
  const type = kubeovnTypeOf(subject.kind);
  const group = type ? `${subject.kind}.${type.group}` : subject.kind;
  const name = subject.metadata.name ?? subject.metadata.generateName ?? '';
  let object = request.object;
  let unknownFields: string[] = [];
  const issues: FieldIssue[] = [];
  const strict: FieldIssue[] = [];
  if (object && type && object.kind === type.kind) {
    const structural = applySchema(type.schema, object);
    issues.push(...structural.issues);
    unknownFields = structural.unknown;
    if (options.strictFields) {
      for (const field of unknownFields)
        strict.push({ field, type: 'FieldValueNotSupported', message: `unknown field "${field}"` });
    }
    object = structural.value as KubeObject;
  }
  if (object && admission?.default && issues.length === 0) object = admission.default(object, request.view);
  if (admission && issues.length === 0) {
    issues.push(...admission.validate({ ...request, ...(object ? { object } : {}) }));
  }
  // Type errors stop before the kind's rules (they would read wrong types); unknown fields do not.
  issues.unshift(...strict);
  if (issues.length) {
    return {
      allowed: false,
      reason: rejectionReason(issues),
      issues,
      message: formatRejection(group, name, issues),
    };
  }
  return { allowed: true, ...(object ? { object } : {}), unknownFields };
}
