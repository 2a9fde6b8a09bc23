/**
 * What a Subnet reports in `status.conditions` and Events, in Kube-OVN's vocabulary (pkg/controller/subnet.go
 * `handleAddOrUpdateSubnet`, subnet_status.go `patchSubnetStatus`, pkg/apis/kubeovn/v1/subnet.go): condition types
 * `Validated`, `Ready` and `Error`; a refused spec is `ValidateLogicalSwitchFailed` on all three (Error True) with a
 * Warning event; a programmed subnet ends with Validated and Ready True, reason `ResetLogicalSwitchAclSuccess`
 * (`SetPrivateLogicalSwitchSuccess` for a `private` one, `SetNonOvnSubnetSuccess` for an IPAM-only subnet), with
 * Normal events. Deliberate differences (ADR 19): no
 * placeholder `Error: Unknown, Init, "Not Observed"` (EnsureStandardConditions) on a subnet that never failed; a
 * recovered subnet's Error is cleared (False, `NoError`, "No error seen", Kube-OVN's ClearError) instead of staying
 * True; kovn's own waits (VPC router, NB conflict, blocked deletion) are reported as conditions; events are
 * recorded when the conditions change, not on every reconcile. Pure.
 */
import type { EventRecord } from '../../kube/writer.ts';
import type { Condition, ConditionInput } from './conditions.ts';

export const VALIDATE_SUCCESS = 'ValidateLogicalSwitchSuccess';
export const VALIDATE_FAILED = 'ValidateLogicalSwitchFailed';
/** The last step of a programmed OVN subnet that is not `private` (ACLs reset). */
export const READY_OVN = 'ResetLogicalSwitchAclSuccess';
export const READY_NON_OVN = 'SetNonOvnSubnetSuccess';
/** The last step of a programmed `private` subnet (its ACLs set). */
export const READY_PRIVATE = 'SetPrivateLogicalSwitchSuccess';

/** Conditions and the events recorded when they change. */
export interface SubnetReport {
  conditions: ConditionInput[];
  events: EventRecord[];
}

const condition = (
  type: string,
  status: Condition['status'],
  reason: string,
  message = '',
): ConditionInput => ({ type, status, reason, message });

/** A spec that cannot be programmed (admission rules, or a cidrBlock IPAM cannot use). */
export function invalidReport(message: string): SubnetReport {
  return {
    conditions: [
      condition('Error', 'True', VALIDATE_FAILED, message),
      condition('Validated', 'False', VALIDATE_FAILED, message),
      condition('Ready', 'False', VALIDATE_FAILED, message),
    ],
    events: [{ type: 'Warning', reason: VALIDATE_FAILED, message }],
  };
}

/** The Error condition after a success: cleared if it says True, else left as it is (or absent). */
function errorAfterSuccess(current: readonly Condition[] | undefined): ConditionInput[] {
  const error = current?.find((c) => c.type === 'Error');
  return error?.status === 'True' ? [condition('Error', 'False', 'NoError', 'No error seen')] : [];
}

/** A subnet whose switch (or, for a non-OVN provider, whose IPAM) is in place; `isPrivate`: `spec.private`. */
export function readyReport(
  current: readonly Condition[] | undefined,
  ovn: boolean,
  isPrivate = false,
): SubnetReport {
  const reason = !ovn ? READY_NON_OVN : isPrivate ? READY_PRIVATE : READY_OVN;
  return {
    conditions: [
      condition('Validated', 'True', reason),
      condition('Ready', 'True', reason),
      ...errorAfterSuccess(current),
    ],
    events: [
      { type: 'Normal', reason: VALIDATE_SUCCESS, message: '' },
      { type: 'Normal', reason, message: '' },
    ],
  };
}

/** Valid, but its VPC's router is not there yet (Kube-OVN's error text; Kube-OVN writes no condition for it). */
export function waitingForVpcReport(vpc: string): SubnetReport {
  return {
    conditions: [
      condition('Validated', 'True', VALIDATE_SUCCESS),
      condition('Ready', 'False', 'WaitingForVpc', `the vpc '${vpc}' not standby yet`),
    ],
    events: [{ type: 'Normal', reason: VALIDATE_SUCCESS, message: '' }],
  };
}

/** Valid, but a row kovn does not own holds one of its NB names. */
export function nbConflictReport(message: string): SubnetReport {
  return {
    conditions: [
      condition('Validated', 'True', VALIDATE_SUCCESS),
      condition('Ready', 'False', 'NbConflict', message),
      condition('Error', 'True', 'NbConflict', message),
    ],
    events: [{ type: 'Warning', reason: 'NbConflict', message }],
  };
}

/** Deleting, but addresses are still in use (the condition only: the count changes with every release). */
export function deleteBlockedReport(message: string): SubnetReport {
  return { conditions: [condition('Ready', 'False', 'DeleteBlocked', message)], events: [] };
}
