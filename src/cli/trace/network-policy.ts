/**
 * Why a NetworkPolicy's ACL dropped a traced packet: the ACL's match names the policy's port group (`outport ==
 * @<pg>` for ingress, `inport == @<pg>` for egress, controller/nb/network-policy-match.ts), the port group's owner
 * tag names the policy (`kovn-owner=np/<namespace>/<name>`), and the fix is a rule that allows the traffic. Pure.
 */
import type { AclHit } from './acl.ts';

/** The port group and direction of a NetworkPolicy ACL, or undefined for another ACL. */
export function policyPortGroupOf(
  hit: AclHit,
): { portGroup: string; type: 'ingress' | 'egress' } | undefined {
  const m = /^(outport|inport) == @([A-Za-z_.][A-Za-z0-9_.]*)\b/.exec(hit.match);
  if (!m) return undefined;
  return { portGroup: m[2]!, type: m[1] === 'outport' ? 'ingress' : 'egress' };
}

/** `np/<namespace>/<name>` -> `<namespace>/<name>`. */
export const policyOfOwner = (owner: string | undefined): string | undefined =>
  owner?.startsWith('np/') ? owner.slice(3) : undefined;

/** The lines that explain a drop by a NetworkPolicy ACL; `policy` is `<namespace>/<name>` when NB names it. */
export function explainPolicyDrop(
  hit: AclHit,
  ls: string,
  portGroup: string,
  policy: string | undefined,
): string[] {
  const type = hit.match.startsWith('outport') ? 'ingress' : 'egress';
  const acl = `ACL ${hit.direction} priority ${hit.priority} "${hit.match}" on port group ${portGroup} (switch ${ls})`;
  const who = policy ? `NetworkPolicy ${policy}` : `the NetworkPolicy of port group ${portGroup}`;
  return [
    `why:       dropped by ${acl} <- ${who}: it selects the pod and no ${type} rule of a policy selecting it allows this traffic`,
    `fix:       add an ${type} rule allowing it (peer and port) to a NetworkPolicy that selects the pod, or delete ${who}`,
  ];
}
