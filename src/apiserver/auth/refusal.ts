/**
 * The 403 of a refused request, worded as kube-apiserver's responsewriters.Forbidden writes it:
 * `<resource>.<group> ["<name>"] is forbidden: User "<user>" cannot <verb> resource "<resource>[/<sub>]" in API
 * group "<group>" (in the namespace "<ns>" | at the cluster scope)[: <reason>]`, or for a path
 * `forbidden: User "<user>" cannot <verb> path "<path>"`; reason Forbidden, details {group, kind: resource, name}.
 */
import { ApiError, forbidden } from '../status.ts';
import type { Attributes } from './attributes.ts';
import type { UserInfo } from './user.ts';

export function forbiddenMessage(user: UserInfo, attrs: Attributes): string {
  if (!attrs.resourceRequest) return `User "${user.name}" cannot ${attrs.verb} path "${attrs.path}"`;
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const where = attrs.namespace ? `in the namespace "${attrs.namespace}"` : 'at the cluster scope';
  return `User "${user.name}" cannot ${attrs.verb} resource "${resource}" in API group "${attrs.group}" ${where}`;
}

export function refusal(user: UserInfo, attrs: Attributes, reason: string): ApiError {
  const why = reason ? `${forbiddenMessage(user, attrs)}: ${reason}` : forbiddenMessage(user, attrs);
  if (!attrs.resourceRequest) return new ApiError(403, 'Forbidden', `forbidden: ${why}`, {});
  return forbidden({ group: attrs.group, resource: attrs.resource, kind: attrs.resource }, attrs.name, why);
}
