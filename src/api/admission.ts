/**
 * The one admission pipeline: the API server runs it on every write, the controller at reconcile time and
 * `kovn validate` offline, so an object gets the same verdict and the same message everywhere. In kube-apiserver's
 * order: the structural schema (a type error stops here: defaulting and rules never see a value of the wrong
 * type; unknown fields are pruned and reported), the kind's defaults and the schema again over what they wrote,
 * ObjectMeta (name format, labels, annotations), a warning for each field kovn accepts but ignores
 * (ignored-fields.ts), then the kind's rules against a read-only ClusterView. It never
 * changes its input and answers the object to store, or the refusing issues with their reason and message
 * (issues.ts); either way with the warnings, the issues that do not refuse (types.ts IssueSeverity): the API server
 * sends them as Warning headers, the controller reports them in conditions, `kovn validate` prints them. The issues
 * Kube-OVN's controller (not its webhook) refuses are warnings here unless the caller is the controller.
 * What becomes of unknown fields (refused, warned about, dropped) is the caller's choice: HTTP's fieldValidation.
 */
import { admissionFor, kubeovnTypeOf } from './registry.ts';
import { applySchema } from './schema/structural.ts';
import { nameRuleFor, validateMeta } from './schema/object-meta.ts';
import { formatRejection, kindGroup, refuses, rejectionReason } from './issues.ts';
import { ignoredFieldWarnings } from './ignored-fields.ts';
import type {
  AdmissionRequest,
  FieldIssue,
  KindAdmission,
  KubeObject,
  RejectionReason,
  ResourceType,
} from './types.ts';

export type AdmissionOutcome =
  | { allowed: true; object?: KubeObject; unknownFields: string[]; warnings: FieldIssue[] }
  | {
      allowed: false;
      reason: RejectionReason;
      issues: FieldIssue[];
      message: string;
      unknownFields: string[];
      warnings: FieldIssue[];
    };

/** A kind's schema (absent: none, e.g. a core kind offline) and its defaulting and rules. A ServedResource fits. */
export interface AdmittedKind {
  type: ResourceType | undefined;
  admission: KindAdmission | undefined;
}

export interface AdmitOptions {
  /** Default: the registry's (the kubeovn.io types, and core kinds with kovn rules such as ConfigMap). */
  resource?: AdmittedKind;
  /** Schema and ObjectMeta only, no defaults and no kind rules (status writes, finalizer removal on delete). */
  schemaOnly?: boolean;
  /** The controller's verdict: issues of severity `controller` refuse too (what Kube-OVN's controller refuses). */
  controller?: boolean;
}

/** An exception inside a kind's defaulting or rules, named by step and kind (the API server answers 500). */
export class AdmissionFailure extends Error {
  constructor(step: 'defaulting' | 'validating', kind: string, cause: unknown) {
    super(`${step} ${kind}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'AdmissionFailure';
  }
}

const registered = (kind: string): AdmittedKind => ({
  type: kubeovnTypeOf(kind),
  admission: admissionFor(kind),
});
const groupOfApiVersion = (apiVersion: string | undefined): string =>
  apiVersion?.includes('/') ? (apiVersion.split('/')[0] ?? '') : '';

function guarded<T>(step: 'defaulting' | 'validating', kind: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw new AdmissionFailure(step, kind, error);
  }
}

export function admit(request: AdmissionRequest, options: AdmitOptions = {}): AdmissionOutcome {
  const subject = request.object ?? request.oldObject;
  if (!subject) throw new Error('admission request without an object');
  const { kind } = subject;
  const { type, admission } = options.resource ?? registered(kind);
  const group = type ? type.group : groupOfApiVersion(subject.apiVersion);
  const name = subject.metadata.name ?? subject.metadata.generateName ?? '';
  let unknownFields: string[] = [];
  let warnings: FieldIssue[] = [];
  const reject = (issues: FieldIssue[]): AdmissionOutcome => ({
    allowed: false,
    reason: rejectionReason(issues),
    issues,
    message: formatRejection(kindGroup(kind, group), name, issues),
    unknownFields,
    warnings,
  });

  let object = request.object;
  if (object) {
    const first = type ? applySchema(type.schema, object) : undefined;
    if (first) {
      unknownFields = first.unknown;
      if (first.issues.length) return reject(first.issues);
      object = first.value as KubeObject;
    }
    const structural: FieldIssue[] = [];
    const defaults = options.schemaOnly ? undefined : admission?.default?.bind(admission);
    if (defaults) {
      const view = request.view;
      const input = object;
      object = guarded('defaulting', kind, () => defaults(input, view));
      if (type) {
        const second = applySchema(type.schema, object);
        structural.push(...second.issues);
        object = second.value as KubeObject;
      }
    }
    structural.push(...validateMeta(object, nameRuleFor(kind, group)));
    if (structural.length) return reject(structural);
    // The kubeovn.io fields kovn accepts but does not implement, where set (ignored-fields.ts).
    if (!options.schemaOnly && type) warnings = ignoredFieldWarnings(object);
  }
  if (!options.schemaOnly && admission) {
    const checked: AdmissionRequest = { ...request, ...(object ? { object } : {}) };
    const found = guarded('validating', kind, () => admission.validate(checked));
    const refusing = found.filter((i) => refuses(i, options.controller));
    warnings = [...warnings, ...found.filter((i) => !refuses(i, options.controller))];
    if (refusing.length) return reject(refusing);
  }
  return { allowed: true, ...(object ? { object } : {}), unknownFields, warnings };
}
