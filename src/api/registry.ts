/**
 * The kubeovn.io/v1 resource types and their admission, as one list that the API server, the CRD generator,
 * the controller and `kovn validate` all read.
 */
import type { KindAdmission, ResourceType } from './types.ts';

export const kubeovnResourceTypes: readonly ResourceType[] = [];

const admissions = new Map<string, KindAdmission>();

/** Admission for a kind (kubeovn.io kinds, and core kinds with kovn-specific rules such as ConfigMap), if any. */
export function admissionFor(kind: string): KindAdmission | undefined {
  return admissions.get(kind);
}
