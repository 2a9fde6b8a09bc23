/**
 * Offline validation of a set of manifests (`kovn validate`): every document goes through the same admission
 * pipeline as the API server (src/api/admission.ts: schema, defaults, ObjectMeta name rules, the kind's rules),
 * against a partial view made of the other documents, so every rule the given files alone can decide is decided
 * (a bad name, two subnets of one VPC overlapping, a subnet's namespaces outside its VPC's, a DNAT port clash...),
 * and rules that need objects absent from the files are skipped. Each problem is one issue, worded as the API
 * server words it inside its rejection (an error), or as its Warning header words it (a warning: the API server
 * accepts the object, including what Kube-OVN's controller, not its webhook, refuses); unknown fields are errors too
 * (kubectl's default is strict).
 */
import { admit } from '../api/admission.ts';
import { admissionFor } from '../api/registry.ts';
import { formatIssue, formatWarning, unknownField } from '../api/issues.ts';
import type { ClusterView, FieldIssue, KubeObject } from '../api/types.ts';
import type { ManifestDocument, ManifestError } from './load.ts';

export interface ValidationProblem {
  file: string;
  line: number;
  object: string;
  message: string;
  /** An error fails `kubectl apply`; a warning is printed by it (`Warning: ...`) and the object is applied. */
  severity: 'error' | 'warning';
}

const keyOf = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

function partialView(objects: readonly KubeObject[], self: KubeObject): ClusterView {
  const others = objects.filter((o) => keyOf(o) !== keyOf(self));
  return {
    partial: true,
    get: (kind, name, namespace) =>
      others.find(
        (o) =>
          o.kind === kind &&
          o.metadata.name === name &&
          (namespace === undefined || (o.metadata.namespace ?? 'default') === namespace),
      ),
    list: (kind, namespace) =>
      others.filter(
        (o) =>
          o.kind === kind && (namespace === undefined || (o.metadata.namespace ?? 'default') === namespace),
      ),
  };
}

export function validateDocuments(
  documents: readonly ManifestDocument[],
  loadErrors: readonly ManifestError[] = [],
): ValidationProblem[] {
  const problems: ValidationProblem[] = loadErrors.map((e) => ({
    file: e.file,
    line: e.line,
    object: `document ${e.index}`,
    message: e.message,
    severity: 'error' as const,
  }));
  // Defaults first, so that rules see what the API server would store (e.g. a Subnet's vpc: ovn-cluster).
  const defaulted = documents.map((doc) => {
    const admission = admissionFor(doc.object.kind);
    const view = partialView([], doc.object);
    try {
      return admission?.default ? admission.default(doc.object, view) : doc.object;
    } catch {
      return doc.object;
    }
  });
  // A later document for the same object is an update of the earlier one, as `kubectl apply` would make it.
  const previous = new Map<string, KubeObject>();
  documents.forEach((doc, i) => {
    const object = defaulted[i]!;
    const label = `${object.kind}/${object.metadata.name ?? object.metadata.generateName ?? ''}`;
    const before = previous.get(keyOf(object));
    previous.set(keyOf(object), object);
    const view = partialView(defaulted, object);
    const request = before
      ? { operation: 'UPDATE' as const, object: doc.object, oldObject: before, view }
      : { operation: 'CREATE' as const, object: doc.object, view };
    const outcome = admit(request);
    // Unknown fields first, as kubectl's default --validate=strict refuses them before anything else.
    const errors = [...outcome.unknownFields.map(unknownField), ...(outcome.allowed ? [] : outcome.issues)];
    const at = (issue: FieldIssue, severity: ValidationProblem['severity'], message: string) =>
      problems.push({ file: doc.file, line: doc.lineOf(issue.field), object: label, message, severity });
    for (const issue of errors) at(issue, 'error', formatIssue(issue));
    for (const issue of outcome.warnings) at(issue, 'warning', formatWarning(issue));
  });
  return problems;
}

/** `file:line Kind/name <issue>`, a warning as kubectl prints one: `file:line Kind/name Warning: <field>: <why>`. */
export const formatProblem = (p: ValidationProblem): string =>
  `${p.file}:${p.line} ${p.object} ${p.severity === 'warning' ? 'Warning: ' : ''}${p.message}`;
