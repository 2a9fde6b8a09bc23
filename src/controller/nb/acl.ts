/**
 * OVN ACLs as desired rows, for any owner and parent (ADR 23): each `AclEntry` (direction, priority, match, action,
 * optionally a name and drop logging, extra tags) becomes one ACL row tagged with its owner and with Kube-OVN's
 * `parent=<switch>` key, linked into the parent's `acls` set. The parent is a subnet's switch or a NetworkPolicy's
 * port group (`Port_Group`, network-policy.ts; the diff links each row into its parent's table).
 * An ACL's identity is (parent, direction, priority, match) (model.ts identityOf): a later entry with the same four
 * replaces an earlier one, a changed action, name or log setting updates the row in place, anything else is a new row.
 * The generic diff (diff.ts) turns the rows into operations: it inserts, updates and unlinks exactly the difference
 * (an unlinked ACL is garbage-collected by ovsdb-server, ACL being a non-root table), and sends nothing when converged.
 * Pure.
 */
import type { AclAction, AclDirection } from '../../api/kinds/subnet-acls.ts';
import { ACL_PARENT_KEY, identityOf, type DesiredRow } from './model.ts';
import { ownerTags } from './owner.ts';

/** OVN's limit on `ACL.name`; Kube-OVN shortens longer names to 60 characters and `...` (setACLName). */
const ACL_NAME_MAX = 63;

export interface AclEntry {
  direction: AclDirection;
  priority: number;
  match: string;
  action: AclAction;
  /** `ACL.name` (OVN prints it in logs of logged packets). */
  name?: string;
  /** Log matching packets at severity `warning`, as Kube-OVN logs its default-drop ACLs. */
  log?: boolean;
  /** Extra `external_ids` (Kube-OVN's `subnet=<name>` on a subnet's own `acls` entries). */
  tags?: Readonly<Record<string, string>>;
  /** `ACL.options` (Kube-OVN's `apply-after-lb` on a NetworkPolicy's egress ACLs); absent: left as it is. */
  options?: Readonly<Record<string, string>>;
}

export interface AclParent {
  table: 'Logical_Switch' | 'Port_Group';
  name: string;
}

export const aclName = (name: string): string =>
  name.length > ACL_NAME_MAX ? `${name.slice(0, ACL_NAME_MAX - 3)}...` : name;

/** The desired ACL rows of `owner` on `parent`; of entries with one identity the last one wins. */
export function desiredAcls(owner: string, parent: AclParent, entries: readonly AclEntry[]): DesiredRow[] {
  const rows = new Map<string, DesiredRow>();
  for (const entry of entries) {
    const row: DesiredRow = {
      table: 'ACL',
      parent,
      columns: {
        direction: entry.direction,
        priority: entry.priority,
        match: entry.match,
        action: entry.action,
        name: entry.name ? [aclName(entry.name)] : [],
        log: entry.log ?? false,
        severity: entry.log ? ['warning'] : [],
        external_ids: ownerTags(owner, { ...entry.tags, [ACL_PARENT_KEY]: parent.name }),
        ...(entry.options ? { options: entry.options } : {}),
      },
    };
    const id = identityOf('ACL', row.columns);
    rows.delete(id);
    rows.set(id, row);
  }
  return [...rows.values()];
}
