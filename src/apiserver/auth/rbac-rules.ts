/**
 * RBAC's matching rules, pure, as k8s.io/kubernetes pkg/apis/rbac/v1 evaluation helpers write them: a PolicyRule
 * allows a resource request when its verbs, apiGroups, resources (`*`, `RESOURCE`, `RESOURCE/SUBRESOURCE`,
 * `*\/SUBRESOURCE`; `pods` does not cover `pods/status`) and resourceNames (empty = all; a request without a name
 * matches no list) match, and a non-resource request when its verbs and nonResourceURLs (`*`, the exact path, or a
 * prefix ending in `*`) match. A subject is a User by name, a Group the user is in, or a ServiceAccount by its user
 * name, its namespace defaulting to the binding's.
 */
import type { Attributes } from './attributes.ts';
import { serviceAccountUserName, type UserInfo } from './user.ts';

export interface PolicyRule {
  verbs: readonly string[];
  apiGroups?: readonly string[];
  resources?: readonly string[];
  resourceNames?: readonly string[];
  nonResourceURLs?: readonly string[];
}

export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

const has = (list: readonly string[] | undefined, value: string): boolean =>
  list !== undefined && (list.includes('*') || list.includes(value));

function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return (rule.resources ?? []).some(
    (r) => r === '*' || r === combined || (subresource !== '' && r === `*/${subresource}`),
  );
}

function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

function nonResourceUrlMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some(
    (u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.slice(0, -1))),
  );
}

export function ruleAllows(rule: PolicyRule, attrs: Attributes): boolean {
  if (!has(rule.verbs, attrs.verb)) return false;
  if (!attrs.resourceRequest) return nonResourceUrlMatches(rule, attrs.path);
  return (
    has(rule.apiGroups, attrs.group) &&
    resourceMatches(rule, attrs.resource, attrs.subresource) &&
    resourceNameMatches(rule, attrs.name)
  );
}

/** The keys a subject is indexed by (what `userKeys` of a matching user contains); none for an unusable one. */
export function subjectKey(subject: Subject, bindingNamespace: string): string | undefined {
  switch (subject.kind) {
    case 'User':
      return `User:${subject.name}`;
    case 'Group':
      return `Group:${subject.name}`;
    case 'ServiceAccount': {
      const namespace = subject.namespace || bindingNamespace;
      return namespace ? `User:${serviceAccountUserName(namespace, subject.name)}` : undefined;
    }
    default:
      return undefined;
  }
}

/** The index keys a user's bindings are found under: its name and each of its groups. */
export function userKeys(user: UserInfo): string[] {
  return [`User:${user.name}`, ...user.groups.map((g) => `Group:${g}`)];
}
