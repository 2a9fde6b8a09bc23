/**
 * Why an ACL dropped a traced packet: the ACL behind the logical flow (ovn-northd writes an ACL of priority P as a
 * flow of priority P + 1000 in `ls_in_acl`/`ls_out_acl`, its match wrapped as `reg0[N] == 1 && (<match>)` on a switch
 * with stateful ACLs, and its drop as a `/* drop *\/` comment that ovn-trace does not print), the Subnet field it came
 * from (`spec.private`, `spec.allowSubnets[i]`, `spec.acls[i]`, by the same desired-ACL code the controller runs:
 * controller/nb/subnet-acls.ts) and what to change. Pure.
 */
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import { subnetAclEntries } from '../../controller/nb/subnet-acls.ts';
import { blockCidrs } from '../../net/cidr-block.ts';
import { cidrContains, parseIp } from '../../net/ip.ts';

/** ovn-northd's offset between an ACL's priority and its logical flow's (northd.c OVN_ACL_PRI_OFFSET). */
export const ACL_FLOW_PRIORITY_OFFSET = 1000;

/** The ACL evaluation stages of a switch (`ls_in_acl`, `ls_out_acl`, `ls_in_acl_after_lb`; `_eval` in newer OVN). */
export const isAclStage = (stage: string): boolean => /^ls_(in|out)_acl(_after_lb)?(_eval)?$/.test(stage);

/** Does the flow end the packet (no `next;`, no output, no recirculation): a drop whose action is a comment? */
export const endsPacket = (actions: readonly string[]): boolean =>
  !actions.some((a) => /\bnext;|\boutput;|\bct_next\b|\bct_lb|\breject\b/.test(a));

export interface AclHit {
  direction: 'from-lport' | 'to-lport';
  priority: number;
  match: string;
}

/** The ACL a flow of an ACL stage was made from: its priority and its own match (the stateful wrapper removed). */
export function aclOfFlow(stage: string, flowMatch: string, flowPriority: number): AclHit {
  const wrapped = /^reg0\[\d+\] == 1 && \((.*)\)$/.exec(flowMatch);
  return {
    direction: stage.startsWith('ls_in_') ? 'from-lport' : 'to-lport',
    priority: flowPriority - ACL_FLOW_PRIORITY_OFFSET,
    match: wrapped ? wrapped[1]! : flowMatch,
  };
}

/** The traced packet's addresses. */
export interface TracedPacket {
  source: string;
  dest: string;
}

/** The end of the packet outside the subnet: its source when it was going into the subnet, else its destination. */
function otherEnd(subnet: Subnet | undefined, packet: TracedPacket): string {
  const dest = parseIp(packet.dest);
  const inside = dest && (blockCidrs(subnet?.spec?.cidrBlock) ?? []).some((c) => cidrContains(c, dest));
  return inside ? packet.source : packet.dest;
}

/**
 * The lines that explain an ACL drop on switch `ls`; `subnet` is the Subnet of that name, if any. Of the Subnet's
 * entries with this identity the last is the one programmed, as in the controller.
 */
export function explainAclDrop(
  hit: AclHit,
  ls: string,
  subnet: Subnet | undefined,
  packet: TracedPacket,
): string[] {
  const acl = `ACL ${hit.direction} priority ${hit.priority} "${hit.match}" on switch ${ls}`;
  const entry = subnet
    ? subnetAclEntries(subnet, '').findLast(
        (e) => e.direction === hit.direction && e.priority === hit.priority && e.match === hit.match,
      )
    : undefined;
  if (!entry) return [`why:       dropped by ${acl} (not from a Subnet spec)`];
  const lines = [`why:       dropped by ${acl} <- ${entry.field} of Subnet ${ls}`];
  if (entry.field === 'spec.private') {
    const allowed = subnet?.spec?.allowSubnets ?? [];
    lines.push(
      `           a private subnet is reached only from its own CIDR, the node network and spec.allowSubnets ` +
        `(${allowed.length ? allowed.join(', ') : 'none'})`,
      `fix:       add a CIDR holding ${otherEnd(subnet, packet)} to spec.allowSubnets of Subnet ${ls}, ` +
        `or set spec.private: false`,
    );
  } else {
    lines.push(`fix:       change or remove ${entry.field} of Subnet ${ls}`);
  }
  return lines;
}
