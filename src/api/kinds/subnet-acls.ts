/**
 * A Subnet's `spec.acls` (Kube-OVN's `{direction, priority, match, action}`, written as OVN ACL rows on the subnet's
 * switch: pkg/ovs/ovn-nb-acl.go UpdateLogicalSwitchACL) and the ACL vocabulary the controller shares: directions,
 * actions and the priority range of OVN's ACL table (ovn-nb.ovsschema 7.0.0). Kube-OVN's webhook checks none of these;
 * its controller fails the whole subnet (`SetLogicalSwitchAclsFailed`) when ovsdb-server refuses a row, and ovn-northd
 * silently skips an ACL whose match it cannot parse. kovn refuses each such entry with a 422 naming its field instead
 * (ADR 2: accepting it would leave the subnet's ACLs silently missing), the match checked by the OVN match parser.
 * Two entries with the same direction, priority and match are one ACL: the later is programmed, with a warning. Pure.
 */
import { invalid, notSupported, required, warning } from '../issues.ts';
import { matchError } from '../ovn-match/parser.ts';
import type { FieldIssue } from '../types.ts';
import type { SubnetSpec } from './subnet-schema.ts';

export const ACL_DIRECTIONS = ['from-lport', 'to-lport'] as const;
export const ACL_ACTIONS = ['allow', 'allow-related', 'allow-stateless', 'drop', 'reject'] as const;
/** OVN's ACL `priority` column: an integer in [0, 32767]. */
export const ACL_PRIORITY_MAX = 32767;

export type AclDirection = (typeof ACL_DIRECTIONS)[number];
export type AclAction = (typeof ACL_ACTIONS)[number];
export type SubnetAclSpec = NonNullable<SubnetSpec['acls']>[number];

const oneOf = <T extends string>(list: readonly T[], value: string | undefined): value is T =>
  value !== undefined && (list as readonly string[]).includes(value);

export const isAclDirection = (value: string | undefined): value is AclDirection =>
  oneOf(ACL_DIRECTIONS, value);
export const isAclAction = (value: string | undefined): value is AclAction => oneOf(ACL_ACTIONS, value);

function entryIssues(acl: SubnetAclSpec, at: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!acl.direction) issues.push(required(`${at}.direction`, `one of ${ACL_DIRECTIONS.join(', ')}`));
  else if (!isAclDirection(acl.direction))
    issues.push(notSupported(`${at}.direction`, acl.direction, ACL_DIRECTIONS));
  const priority = acl.priority ?? 0;
  if (!Number.isInteger(priority) || priority < 0 || priority > ACL_PRIORITY_MAX) {
    issues.push(
      invalid(`${at}.priority`, priority, `must be an integer from 0 to ${ACL_PRIORITY_MAX} (OVN's range)`),
    );
  }
  if (!acl.action) issues.push(required(`${at}.action`, `one of ${ACL_ACTIONS.join(', ')}`));
  else if (!isAclAction(acl.action)) issues.push(notSupported(`${at}.action`, acl.action, ACL_ACTIONS));
  const why = matchError(acl.match ?? '');
  if (why) issues.push(invalid(`${at}.match`, acl.match ?? '', `not a valid OVN match: ${why}`));
  return issues;
}

/** The identity of an entry among the subnet's ACLs (as the controller's: controller/nb/model.ts identityOf). */
const aclEntryKey = (acl: SubnetAclSpec): string =>
  `${acl.direction ?? ''}|${acl.priority ?? 0}|${acl.match ?? ''}`;

export function validateSubnetAcls(acls: readonly SubnetAclSpec[] | undefined): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const seen = new Map<string, number>();
  (acls ?? []).forEach((acl, i) => {
    const at = `spec.acls[${i}]`;
    issues.push(...entryIssues(acl, at));
    const first = seen.get(aclEntryKey(acl));
    if (first !== undefined) {
      issues.push(
        warning(
          `${at}.match`,
          `same direction, priority and match as spec.acls[${first}]: one OVN ACL, programmed from this later entry`,
        ),
      );
    }
    seen.set(aclEntryKey(acl), i);
  });
  return issues;
}
